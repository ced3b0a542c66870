"""A programme no other test reads, of the same kind as the seeds, imports with its days,
half-days, hours and nested lists; so does its Markdown version."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from catalogue.importer.services import programme_import
from catalogue.models import RegistrationMode, SessionFormat, SessionKind, SpeakerRole
from tests.catalogue.documents import to_docx
from tests.catalogue.factories import CatalogueIndexPageFactory

pytestmark = pytest.mark.django_db

WORKSHOP = """\
ATELIER DE DEUX JOURS

Animer une démarche de coopération intercommunale

# Pourquoi cet atelier ?

Les intercommunalités conduisent de plus en plus de projets avec leurs communes et leurs voisines. Cet atelier donne des repères pour animer ces coopérations.

# Objectifs

- Comprendre les ressorts d'une coopération entre collectivités
- Outiller l'animation d'un comité de pilotage

# Public

Élus et techniciens des intercommunalités.

# Programme

# 1ère journée (9h-12h30 et 14h-17h30)

MATINEE

9h - 10h30 : Accueil et tour de table

- Attentes des participants
  - ce que chacun apporte
  - ce que chacun cherche
- Présentation du déroulé

10h45 - 12h30 : Les formes de la coopération

APRES-MIDI

Étude de cas en sous-groupes

- Lecture d'un cas
  - repérer les acteurs
  - repérer les **enjeux**

# 2ème journée (9h-12h30 et 13h30-16h)

MATINEE

Construire sa feuille de route

APRES-MIDI

Bilan et évaluation

# Intervenante

- Claire DUMONT, consultante en coopération territoriale - Cabinet Territoires Associés

# En pratique

