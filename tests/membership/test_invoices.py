"""Invoices for public bodies: an unbroken series, Factur-X (EN 16931) files Chorus Pro accepts,
the buyer's references, provisional cover from the invoice, credit notes, batch download."""

import datetime as dt
import io
import threading
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from membership import services
from membership.models import (
    AssociationSettings,
    CotisationStatus,
    Invoice,
    InvoiceKind,
    ReceiptSequence,
)
from membership.years import year_end

from .factories import (
    AttachmentFactory,
    CotisationFactory,
    OrganisationFactory,
    TariffFactory,
    UserFactory,
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


@pytest.fixture
def identity(home_page):
    identity = AssociationSettings.for_site(home_page.get_site())
    identity.iban = "FR7630006000011234567890189"
    identity.bic = "AGRIFRPP"
    identity.name = "Réseau rural du Limousin"
    identity.siret = "73282932000074"
    identity.address = "2 avenue de la Gare\n87000 Limoges"
    identity.save()
    return identity


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


def commune_cotisation(**kwargs):
    organisation = OrganisationFactory(
        name="Commune de Bourganeuf", chorus_service_code="SERV_FINANCES"
    )
    return CotisationFactory(
        user=None,
        organisation=organisation,
        year=timezone.localdate().year,
        amount=Decimal("120.00"),
        commitment_number="EJ-2026-0042",
        purchase_order_number="BC 17/2026",
        **kwargs,
    )


def embedded_xml(invoice: Invoice) -> etree._Element:
    filename, xml = get_facturx_xml_from_pdf(bytes(invoice.document))
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    return etree.fromstring(xml)


def text(tree, path: str) -> str:
    (node,) = tree.xpath(path, namespaces=NS)
    return node.text


def pdf_text(invoice: Invoice) -> str:
    return PdfReader(io.BytesIO(bytes(invoice.document))).pages[0].extract_text()


@pytest.mark.django_db
def test_invoice_is_a_facturx_file_valid_against_en16931_with_the_public_references(
    identity, staff
):
    cotisation = commune_cotisation()
    invoice = services.invoice_issue(cotisation=cotisation, issued_by=staff)

    tree = embedded_xml(invoice)
    settlement = "//ram:ApplicableHeaderTradeSettlement"
    agreement = "//ram:ApplicableHeaderTradeAgreement"
    assert text(tree, "//rsm:ExchangedDocument/ram:ID") == invoice.display_number
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert (
        text(tree, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
        == "urn:cen.eu:en16931:2017"
    )
    assert text(tree, f"{agreement}/ram:BuyerReference") == "SERV_FINANCES"
    assert (
        text(tree, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID")
        == "EJ-2026-0042"
    )
    buyer_id = tree.xpath(
        f"{agreement}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS
    )[0]
    assert (buyer_id.text, buyer_id.get("schemeID")) == ("21230096600018", "0009")
    assert (
        text(tree, f"{agreement}/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID")
        == "73282932000074"
    )
    assert text(tree, f"{settlement}/ram:PaymentReference") == cotisation.payment_reference
    assert (
        text(tree, f"{settlement}//ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        == "FR7630006000011234567890189"
    )
    assert text(tree, f"{settlement}/ram:ApplicableTradeTax/ram:CategoryCode") == "E"
    assert text(tree, f"{settlement}/ram:ApplicableTradeTax/ram:ExemptionReason") == (
        "TVA non applicable, art. 261-7-1° du CGI"
    )
    assert text(tree, f"{settlement}//ram:DuePayableAmount") == "120.00"
    assert "Bon de commande n° BC 17/2026" in etree.tostring(tree, encoding="unicode")


@pytest.mark.django_db
def test_invoice_pdf_shows_the_references_the_payment_reference_and_the_ways_to_pay(
    identity, staff
):
    cotisation = commune_cotisation()
    invoice = services.invoice_issue(cotisation=cotisation, issued_by=staff)

    content = pdf_text(invoice)
    for expected in [
        f"Facture n° {invoice.display_number}",
        "Réseau rural du Limousin",
        "SIRET 73282932000074",
        "Commune de Bourganeuf",
        "SIRET 21230096600018",
        "BC 17/2026",
        "EJ-2026-0042",
        "SERV_FINANCES",
        "120,00 €",
        "TVA non applicable, art. 261-7-1° du CGI",
        cotisation.payment_reference,
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "Mandat administratif",
    ]:
        assert expected in content
    reader = PdfReader(io.BytesIO(bytes(invoice.document)))
    assert "factur-x.xml" in reader.attachments
    xmp = reader.xmp_metadata.stream.get_data()
    assert b'pdfaid:part="3"' in xmp or b"<pdfaid:part>3</pdfaid:part>" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


@pytest.mark.django_db
def test_numbers_follow_each_other_across_invoices_and_credit_notes(identity, staff):
    first = services.invoice_issue(cotisation=commune_cotisation(), issued_by=staff)
    note = services.invoice_credit(invoice=first, issued_by=staff)
    again = services.invoice_issue(cotisation=first.cotisation, issued_by=staff)

    series = f"F{timezone.localdate().year}"
    assert [(i.series, i.number, i.kind) for i in Invoice.objects.order_by("number")] == [
        (series, 1, InvoiceKind.INVOICE),
        (series, 2, InvoiceKind.CREDIT_NOTE),
        (series, 3, InvoiceKind.INVOICE),
    ]
    assert first.display_number == f"{series}-000001"
    assert note.credits == first
    assert services.invoice_credit(invoice=first, issued_by=staff) == note
    tree = embedded_xml(note)
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == (
        first.display_number
    )
    assert again.number == 3
    # Receipts keep their own series.
    assert not ReceiptSequence.objects.filter(series=str(timezone.localdate().year)).exists()


@pytest.mark.django_db
def test_a_cotisation_is_invoiced_once_until_a_credit_note_cancels_it(identity, staff):
    invoice = services.invoice_issue(cotisation=commune_cotisation(), issued_by=staff)
    with pytest.raises(ValidationError, match="déjà la facture n°"):
        services.invoice_issue(cotisation=invoice.cotisation, issued_by=staff)
    assert Invoice.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(identity, staff, monkeypatch):
    cotisation = commune_cotisation()

    def broken(invoice, *, identity):
        raise ValueError("PDF impossible")

    monkeypatch.setattr(services, "facturx_document", broken)
    with pytest.raises(ValueError):
        services.invoice_issue(cotisation=cotisation, issued_by=staff)
    monkeypatch.undo()
    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PENDING
    assert not Invoice.objects.exists()

    invoice = services.invoice_issue(cotisation=cotisation, issued_by=staff)
    assert invoice.number == 1


@pytest.mark.django_db
def test_issuing_the_invoice_covers_the_holder_provisionally(identity, staff, settings):
    settings.PORTAIL_MEMBERSHIP_INVOICE_COVER_DAYS = 45
    cotisation = commune_cotisation()
    today = timezone.localdate()

    invoice = services.invoice_issue(cotisation=cotisation, issued_by=staff)

    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PROVISIONAL
    assert cotisation.provisional_until == min(
        today + dt.timedelta(days=45), year_end(cotisation.year)
    )
    assert cotisation.provisional_granted_by == staff
    assert invoice.due_on == today + dt.timedelta(days=30)
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"membership.invoice.issued", "membership.cotisation.provisional_from_invoice"} <= (
        actions
    )
    assert ModelLogEntry.objects.get(action="membership.invoice.issued").user == staff


@pytest.mark.django_db
def test_staff_choose_how_long_the_invoice_covers(identity, staff):
    cotisation = commune_cotisation()
    until = year_end(cotisation.year)
    services.invoice_issue(cotisation=cotisation, issued_by=staff, cover_until=until)
    cotisation.refresh_from_db()
    assert cotisation.provisional_until == until


@pytest.mark.django_db
def test_a_paid_cotisations_invoice_is_settled_and_grants_nothing(identity, staff):
    cotisation = commune_cotisation(status=CotisationStatus.PAID)
    invoice = services.invoice_issue(cotisation=cotisation, issued_by=staff)

    cotisation.refresh_from_db()
    assert cotisation.status == CotisationStatus.PAID
    tree = embedded_xml(invoice)
    assert text(tree, "//ram:DuePayableAmount") == "0.00"
    assert text(tree, "//ram:TotalPrepaidAmount") == "120.00"
    assert "Facture acquittée" in pdf_text(invoice)
    assert not ModelLogEntry.objects.filter(
        action="membership.cotisation.provisional_from_invoice"
    ).exists()


@pytest.mark.django_db
def test_cancelling_an_invoiced_cotisation_issues_a_credit_note(identity, staff):
    invoice = services.invoice_issue(cotisation=commune_cotisation(), issued_by=staff)
    services.cotisation_cancel(cotisation=invoice.cotisation, cancelled_by=staff)

    note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert note.credits == invoice
    assert note.amount == invoice.amount
    assert "Avoir n°" in pdf_text(note)
    assert ModelLogEntry.objects.filter(action="membership.invoice.credited").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cotisation": {"status": CotisationStatus.CANCELLED}}, "ne peut pas être facturée"),
        ({"cotisation": {"amount": Decimal("0")}}, "sans montant"),
        ({"identity": {"siret": ""}}, "SIRET et l’adresse de l’association"),
        ({"organisation": {"siret": ""}}, "SIRET de Commune de Bourganeuf"),
    ],
)
def test_an_invoice_that_cannot_be_right_is_refused_and_nothing_is_numbered(
    identity, staff, change, message
):
    cotisation = commune_cotisation()
    for name, fields in change.items():
        instance = {
            "cotisation": cotisation,
            "identity": identity,
            "organisation": cotisation.organisation,
        }[name]
        for field, value in fields.items():
            setattr(instance, field, value)
        instance.save()
    with pytest.raises(ValidationError, match=message):
        services.invoice_issue(cotisation=cotisation, issued_by=staff)
    assert not Invoice.objects.exists()
    assert not ReceiptSequence.objects.filter(series__startswith="F").exclude(last_number=0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_or_skip_a_number(staff):
    # A flushed database has no site to hold the settings: the identity is given, unsaved.
    identity = AssociationSettings(
        name="Réseau rural du Limousin",
        siret="73282932000074",
        address="2 avenue de la Gare\n87000 Limoges",
    )
    cotisations = [commune_cotisation() for _ in range(8)]
    barrier = threading.Barrier(len(cotisations))
    errors = []

    def issue(cotisation):
        try:
            barrier.wait()
            services.invoice_issue(cotisation=cotisation, issued_by=staff, identity=identity)
        except Exception as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(c,)) for c in cotisations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(cotisations) + 1))


