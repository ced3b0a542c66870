"""Staff work in the Wagtail admin: lists, filters, exports, offline payment, provisional cover."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from membership.models import (
    AttachmentStatus,
    Cotisation,
    CotisationStatus,
    MemberCategory,
    PaymentMethod,
    PaymentStatus,
    Receipt,
)
from membership.years import membership_year, year_end

from .factories import (
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    PaymentFactory,
    ProfileFactory,
    TariffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_recording_a_cheque_from_an_organisation_opens_pays_and_issues_the_receipt_at_once(
    staff_client,
):
    year = membership_year()
    TariffFactory(year=year, category=MemberCategory.SMALL_COMMUNE, amount=Decimal("80.00"))
    organisation = OrganisationFactory()
    url = reverse("membership_offline_payment", args=["organisation", organisation.pk])
    assert 'value="80.00"' in staff_client.get(url).content.decode()  # the tariff, pre-filled

    response = staff_client.post(
        url,
        {
            "year": year,
            "method": PaymentMethod.CHEQUE,
            "amount": "80.00",
            "reference": "0001234",
            "received_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 302
    cotisation = Cotisation.objects.get(organisation=organisation, year=year)
    assert cotisation.status == CotisationStatus.PAID
    (payment,) = cotisation.payments.all()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.reference == "0001234"
    assert payment.recorded_by.is_staff
    assert Receipt.objects.get(payment=payment).amount == Decimal("80.00")


def test_a_wrong_amount_is_refused_and_nothing_is_written(staff_client):
    year = membership_year()
    TariffFactory(year=year, amount=Decimal("30.00"))
    profile = ProfileFactory()
    url = reverse("membership_offline_payment", args=["personne", profile.pk])
    response = staff_client.post(
        url,
        {
            "year": year,
            "method": PaymentMethod.TRANSFER,
            "amount": "25.00",
            "reference": "VIR-1",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "ne correspond pas au montant" in response.content.decode()
    assert not Cotisation.objects.exists()


def test_recording_on_an_existing_cotisation(staff_client):
    cotisation = CotisationFactory(year=membership_year())
    url = reverse("membership_offline_payment", args=["cotisation", cotisation.pk])
    staff_client.post(
        url,
        {
            "method": PaymentMethod.MANDATE,
            "amount": "30.00",
            "reference": "MANDAT-2026-17",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID


# What the browser's date input sends, and a date typed the French way.
@pytest.mark.parametrize("date_format", ["%Y-%m-%d", "%d/%m/%Y"])
def test_granting_provisional_coverage(staff_client, date_format):
    year = membership_year()
    cotisation = CotisationFactory(user=None, organisation=OrganisationFactory(), year=year)
    until = min(timezone.localdate() + dt.timedelta(days=60), year_end(year))
    staff_client.post(
        reverse("membership_provisional_grant", args=[cotisation.pk]),
        {"until": until.strftime(date_format)},
    )
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PROVISIONAL
    assert cotisation.provisional_until == until


def test_staff_confirm_an_attachment(staff_client):
    attachment = AttachmentFactory(status=AttachmentStatus.REQUESTED)
    url = reverse("membership_attachment_decide", args=[attachment.pk, "confirmer"])
    assert staff_client.get(url).status_code == 200
    staff_client.post(url)
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.CONFIRMED


def test_staff_actions_need_permissions(client):
    client.force_login(UserFactory(is_staff=True))
    cotisation = CotisationFactory()
    response = client.get(reverse("membership_provisional_grant", args=[cotisation.pk]))
    assert response.status_code in (302, 403)
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PENDING


@pytest.mark.parametrize(
    "name",
    [
        "cotisation",
        "payment",
        "receipt",
        "memberorganisation",
        "memberprofile",
        "organisationmembership",
        "tariff",
        "reminder",
        "stripeevent",
    ],
)
def test_every_list_renders(staff_client, name):
    PaymentFactory(cotisation__user=ProfileFactory().user)
    response = staff_client.get(reverse(f"membership_{name}_modeladmin_index"))
    assert response.status_code == 200


def test_cotisations_filter_by_year_status_and_method(staff_client):
    paid = PaymentFactory(method=PaymentMethod.CHEQUE, status=PaymentStatus.SUCCEEDED)
    Cotisation.objects.filter(pk=paid.cotisation.pk).update(status=CotisationStatus.PAID)
    CotisationFactory(year=2025, status=CotisationStatus.PAID)
    CotisationFactory(year=2026)
    index = reverse("membership_cotisation_modeladmin_index")

    response = staff_client.get(index, {"year": 2026, "status__exact": "paid"})
    assert list(response.context["object_list"]) == [paid.cotisation]
    response = staff_client.get(index, {"payments__method__exact": "cheque"})
    assert list(response.context["object_list"]) == [paid.cotisation]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_cotisations_export(staff_client, export_format):
    CotisationFactory(user=None, organisation=OrganisationFactory(name="Commune de Royère"))
    response = staff_client.get(
        reverse("membership_cotisation_modeladmin_index"), {"export": export_format}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        text = content.decode()
        assert "Commune de Royère" in text
        assert "En attente de paiement" in text
    else:
        assert content.startswith(b"PK")


def test_people_export_in_csv(staff_client):
    ProfileFactory(last_name="Lefèvre", job_title="Agent de développement")
    response = staff_client.get(
        reverse("membership_memberprofile_modeladmin_index"), {"export": "csv"}
    )
    assert "Lefèvre" in b"".join(response.streaming_content).decode()


def test_payments_are_read_only(staff_client):
    payment = PaymentFactory()
    assert staff_client.get(reverse("membership_payment_modeladmin_create")).status_code in (
        302,
        403,
    )
    edit = reverse("membership_payment_modeladmin_edit", args=[payment.pk])
    assert staff_client.get(edit).status_code in (302, 403)


def test_dashboard_shows_this_years_figures(staff_client):
    year = membership_year()
    paid = PaymentFactory(cotisation__year=year, status=PaymentStatus.SUCCEEDED)
    Cotisation.objects.filter(pk=paid.cotisation.pk).update(status=CotisationStatus.PAID)
    CotisationFactory(year=year)
    CotisationFactory(year=year)
    page = staff_client.get(reverse("wagtailadmin_home")).content.decode()
    assert f"Cotisations {year}" in page
    assert "<span>1</span> payée" in page
    assert "<span>2</span> en attente" in page
    assert "30,00\xa0€" in page or "30,00 €" in page


def test_admin_receipt_pdf(staff_client):
    from membership import services

    payment = PaymentFactory()
    receipt = services.payment_succeeded(payment=payment, paid_at=timezone.now())
    response = staff_client.get(reverse("membership_receipt_pdf", args=[receipt.pk]))
    assert response.content.startswith(b"%PDF")


def test_cancelling_a_mistaken_cotisation_frees_the_year(staff_client):
    cotisation = CotisationFactory()
    staff_client.post(reverse("membership_cotisation_cancel", args=[cotisation.pk]))
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.CANCELLED
    CotisationFactory(user=cotisation.user, year=cotisation.year)  # the year is free again


def test_a_cotisation_with_money_in_flight_cannot_be_cancelled(staff_client):
    payment = PaymentFactory(status=PaymentStatus.AWAITING_FUNDS)
    response = staff_client.post(
        reverse("membership_cotisation_cancel", args=[payment.cotisation.pk])
    )
    assert "ne peut pas être annulée" in response.content.decode()
    payment.cotisation.refresh_from_db()
    assert payment.cotisation.status == CotisationStatus.PENDING


def _registered_model_admins():
    """Every wagtail-modeladmin list the portal registers, from its index URL."""
    from wagtail import hooks

    for register_urls in hooks.get_hooks("register_admin_urls"):
        for pattern in register_urls():
            if (getattr(pattern, "name", None) or "").endswith("_modeladmin_index"):
                yield pattern.callback.__self__


def test_every_staff_list_exports_through_the_localised_export():
    from membership.admin_views import LocalisedExportIndexView

    exporting = [admin for admin in _registered_model_admins() if admin.list_export]
    labels = {admin.model._meta.label for admin in exporting}
    assert {"catalogue.Registration", "catalogue.Application", "membership.Payment"} <= labels
    assert all(issubclass(admin.index_view_class, LocalisedExportIndexView) for admin in exporting)


def _export(client, url_name, export_format):
    response = client.get(reverse(url_name), {"export": export_format})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_exports_write_paris_time_and_french_formats(staff_client):
    import io

    from openpyxl import load_workbook

    paris = ZoneInfo("Europe/Paris")
    # 00:30 in Paris on 1 March is still 28 February in UTC.
    succeeded = dt.datetime(2025, 3, 1, 0, 30, tzinfo=paris)
    PaymentFactory(
        succeeded_at=succeeded, received_on=dt.date(2025, 2, 27), amount_refunded=Decimal("0")
    )
    AttachmentFactory(is_referent=False)

    csv_text = _export(staff_client, "membership_payment_modeladmin_index", "csv").decode()
    row = csv_text.splitlines()[1]
    assert "01/03/2025 00:30" in row and "27/02/2025" in row
    assert "2025-02-28" not in csv_text and "+00:00" not in csv_text
    referent = _export(staff_client, "membership_organisationmembership_modeladmin_index", "csv")
    assert referent.decode().splitlines()[1].split(";")[3] == "non"

    xlsx = _export(staff_client, "membership_payment_modeladmin_index", "xlsx")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    headings = [cell.value for cell in sheet[1]]
    cells = dict(zip(headings, sheet[2], strict=True))
    assert cells["Réussi le"].value == dt.datetime(2025, 3, 1, 0, 30)
    assert cells["Réussi le"].number_format == "dd/mm/yyyy hh:mm"
    assert cells["Reçu le"].number_format == "dd/mm/yyyy"
    assert cells["Montant remboursé (€)"].value == 0  # not the empty-value dash


def test_staff_edit_people_but_cannot_create_a_profile_without_an_account(staff_client):
    from membership.models import MemberProfile

    index = staff_client.get(reverse("membership_memberprofile_modeladmin_index"))
    assert reverse("membership_memberprofile_modeladmin_create") not in index.content.decode()

    response = staff_client.post(
        reverse("membership_memberprofile_modeladmin_create"),
        {"first_name": "Sans", "last_name": "Compte", "category": "individual"},
    )

    assert response.status_code in (302, 403)
    assert not MemberProfile.objects.exists()
    profile = ProfileFactory(last_name="Martin")
    edit = staff_client.post(
        reverse("membership_memberprofile_modeladmin_edit", args=[profile.pk]),
        {"first_name": "Camille", "last_name": "Martin-Roux", "category": "individual"},
    )
    assert edit.status_code == 302
    profile.refresh_from_db()
    assert profile.last_name == "Martin-Roux"
