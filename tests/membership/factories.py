import datetime as dt
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from membership.models import (
    AttachmentStatus,
    Cotisation,
    MemberCategory,
    MemberOrganisation,
    MemberProfile,
    OrganisationKind,
    OrganisationMembership,
    Payment,
    PaymentMethod,
    Tariff,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"membre{n}")
    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    password = factory.django.Password("mot-de-passe-solide-42")

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = MemberProfile

    user = factory.SubFactory(UserFactory)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    category = MemberCategory.INDIVIDUAL
    address = "3 rue des Écoles\n23000 Guéret"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = MemberOrganisation

    name = factory.Sequence(lambda n: f"Commune de Saint-Martin-{n}")
    kind = OrganisationKind.COMMUNE
    siret = "21230096600018"
    address = "Place de la Mairie"
    postcode = "23000"
    town = "Guéret"
    billing_email = factory.Sequence(lambda n: f"mairie{n}@exemple.fr")
    category = MemberCategory.SMALL_COMMUNE


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = AttachmentStatus.CONFIRMED


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = Tariff
        django_get_or_create = ("year", "category")

    year = 2026
    category = MemberCategory.INDIVIDUAL
    amount = Decimal("30.00")


class CotisationFactory(DjangoModelFactory):
    class Meta:
        model = Cotisation

    user = factory.SubFactory(UserFactory)
    organisation = None
    year = 2026
    category = MemberCategory.INDIVIDUAL
    amount = Decimal("30.00")


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    cotisation = factory.SubFactory(CotisationFactory)
    method = PaymentMethod.STRIPE
    amount = factory.LazyAttribute(lambda p: p.cotisation.amount)
    stripe_checkout_session_id = factory.Sequence(lambda n: f"cs_test_{n}")


PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
