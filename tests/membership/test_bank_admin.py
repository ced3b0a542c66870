"""Staff reconcile bank statements in the admin: upload, summary, kept credits matched by hand."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.models import ModelLogEntry

from membership import services
from membership.models import BankEntry, CotisationStatus, Payment
from membership.years import membership_year

from .bank_files import Credit, camt053
from .factories import ProfileFactory, TariffFactory, UserFactory
from .test_bank_reconciliation import booked

pytestmark = pytest.mark.django_db

IMPORT_URL = "membership_bank_statement_import"


@pytest.fixture
def cotisation():
    TariffFactory(year=membership_year(), amount=Decimal("45.00"))
    profile = ProfileFactory(first_name="Inès", last_name="Moreau")
    return services.cotisation_open(user=profile.user, year=membership_year())


def staff_with(*codenames: str):
    """A staff member of a group holding only ``codenames`` (and the admin's access)."""
    group = Group.objects.create(name="Trésorerie")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="membership", codename__in=codenames),
    )
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def treasurer(client):
    user = staff_with("add_bankentry", "change_bankentry", "add_payment", "view_bankentry")
    client.force_login(user)
    return user


def upload(client, content: bytes, name: str = "releve.xml"):
    return client.post(
        reverse(IMPORT_URL), {"statement": SimpleUploadedFile(name, content, "text/xml")}
    )


def test_staff_upload_a_statement_and_see_what_was_recorded_and_left(client, treasurer, cotisation):
    on = booked()
    statement = camt053(
        [
            Credit(Decimal("45.00"), f"COTIS {cotisation.payment_reference}", "AC-1", on),
            Credit(Decimal("30.00"), cotisation.payment_reference, "AC-2", on, debtor="M. Roux"),
        ]
    )

    response = upload(client, statement, "releve-mars.xml")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Relevé « releve-mars.xml »" in page
    assert "Virements enregistrés : 1" in page
    assert "Inès Moreau · cotisation" in page
    assert "Laissés à l’équipe, à rapprocher à la main : 1" in page
    assert "Cotisation déjà réglée" in page
    payment = Payment.objects.get()
    assert payment.recorded_by == treasurer
    assert ModelLogEntry.objects.get(action="membership.payment.matched").user == treasurer

    again = upload(client, statement, "releve-mars.xml").content.decode()
    assert "Déjà importés (rien de plus enregistré) : 2" in again
    assert Payment.objects.count() == BankEntry.objects.count() == 1


def membership_menu_labels(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    (group,) = [
        item for item in admin_menu.menu_items_for_request(request) if item.label == "Adhésions"
    ]
    return [str(item.label) for item in group.menu.menu_items_for_request(request)]


def test_the_membership_menu_offers_the_import_and_the_list_to_staff_allowed(treasurer):
    labels = membership_menu_labels(treasurer)
    assert "Importer un relevé bancaire" in labels
    assert "Virements à rapprocher" in labels


def test_staff_without_the_permission_neither_see_nor_use_the_import(client, cotisation):
    user = staff_with("view_cotisation")
    assert "Importer un relevé bancaire" not in membership_menu_labels(user)
    client.force_login(user)
    statement = camt053([Credit(Decimal("45.00"), cotisation.payment_reference, "AC-1", booked())])
    response = upload(client, statement)
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")  # refused
    assert not Payment.objects.exists()


def test_a_member_is_sent_to_the_login_page(client, cotisation):
    client.force_login(cotisation.user)
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302


def test_a_bad_file_is_refused_in_french_and_writes_nothing(client, treasurer):
    response = upload(client, b"%PDF-1.7 releve", "releve.pdf")
    assert "Ce fichier est un PDF" in response.content.decode()
    assert not BankEntry.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, treasurer, settings, cotisation):
    settings.PORTAIL_MEMBERSHIP_STATEMENT_MAX_SIZE = 1024 * 1024
    statement = camt053([Credit(Decimal("45.00"), cotisation.payment_reference, "AC-1", booked())])
    response = upload(client, statement + b" " * (1024 * 1024))
    assert "Ce fichier dépasse 1 Mo" in response.content.decode()
    assert not Payment.objects.exists()


def test_staff_match_a_kept_credit_from_the_list(client, treasurer, cotisation):
    upload(client, camt053([Credit(Decimal("45.00"), "VIR MME MOREAU", "AC-9", booked())]))
    entry = BankEntry.objects.get()
    listing = client.get(reverse("membership_bankentry_modeladmin_index") + "?a_rapprocher=1")
    match_url = reverse("membership_bank_entry_match", args=[entry.pk])
    assert match_url in listing.content.decode()
    form = client.get(match_url).content.decode()
    assert "VIR MME MOREAU" in form and cotisation.payment_reference in form

    response = client.post(match_url, {"cotisation": cotisation.pk})

    assert response.status_code == 302
    cotisation.refresh_from_db()
    entry.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID
    assert entry.matched_by == treasurer
    log = ModelLogEntry.objects.get(action="membership.payment.matched_by_hand")
    assert log.user == treasurer
    listing = client.get(reverse("membership_bankentry_modeladmin_index")).content.decode()
    assert match_url not in listing
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "rapproché à la main de cette cotisation" in history
    assert str(cotisation) in history


def test_a_refused_hand_match_says_why(client, treasurer, cotisation):
    upload(client, camt053([Credit(Decimal("30.00"), "VIR", "AC-9", booked())]))
    entry = BankEntry.objects.get()
    response = client.post(
        reverse("membership_bank_entry_match", args=[entry.pk]), {"cotisation": cotisation.pk}
    )
    assert "ne correspond pas au montant de la cotisation" in response.content.decode()
    entry.refresh_from_db()
    assert entry.payment is None