- Les 3 et 4 mars 2021 à la Maison des associations de Die
- Lieu : Maison des associations, 2 rue des Alpes, Die
- 16 participants maximum ; date limite d'inscription : 20 février 2021
- Participation soumise à la cotisation annuelle
- Repas à la charge des participants
- Contact : Anne Petit, 04 75 00 11 22, anne.petit@example.org
"""


def bare(value):
    return re.sub(r' data-block-key="\\w+"', "", str(value))


@pytest.mark.parametrize(
    "name, data",
    [("atelier.docx", to_docx(WORKSHOP)), ("atelier.md", WORKSHOP.encode())],
)
def test_a_two_day_workshop_keeps_its_days_half_days_hours_and_nested_lists(name, data):
    result = programme_import(parent=CatalogueIndexPageFactory(), data=data, name=name)
    page = result.page

    assert page.title == "Animer une démarche de coopération intercommunale"
    assert page.kind == SessionKind.WORKSHOP_2D
    assert page.lead.startswith("Les intercommunalités conduisent")
    assert bare(page.objectives).count("<li>") == 2
    assert "Élus et techniciens" in page.audience_text

    first, second = (block.value for block in page.programme)
    assert [block.block_type for block in page.programme] == ["day", "day"]
    assert (first["title"], first["date"]) == (
        "1ère journée (9h-12h30 et 14h-17h30)",
        dt.date(2021, 3, 3),
    )
    assert second["date"] == dt.date(2021, 3, 4)
    morning, afternoon = first["half_days"]
    assert (morning["period"], morning["start_time"], morning["end_time"]) == (
        "matin",
        dt.time(9),
        dt.time(12, 30),
    )
    assert (afternoon["period"], afternoon["start_time"], afternoon["end_time"]) == (
        "apres-midi",
        dt.time(14),
        dt.time(17, 30),
    )
    welcome, forms = morning["sections"]
    assert (welcome["title"], welcome["start_time"], welcome["end_time"]) == (
        "Accueil et tour de table",
        dt.time(9),
        dt.time(10, 30),
    )
    assert bare(welcome["body"]) == (
        "<ul><li>Attentes des participants<ul><li>ce que chacun apporte</li>"
        "<li>ce que chacun cherche</li></ul></li><li>Présentation du déroulé</li></ul>"
    )
    assert (forms["title"], forms["start_time"]) == (
        "Les formes de la coopération",
        dt.time(10, 45),
    )
    case = afternoon["sections"][0]
    assert case["title"] == "Étude de cas en sous-groupes"
    assert bare(case["body"]).endswith(
        "<ul><li>repérer les acteurs</li><li>repérer les <b>enjeux</b></li></ul></li></ul>"
    )
    assert [h["end_time"] for h in second["half_days"]] == [dt.time(12, 30), dt.time(16)]
    assert [s["title"] for h in second["half_days"] for s in h["sections"]] == [
        "Construire sa feuille de route",
        "Bilan et évaluation",
    ]

    # The practical dates take their hours from the programme's days.
    assert [
        (timezone.localtime(o.start), timezone.localtime(o.end)) for o in page.occurrences.all()
    ] == [
        (
            dt.datetime(2021, 3, 3, 9, tzinfo=timezone.get_default_timezone()),
            dt.datetime(2021, 3, 3, 17, 30, tzinfo=timezone.get_default_timezone()),
        ),
        (
            dt.datetime(2021, 3, 4, 9, tzinfo=timezone.get_default_timezone()),
            dt.datetime(2021, 3, 4, 16, tzinfo=timezone.get_default_timezone()),
        ),
    ]
    assert page.format == SessionFormat.IN_PERSON
    assert (page.venue_name, page.venue_address, page.venue_town) == (
        "Maison des associations",
        "2 rue des Alpes",
        "Die",
    )
    assert page.capacity == 16
    assert page.registration_deadline == dt.date(2021, 2, 20)
    assert page.registration_mode == RegistrationMode.MEMBERS
    assert page.fee_note == "Repas à la charge des participants"
    speaker = page.speakers.get()
    assert (speaker.person.full_name, speaker.person.job_title, speaker.role) == (
        "Claire Dumont",
        "consultante en coopération territoriale",
        SpeakerRole.SPEAKER,
    )
    assert speaker.person.organisation.name == "Cabinet Territoires Associés"
    assert (page.contact.full_name, page.contact.phone, page.contact.email) == (
        "Anne Petit",
        "04 75 00 11 22",
        "anne.petit@example.org",
    )
    assert result.to_check == []


def test_what_cannot_be_placed_is_kept_with_where_it_came_from():
    text = WORKSHOP.replace(
        "# Intervenante", "# Hébergement\n\nUne liste d'hôtels sera envoyée.\n\n# Intervenante"
    ).replace("Les 3 et 4 mars 2021", "Les 3 et 4 mars")

    result = programme_import(
        parent=CatalogueIndexPageFactory(),
        data=text.encode(),
        name="atelier.txt",
        today=dt.date(2026, 12, 31),
    )

    assert "« Hébergement » (partie « Hébergement », ligne 51) : pas de champ" in result.to_check[0]
    assert result.to_check[1].startswith(
        "« Une liste d'hôtels sera envoyée. » (partie « Hébergement », ligne 53)"
    )
    # A date without a year is placed, and flagged.
    assert any("date sans année : 2027 supposé" in piece for piece in result.to_check)
    assert timezone.localtime(result.page.occurrences.first().start).date() == dt.date(2027, 3, 3)
    assert "Une liste d'hôtels" in result.page.to_check


def test_a_schedule_laid_out_as_a_word_table_is_read_row_by_row():
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Rencontre des animateurs de réseaux")
    document.add_heading("Programme", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, (hours, title) in zip(
        table.rows, [("9h30 - 10h", "Accueil"), ("10h - 12h", "Tour des territoires")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = hours, title
    document.add_heading("En pratique", level=2)
    document.add_paragraph(
        "Mardi 6 avril 2021 de 9h30 à 12h, en visioconférence", style="List Bullet"
    )
    out = io.BytesIO()
    document.save(out)

    result = programme_import(
        parent=CatalogueIndexPageFactory(), data=out.getvalue(), name="rencontre.docx"
    )

    assert [
        (b.value["title"], b.value["start_time"], b.value["end_time"])
        for b in result.page.programme
    ] == [
        ("Accueil", dt.time(9, 30), dt.time(10)),
        ("Tour des territoires", dt.time(10), dt.time(12)),
    ]
    assert result.page.format == SessionFormat.ONLINE
    assert result.to_check == []