# --------------------------------------------------------------------------- references


@pytest.mark.django_db
def test_references_are_recorded_and_checked():
    cotisation = commune_cotisation()
    services.public_references_record(
        cotisation=cotisation,
        purchase_order_number=" BC-99 ",
        commitment_number="1300123456",
        chorus_service_code="DIR_ACHATS",
        siret="212 300 966 00018",
    )
    cotisation.refresh_from_db()
    assert (cotisation.purchase_order_number, cotisation.commitment_number) == (
        "BC-99",
        "1300123456",
    )
    assert cotisation.organisation.chorus_service_code == "DIR_ACHATS"
    assert cotisation.organisation.siret == "21230096600018"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"siret": "21230096600019"}, "siret", "clé de contrôle"),
        ({"chorus_service_code": "SERVICE FINANCES"}, "chorus_service_code", "sans espace"),
        ({"commitment_number": "EJ#12"}, "commitment_number", "engagement juridique"),
        ({"purchase_order_number": "x" * 51}, "purchase_order_number", "bon de commande"),
    ],
)
def test_bad_references_get_a_french_error_and_nothing_is_written(fields, field, message):
    cotisation = commune_cotisation()
    with pytest.raises(ValidationError) as caught:
        services.public_references_record(cotisation=cotisation, **fields)
    assert message in " ".join(caught.value.message_dict[field])
    cotisation.refresh_from_db()
    cotisation.organisation.refresh_from_db()
    assert cotisation.commitment_number == "EJ-2026-0042"
    assert cotisation.organisation.siret == "21230096600018"
    assert cotisation.organisation.chorus_service_code == "SERV_FINANCES"


