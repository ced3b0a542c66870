"""A session's life as people see it in a browser: staff write and publish it in the Wagtail
admin, a visitor finds it, a newcomer signs up, joins their commune, pays its cotisation on
(the fake) Stripe and registers, others fill the seats and the waiting list, staff export the
participants."""

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalogue.models import (
    Registration,
    RegistrationMode,
    RegistrationStatus,
    SessionPage,
    SpeakerRole,
)
from home.demo import load_demo
from membership.models import (
    AttachmentStatus,
    CotisationStatus,
    MemberCategory,
    OrganisationMembership,
    StripeEvent,
    Tariff,
)
from membership.years import membership_year, year_label
from tests.membership.factories import (
    CotisationFactory,
    OrganisationFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STAFF = {"username": "redaction", "email": "redaction@caprural.org", "password": "Bocage-2026!"}
PASSWORD = "Haies-champetres-42"
TITLE = "Haies champêtres : planter avec les agriculteurs"
# A word found only in the programme, so that finding the session proves the programme is indexed.
PROGRAMME_WORD = "agroforesterie"
COMMUNE = "Commune de Saillans"
SPEAKERS = ["Dominique Bernier", "Philippe Jean"]
TEACHING_METHOD = "Visite commentée puis atelier en sous-groupes."


def paris_slot(day: dt.date, start: str, end: str) -> tuple[dt.datetime, dt.datetime]:
    def at(hour_minute: str) -> dt.datetime:
        hour, minute = map(int, hour_minute.split(":"))
        naive = dt.datetime.combine(day, dt.time(hour, minute))
        return timezone.make_aware(naive, timezone.get_default_timezone())

    return at(start), at(end)


def admin_input(moment: dt.datetime) -> str:
    """A date and time as staff type it into Wagtail's date-time field (Paris time)."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def emails_to(mailbox, address: str, subject: str = "") -> list:
    return [m for m in mailbox if address in m.to and subject in m.subject]


def admin_login(page: Page) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(STAFF["username"])
    page.get_by_label(re.compile("Mot de passe|Password")).fill(STAFF["password"])
    page.get_by_role("button", name="S'identifier").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def member_login(page: Page, email: str) -> None:
    page.goto("/comptes/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label(re.compile(r"^Mot de passe\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_a_session_from_its_writing_to_its_participants_export(
    journey, stripe_checkout, mailoutbox
):
    today = timezone.localdate()
    first = paris_slot(today + dt.timedelta(days=21), "09:30", "12:30")
    second = paris_slot(today + dt.timedelta(days=28), "14:00", "17:00")
    session_year = membership_year(timezone.localdate(first[0]))

    load_demo()
    get_user_model().objects.create_superuser(**STAFF)
    for year in (membership_year(), membership_year() + 1):  # over the demo's tariffs
        for category, amount in (
            (MemberCategory.SMALL_COMMUNE, "120.00"),
            (MemberCategory.INDIVIDUAL, "30.00"),
        ):
            Tariff.objects.update_or_create(
                year=year, category=category, defaults={"amount": Decimal(amount)}
            )
    commune = OrganisationFactory(name=COMMUNE, town="Saillans", postcode="26340")
    bruno, chloe = (
        ProfileFactory(
            first_name=first_name,
            last_name=last_name,
            user__email=f"{first_name.lower()}.{last_name.lower()}@exemple.fr",
        ).user
        for first_name, last_name in (("Bruno", "Marchand"), ("Chloe", "Vidal"))
    )
    for person in (bruno, chloe):
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
        CotisationFactory(user=person, year=session_year, status=CotisationStatus.PAID)
    alice_email = "alice.dupont@exemple.fr"

    # ------------------------------------------------------------------ 1. staff write and publish
    staff = journey.person("personnel")
    with journey.step("1 connexion à l'administration"):
        admin_login(staff)

    with journey.step("1 nouvelle session, onglet Contenu"):
        staff.get_by_role("button", name="Pages").click()
        staff.get_by_role("link", name="Accueil", exact=True).click()
        staff.get_by_role(
            "link", name=re.compile("Explorer les sous-pages de «.Catalogue.»")
        ).click()
        staff.get_by_role("link", name="Ajouter une sous-page").click()
        staff.get_by_role("link", name="Session", exact=True).click()

        staff.get_by_role("textbox", name="Titre*").fill(TITLE)
        staff.get_by_role("region", name="Type de session*").get_by_role("combobox").select_option(
            label="Atelier d'une journée"
        )
        staff.get_by_role("region", name="Chapô*").get_by_role("textbox").fill(
            "Une matinée sur le terrain et un après-midi en salle pour monter un programme de "
            "plantation avec les exploitants."
        )
        rationale = staff.get_by_role("region", name="Pourquoi cette session ?")
        rationale.locator("[contenteditable=true]").click()
        staff.keyboard.type("Les haies reviennent dans les projets de territoire.")

        programme = staff.get_by_role("region", name="Programme", exact=True)
        programme.get_by_role("button", name="Insérer un bloc").click()
        staff.get_by_role("option", name="partie du programme").click()
        programme.get_by_label("titre").fill("Visite de parcelles")
        programme.locator("[contenteditable=true]").click()
        staff.keyboard.type(f"Observer une parcelle conduite en {PROGRAMME_WORD} depuis dix ans.")

        speakers = staff.get_by_role("region", name="Intervenants", exact=True)
        for number, name in enumerate(SPEAKERS, start=1):
            speakers.get_by_role("button", name="Ajouter un intervenant").click()
            speaker = staff.get_by_role("region", name=f"Intervenant {number}")
            speaker.get_by_role("button", name="Choisir personne").click()
            chooser = staff.get_by_role("dialog")
            chooser.get_by_role("link", name=name).click()
            expect(chooser).to_be_hidden()
            expect(speaker.get_by_text(name)).to_be_visible()
        staff.get_by_role("region", name="Intervenant 1").get_by_label("Rôle").select_option(
            label="Animation"
        )
        staff.get_by_role("region", name="Intervenant 2").get_by_label("Rôle").select_option(
            label="Témoignage"
        )

    with journey.step("1 onglet En pratique"):
        staff.get_by_role("tab", name="En pratique").click()
        dates = staff.get_by_role("region", name="Dates", exact=True)
        dates.get_by_role("button", name="Ajouter une date").click()
        for number, (start, end) in enumerate((first, second)):
            dates.get_by_label("Début").nth(number).fill(admin_input(start))
            dates.get_by_label("Fin").nth(number).fill(admin_input(end))
            staff.keyboard.press("Escape")  # closes the date picker
        place = staff.get_by_role("region", name="Format et lieu")
        place.get_by_role("combobox", name="Format").select_option(label="En présentiel")
        place.get_by_role("textbox", name="Lieu", exact=True).fill("Ferme des Volets")
        place.get_by_role("textbox", name="Commune").fill("Saillans")
        registrations = staff.get_by_role("region", name="Inscriptions", exact=True)
        registrations.get_by_role("combobox", name="Mode d'inscription").select_option(
            label="Adhérents à jour de cotisation"
        )
        registrations.get_by_role("spinbutton", name="Nombre de places").fill("2")

    with journey.step("1 prévisualisation"):
        staff.get_by_role("button", name="Afficher/masquer la prévisualisation").click()
        preview = staff.frame_locator("#w-preview-iframe")
        expect(preview.get_by_role("heading", name=TITLE)).to_be_visible()
        for name in SPEAKERS:
            expect(preview.get_by_text(name)).to_be_visible()
        expect(preview.get_by_text(PROGRAMME_WORD, exact=False)).to_be_visible()
        expect(preview.get_by_text("2 participants maximum")).to_be_visible()

    with journey.step("1 publication"):
        # An autosave still on its way when « Publier » is clicked would post the new page's
        # form to the creation URL a second time (its slug then taken): let it land first.
        staff.wait_for_load_state("networkidle")
        staff.get_by_role("button", name="Plus d'actions").click()
        staff.get_by_role("button", name="Publier").click()
        # Autosave has usually created the page as a draft by now: publishing then updates it.
        title = re.escape(TITLE)
        published = re.compile(rf"«\s{title}\s»\s(créée et publiée|a été publiée)\.")
        expect(staff.get_by_text(published)).to_be_visible()

    session = SessionPage.objects.live().get(title=TITLE)
    assert [(o.start, o.end) for o in session.sorted_occurrences] == [first, second]
    assert [(s.person.full_name, s.role) for s in session.speakers.order_by("sort_order")] == [
        (SPEAKERS[0], SpeakerRole.ANIMATION),
        (SPEAKERS[1], SpeakerRole.TESTIMONY),
    ]
    assert session.capacity == 2
    assert session.registration_mode == RegistrationMode.MEMBERS
    assert session.get_parent().slug == "catalogue"
    assert session.slug == "haies-champetres-planter-avec-les-agriculteurs"  # made by the editor

    with journey.step("1 modification enregistrée automatiquement"):
        # Wagtail compares the form with a copy it takes 2 s after the editor opens: text typed
        # before then is in the copy, counts as no change and is never autosaved.
        staff.add_init_script(
            "document.addEventListener('w-unsaved:watch-edits',"
            " () => { window.editsWatched = true; });"
        )
        edit_path = f"/admin/pages/{session.pk}/edit/"
        staff.goto(edit_path)
        staff.wait_for_function("window.editsWatched === true")
        teaching_method = staff.get_by_role("region", name="Méthode d'animation")
        with staff.expect_response(
            lambda response: (
                response.request.method == "POST" and path_of(response.url) == edit_path
            )
        ) as autosaved:
            teaching_method.locator("[contenteditable=true]").click()
            staff.keyboard.type(TEACHING_METHOD)
        # No click on « Enregistrer le brouillon »: Wagtail saves the draft by itself.
        assert autosaved.value.json()["success"]
        autosave = staff.locator("#w-autosave-indicator")
        expect(autosave.get_by_text("Enregistré", exact=True)).to_be_visible()
    session.refresh_from_db()
    assert session.has_unpublished_changes
    assert TEACHING_METHOD in session.get_latest_revision_as_object().teaching_method
    assert TEACHING_METHOD not in session.teaching_method  # a draft: the page online is unchanged

    # ------------------------------------------------------------------ 2. a visitor finds it
    visitor = journey.person("visiteur")
    with journey.step("2 catalogue filtré"):
        visitor.goto("/")
        visitor.get_by_role("link", name="Voir tout le catalogue").click()
        expect(visitor.get_by_role("heading", name="Catalogue", level=1)).to_be_visible()
        visitor.get_by_label("Type").select_option(label="Sessions")
        visitor.get_by_label("Période").select_option(label="À venir")
        visitor.get_by_label("Inscriptions ouvertes").check()
        visitor.get_by_label("Cotisation").select_option(label="Réservé aux adhérents")
        visitor.get_by_role("button", name="Filtrer").click()
        expect(visitor.get_by_role("heading", name=TITLE)).to_be_visible()
        # A filter that does not fit the session leaves it out.
        visitor.get_by_label("Format").select_option(label="En ligne")
        visitor.get_by_role("button", name="Filtrer").click()
        expect(visitor).to_have_url(re.compile("format=online"))
        expect(visitor.get_by_role("heading", name=TITLE)).to_have_count(0)

    with journey.step("2 recherche d'un mot du programme"):
        visitor.get_by_label("Rechercher dans le catalogue").fill(PROGRAMME_WORD)
        visitor.get_by_label("Rechercher dans le catalogue").press("Enter")
        expect(visitor).to_have_url(re.compile(rf"/recherche/\?q={PROGRAMME_WORD}"))
        visitor.get_by_role("link", name=TITLE).click()
        expect(visitor.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        expect(visitor.get_by_text("Ferme des Volets")).to_be_visible()

    # ------------------------------------------------------------------ 3. a newcomer's way in
    alice = journey.person("alice")
    with journey.step("3 création de compte"):
        alice.goto("/comptes/signup/")
        alice.get_by_label("E-mail").fill(alice_email)
        alice.get_by_label(re.compile(r"^Mot de passe\W*$")).fill(PASSWORD)
        alice.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
        alice.get_by_role("button", name="Création de compte").click()
        expect(
            alice.get_by_role("heading", name=re.compile("adresse e-mail", re.I))
        ).to_be_visible()

    with journey.step("3 confirmation de l'adresse"):
        (message,) = emails_to(mailoutbox, alice_email)
        link = re.search(r"https?://\S+/comptes/confirm-email/\S+/", message.body).group(0)
        alice.goto(path_of(link))
        alice.get_by_role("button", name="Confirmer").click()
        expect(alice).to_have_url(re.compile("/comptes/login/"))
        member_login(alice, alice_email)
        alice.goto("/adhesion/")
        expect(alice.get_by_role("heading", name="Mon espace")).to_be_visible()

    with journey.step("3 demande de rattachement"):
        alice.get_by_role("link", name="Me rattacher à une organisation").click()
        alice.get_by_label("Votre organisation").select_option(label=f"{COMMUNE} (Saillans)")
        alice.get_by_role("button", name="Envoyer ma demande").click()
        expect(
            alice.get_by_text(f"Votre demande de rattachement à {COMMUNE} est envoyée")
        ).to_be_visible()

    with journey.step("3 le personnel confirme le rattachement"):
        staff.goto("/admin/")
        staff.get_by_role("button", name="Adhésions").click()
        staff.get_by_role("link", name="Rattachements").click()
        row = staff.get_by_role("row").filter(has_text=alice_email)
        row.get_by_role("link", name="Confirmer").click()
        staff.get_by_role("button", name="Confirmer le rattachement").click()
        expect(staff.get_by_text(f"Rattachement mis à jour : {alice_email}.")).to_be_visible()
    assert OrganisationMembership.objects.get(user__email=alice_email).status == (
        AttachmentStatus.CONFIRMED
    )

    with journey.step("3 inscription refusée sans cotisation"):
        alice.goto(session.url)
        alice.get_by_role("button", name="M’inscrire").click()
        expect(alice.get_by_role("heading", name="Cotisation nécessaire")).to_be_visible()
        alice.get_by_role("link", name=f"Régler ma cotisation {year_label(session_year)}").click()

    with journey.step("3 paiement sur la page de Stripe"):
        expect(
            alice.get_by_role("heading", name=f"Régler la cotisation {year_label(session_year)}")
        ).to_be_visible()
        commune_option = alice.get_by_role("listitem").filter(
            has=alice.get_by_role("heading", name=COMMUNE)
        )
        commune_option.get_by_role("button", name="Payer 120,00 €").click()
        expect(alice.get_by_text("Montant : 120,00 EUR")).to_be_visible()
        alice.get_by_role("button", name="Payer").click()
        expect(
            alice.get_by_role(
                "heading", name=f"Merci, votre cotisation {year_label(session_year)} est réglée"
            )
        ).to_be_visible()
    assert [(kind, status) for _, kind, status in stripe_checkout.webhook_deliveries] == [
        ("checkout.session.completed", 200)
    ]
    assert StripeEvent.objects.filter(type="checkout.session.completed").count() == 1
    assert commune.cotisations.get(year=session_year).status == CotisationStatus.PAID

    with journey.step("3 reçu"):
        alice.get_by_role("link", name="Mon espace adhérent").click()
        receipts = alice.get_by_role("region", name="Reçus")
        expect(receipts.get_by_role("cell", name=COMMUNE)).to_be_visible()
        with alice.expect_download() as download_info:
            receipts.get_by_role("link", name=re.compile("Télécharger \\(PDF\\)")).click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        with open(download.path(), "rb") as receipt:
            assert receipt.read(5) == b"%PDF-"

    with journey.step("3 inscription confirmée"):
        alice.goto(session.url)
        alice.get_by_role("button", name="M’inscrire").click()
        expect(alice.get_by_text("Votre inscription est confirmée")).to_be_visible()
        expect(alice.get_by_role("heading", name="Mes inscriptions")).to_be_visible()
        mine = alice.get_by_role("listitem").filter(has=alice.get_by_role("link", name=TITLE))
        expect(mine.get_by_text("Confirmée")).to_be_visible()
    assert emails_to(mailoutbox, alice_email, f"Inscription confirmée : {TITLE}")

    # ------------------------------------------------------------------ 4. seats and waiting list
    bruno_page, chloe_page = journey.person("bruno"), journey.person("chloe")
    with journey.step("4 deuxième inscription"):
        member_login(bruno_page, bruno.email)
        bruno_page.goto(session.url)
        expect(
            bruno_page.get_by_role("region", name="S’inscrire").get_by_text("1 place restante")
        ).to_be_visible()
        bruno_page.get_by_role("button", name="M’inscrire").click()
        expect(bruno_page.get_by_text("Votre inscription est confirmée")).to_be_visible()

    with journey.step("4 troisième personne en liste d'attente"):
        member_login(chloe_page, chloe.email)
        chloe_page.goto(session.url)
        expect(
            chloe_page.get_by_role("region", name="S’inscrire").get_by_text(
                "Complet — liste d’attente"
            )
        ).to_be_visible()
        chloe_page.get_by_role("button", name="Rejoindre la liste d’attente").click()
        expect(
            chloe_page.get_by_text("vous êtes sur la liste d'attente (position 1)")
        ).to_be_visible()
    assert emails_to(mailoutbox, chloe.email, f"Liste d'attente : {TITLE}")

    with journey.step("4 la première personne annule"):
        alice.goto("/inscriptions/mes-inscriptions/")
        alice.get_by_role("button", name="Annuler mon inscription").click()
        expect(alice.get_by_text(f"Votre inscription à « {TITLE} » est annulée.")).to_be_visible()

    with journey.step("4 la troisième personne obtient la place"):
        chloe_page.goto("/inscriptions/mes-inscriptions/")
        mine = chloe_page.get_by_role("listitem").filter(
            has=chloe_page.get_by_role("link", name=TITLE)
        )
        expect(mine.get_by_text("Confirmée")).to_be_visible()
    (promotion,) = emails_to(mailoutbox, chloe.email, "Une place s'est libérée")
    assert TITLE in promotion.subject
    statuses = dict(
        Registration.objects.filter(session=session).values_list("user__email", "status")
    )
    assert statuses == {
        alice_email: RegistrationStatus.CANCELLED,
        bruno.email: RegistrationStatus.CONFIRMED,
        chloe.email: RegistrationStatus.CONFIRMED,
    }

    # ------------------------------------------------------------------ 5. the participants export
    with journey.step("5 export XLSX des participants"):
        staff.goto("/admin/")
        staff.get_by_role("button", name="Inscriptions").click()
        staff.get_by_role("link", name="Participants").click()
        staff.get_by_role("link", name=TITLE).click()
        expect(staff).to_have_url(re.compile(r"session__"))
        with staff.expect_download() as download_info:
            staff.get_by_role("link", name="Télécharger en XLSX").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".xlsx")
        with open(download.path(), "rb") as export:
            sheet = openpyxl.load_workbook(io.BytesIO(export.read())).active
    header, *rows = [[str(cell or "") for cell in row] for row in sheet.iter_rows(values_only=True)]
    column = {heading.lower(): number for number, heading in enumerate(header)}
    assert sorted((row[column["courriel"]], row[column["statut"]]) for row in rows) == [
        (alice_email, "Annulée"),
        (bruno.email, "Confirmée"),
        (chloe.email, "Confirmée"),
    ]
    assert {row[column["session"]] for row in rows} == {TITLE}
    assert {row[column["structure"]] for row in rows if row[column["courriel"]] == alice_email} == {
        COMMUNE
    }