@pytest.mark.django_db
def test_references_no_longer_change_once_invoiced(identity, staff):
    invoice = services.invoice_issue(cotisation=commune_cotisation(), issued_by=staff)
    with pytest.raises(ValidationError, match="déjà émise"):
        services.public_references_record(cotisation=invoice.cotisation, commitment_number="AUTRE")


# --------------------------------------------------------------------------- admin


@pytest.mark.django_db
def test_staff_issue_from_the_cotisation_list_and_download_the_file(client, identity, staff):
    client.force_login(staff)
    cotisation = commune_cotisation()
    url = reverse("membership_invoice_issue", args=[cotisation.pk])

    response = client.post(
        url,
        {
            "purchase_order_number": "BC 18",
            "commitment_number": "EJ-77",
            "chorus_service_code": "SERV_FINANCES",
            "siret": "21230096600018",
            "cover_until": "",
        },
    )

    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.commitment_number == "EJ-77"
    download = client.get(reverse("membership_invoice_pdf", args=[invoice.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert bytes(download.content) == bytes(invoice.document)
    listing = client.get(reverse("membership_invoice_modeladmin_index"))
    assert invoice.display_number in listing.content.decode()


@pytest.mark.django_db
def test_a_bad_reference_in_the_admin_form_is_explained(client, identity, staff):
    client.force_login(staff)
    cotisation = commune_cotisation()
    response = client.post(
        reverse("membership_invoice_issue", args=[cotisation.pk]),
        {"commitment_number": "EJ#1", "siret": "21230096600018"},
    )
    assert response.status_code == 200
    assert "engagement juridique" in response.content.decode()
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_staff_download_a_batch_of_invoices_as_a_zip(client, identity, staff):
    client.force_login(staff)
    chosen = [
        services.invoice_issue(cotisation=commune_cotisation(), issued_by=staff) for _ in range(3)
    ]
    url = reverse("membership_invoice_batch")
    assert client.get(url).status_code == 200

    response = client.post(url, {"invoices": [chosen[0].pk, chosen[2].pk]})

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted([chosen[0].filename, chosen[2].filename])
    _, xml = get_facturx_xml_from_pdf(archive.read(chosen[0].filename))
    assert chosen[0].display_number.encode() in xml


@pytest.mark.django_db
def test_staff_without_the_permission_cannot_download(client, identity, staff):
    invoice = services.invoice_issue(cotisation=commune_cotisation(), issued_by=staff)
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("membership_invoice_pdf", args=[invoice.pk]))
    assert response.status_code in {302, 403}


# --------------------------------------------------------------------------- member's area


@pytest.mark.django_db
def test_a_referent_records_the_references_in_their_area(client):
    year = timezone.localdate().year
    organisation = OrganisationFactory(name="Commune de Felletin")
    TariffFactory(year=year, category=organisation.category, amount=Decimal("80.00"))
    referent = AttachmentFactory(organisation=organisation, is_referent=True).user
    client.force_login(referent)
    url = reverse("membership:public_references", args=[organisation.pk])
    assert url in client.get(reverse("membership:account")).content.decode()

    bad = client.post(url, {"siret": "21230096600019", "commitment_number": "EJ 5"})
    assert "Ce SIRET n’est pas valide" in bad.content.decode()
    assert not organisation.cotisations.exists()

    response = client.post(
        url,
        {
            "purchase_order_number": "BC-3",
            "commitment_number": "EJ 5",
            "chorus_service_code": "",
            "siret": "21230096600018",
        },
    )
    assert response.status_code == 302
    cotisation = organisation.cotisations.get(year=year)
    assert (cotisation.purchase_order_number, cotisation.commitment_number) == ("BC-3", "EJ 5")


@pytest.mark.django_db
def test_only_referents_record_an_organisations_references(client):
    organisation = OrganisationFactory()
    member = AttachmentFactory(organisation=organisation).user
    client.force_login(member)
    url = reverse("membership:public_references", args=[organisation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"commitment_number": "EJ"}).status_code == 404


@pytest.mark.django_db
def test_a_persons_invoice_form_asks_no_public_references(client, identity, staff):
    client.force_login(staff)
    cotisation = CotisationFactory(year=timezone.localdate().year)
    url = reverse("membership_invoice_issue", args=[cotisation.pk])
    page = client.get(url).content.decode()
    assert "cover_until" in page and "commitment_number" not in page

    assert client.post(url, {"cover_until": ""}).status_code == 302
    invoice = Invoice.objects.get()
    assert (invoice.buyer_siret, invoice.commitment_number) == ("", "")
    embedded_xml(invoice)
