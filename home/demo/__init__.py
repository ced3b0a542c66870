"""A demo site built from Cap Rural's real programme documents (``seeds/``), plus upcoming sessions.

The documents go through the programme importer, as staff's would; the demo then sets only what
they do not say (addresses, leads, themes, the titles two of them lack, the call's questions) and
publishes each page once « À vérifier » holds nothing but the faults of the document itself,
reviewed here: an editor would publish them too, and visitors see a full catalogue.

``load_demo()`` creates what is missing and leaves alone what exists: snippets are found by their
natural key (slug, name), pages by their slug under their parent, and the association's identity
and the home page are filled only while still blank. A second run (each ``make run``) therefore
never reverts what staff edited; delete a demo page to have it rebuilt.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from catalogue.importer.services import programme_import
from catalogue.models import (
    ApplicationQuestion,
    AttendanceMode,
    Audience,
    CatalogueIndexPage,
    CatalogueItemPage,
    Organisation,
    Person,
    QuestionKind,
    RegistrationMode,
    RelatedSession,
    ResourceArticlePage,
    SessionFormat,
    SessionKind,
    SessionOccurrence,
    SessionPage,
    SessionSpeaker,
    SpeakerRole,
    Theme,
    WorkingGroupCallPage,
)
from membership.services import association_identity

from .dues import load_dues
from .surveys import add_hot_survey
from .training import load_ended_training

PARIS = ZoneInfo("Europe/Paris")

CATALOGUE_SLUG = "catalogue"
DEMO_NOTICE = "Session de démonstration : les dates sont calculées à partir d'aujourd'hui."


def ul(*items):
    """An HTML list; an item may be a ``(text, [sub-items])`` pair for a nested list."""
    parts = []
    for item in items:
        if isinstance(item, tuple):
            text, children = item
            parts.append(f"<li>{text}{ul(*children)}</li>")
        else:
            parts.append(f"<li>{item}</li>")
    return f"<ul>{''.join(parts)}</ul>"


def p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def section(title, body="", start_time=None, end_time=None):
    """A programme section in StreamField's raw form."""
    return {
        "type": "section",
        "value": {"title": title, "start_time": start_time, "end_time": end_time, "body": body},
    }


# --------------------------------------------------------------------------- snippets

THEMES = [
    ("cooperation", "Coopération", "Coopérer entre acteurs d'un territoire, stratégies d'acteurs."),
    ("benevolat", "Bénévolat", "Mobiliser les bénévoles et travailler avec eux."),
    (
        "engagement-citoyen",
        "Engagement citoyen",
        "Collectifs citoyens et nouvelles formes d'engagement.",
    ),
    (
        "action-sociale",
        "Action sociale",
        "Action sociale, développement social, pauvreté et précarité.",
    ),
    (
        "developpement-local",
        "Développement local",
        "Animer et conduire le développement des territoires ruraux.",
    ),
    (
        "metiers",
        "Métiers du développement",
        "Missions, compétences et pratiques des professionnels.",
    ),
]

AUDIENCES = [
    ("elus", "Élus"),
    ("agents-de-developpement", "Agents de développement"),
    ("techniciens", "Techniciens"),
    ("benevoles", "Bénévoles"),
    ("administrateurs-d-associations", "Administrateurs d'associations"),
    ("acteurs-socioprofessionnels", "Acteurs socioprofessionnels"),
    ("societe-civile-organisee", "Société civile organisée"),
    ("porteurs-de-projets-collectifs", "Porteurs de projets collectifs"),
    ("professionnels-de-l-action-sociale", "Professionnels de l'action sociale"),
]

# The network itself: the documents name it, its description and website are the demo's.
ORGANISATIONS = [
    {
        "name": "Cap Rural",
        "description": "Réseau régional au service des acteurs du développement rural.",
        "website": "https://www.caprural.org",
    },
]

# The people the demo's own sessions and articles name; the documents' import creates them.
GANIVET = ("Geneviève", "Ganivet")
BERNIER = ("Dominique", "Bernier")
ROUCHOUSE = ("Marine", "Rouchouse")
LOVICONI = ("Pascal", "Loviconi")


# --------------------------------------------------------------------------- site

HOME = {
    "lead": "Cap Rural accompagne les acteurs du développement rural : agents de développement, "
    "élus, bénévoles et professionnels qui font vivre les territoires.",
    "body": p(
        "Sessions d'exploration, webconférences et groupes de travail : le réseau propose aux "
        "professionnels et aux bénévoles des temps pour croiser leurs pratiques, décrypter les "
        "obstacles qu'ils rencontrent et repartir avec des pistes, des outils et des méthodes.",
        "La participation aux sessions est soumise à la cotisation annuelle ; certains groupes "
        "de travail sont ouverts sans cotisation, sur candidature.",
        "Ce site est une démonstration : ses pages reprennent des sessions passées du catalogue "
        "de Cap Rural et quelques sessions fictives à venir.",
    ),
}

ASSOCIATION = {
    "name": "Cap Rural",
    "legal_form": "",
    "address": "Adresse de démonstration\n26000 Valence",
    "siret": "",
    "rna": "",
    "email": "",
    "phone": "",
    "website": "https://www.caprural.org",
    "footer_text": "Site de démonstration : les coordonnées de l'association sont fictives.",
}

CATALOGUE = {
    "title": "Catalogue",
    # In the main navigation, so that a visitor finds the catalogue from every page.
    "show_in_menus": True,
    "lead": "Sessions d'exploration, webconférences, groupes de travail et ressources du réseau.",
    "body": p(
        "Retrouvez les sessions à venir et passées, les appels à manifestation d'intérêt pour "
        "rejoindre un groupe de travail, et les ressources issues de nos travaux."
    ),
}


# --------------------------------------------------------------------------- catalogue items


@dataclass
class Item:
    """A catalogue page to create or update: its fields, categories and inline rows."""

    model: type
    slug: str
    fields: dict
    themes: list = field(default_factory=list)
    audiences: list = field(default_factory=list)
    contact: tuple | None = None
    occurrences: list = field(default_factory=list)  # (start, end, label)
    speakers: list = field(default_factory=list)  # (person key, role, note)
    questions: list = field(default_factory=list)  # dicts of ApplicationQuestion fields
    related_sessions: list = field(default_factory=list)  # slugs of sessions


SEEDS = Path(__file__).resolve().parent / "seeds"


@dataclass
class SeedDocument:
    """One of Cap Rural's real programme documents, imported as staff would, then given what the
    document does not say: its address, a lead, themes, a title when it has none, the call's
    application questions."""

    file: str
    slug: str
    lead: str
    themes: list
    title: str = ""
    # The pieces of « À vérifier » the demo has reviewed, matched by a phrase: each one a fault
    # of the document itself, which the page keeps as the network published it.
    reviewed: tuple = ()
    questions: list = field(default_factory=list)  # dicts of ApplicationQuestion fields


PHONE_11_DIGITS = "« 04 75 22 14 896 »"  # Geneviève Ganivet's number, one digit too many
NO_TITLE = "le document ne donne pas de titre"

SEED_DOCUMENTS = [
    SeedDocument(
        file="000_7da63b6f0489548b.txt",
        slug="travailler-avec-de-nouveaux-collectifs-porteurs-de-projet",
        lead="Habitat participatif, atelier vélo, festival, monnaie locale : décrypter les "
        "obstacles à la relation entre les collectifs porteurs de projet et les acteurs du "
        "développement local, et trouver des pistes pour travailler ensemble.",
        themes=["developpement-local", "engagement-citoyen", "metiers"],
        reviewed=(PHONE_11_DIGITS,),
    ),
    SeedDocument(
        file="002_a332d8a4eb0d817d.txt",
        slug="mobiliser-les-nouveaux-benevoles",
        title="Mobiliser et collaborer avec les nouveaux bénévoles",
        lead="Pendant la crise sanitaire, de nouveaux bénévoles sont apparus et d'autres ont pris "
        "de la distance : comment associer ces énergies aux actions et aux projets des "
        "territoires ?",
        themes=["benevolat", "engagement-citoyen"],
        reviewed=(NO_TITLE, PHONE_11_DIGITS),
    ),
    SeedDocument(
        file="004_6f96f23788e346e6.txt",
        slug="strategies-d-acteurs-dans-les-projets-de-cooperation",
        title="Décrypter les stratégies d'acteurs dans les projets de coopération",
        lead="Coopérer, c'est fabriquer du compromis : décrypter le système et les stratégies des "
        "acteurs pour agir sur eux, avec l'exemple de la démarche Geopark en Beaujolais.",
        themes=["cooperation", "developpement-local"],
        reviewed=(NO_TITLE,),
    ),
    SeedDocument(
        file="001_4c701cb92b71bb11.txt",
        slug="mailler-les-ingenieries-de-l-action-sociale-et-du-developpement-local",
        lead="Un groupe de travail régional pour faire dialoguer agents de développement local et "
        "professionnels de l'action sociale, et construire des méthodes communes.",
        themes=["action-sociale", "developpement-local", "metiers"],
        questions=[
            {
                "label": "Votre structure et votre fonction",
                "kind": QuestionKind.SHORT_TEXT,
                "help_text": "Par exemple « agente de développement, communauté de communes ».",
            },
            {
                "label": "Vous êtes plutôt",
                "kind": QuestionKind.CHOICE,
                "choices": "Un acteur du développement local\nUn acteur de l'action sociale",
            },
            {
                "label": "Pourquoi souhaitez-vous participer à ce groupe de travail ?",
                "kind": QuestionKind.LONG_TEXT,
                "help_text": "Les participants seront sélectionnés sur la base de leur réponse.",
            },
            {
                "label": "Une expérience de lien entre action sociale et développement local "
                "que vous aimeriez partager",
                "kind": QuestionKind.LONG_TEXT,
                "required": False,
            },
        ],
    ),
]


def upcoming_items(today):
    """Fictitious sessions ahead of ``today``, so the catalogue shows registration states."""

    def at(weeks, hour, minute=0):
        day = today + dt.timedelta(weeks=weeks)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)

    in_person = Item(
        model=SessionPage,
        slug="demo-atelier-cooperation-entre-acteurs",
        fields={
            "title": "Démo – Atelier : coopérer entre acteurs d'un territoire",
            "kind": SessionKind.WORKSHOP_1D,
            "lead": "Session de démonstration en présentiel : une journée pour cartographier les "
            "acteurs d'un projet de coopération et préparer un plan d'actions.",
            "rationale": p(
                "Une journée d'atelier pour mettre en pratique le décryptage des stratégies "
                "d'acteurs sur les projets apportés par les participants."
            ),
            "audience_text": p("Élus, agents de développement et techniciens."),
            "programme": [
                section(
                    "Cartographier les acteurs du projet", start_time="09:30", end_time="12:30"
                ),
                section("Construire un plan d'actions", start_time="14:00", end_time="16:30"),
            ],
            "notices": [{"type": "notice", "value": {"level": "info", "text": DEMO_NOTICE}}],
            "attendance_mode": AttendanceMode.ALL_DATES,
            "format": SessionFormat.IN_PERSON,
            "venue_name": "Salle de démonstration",
            "venue_address": "Adresse de démonstration",
            "venue_town": "Valence",
            "meeting_url_sent_later": False,
            "capacity": 15,
            "registration_mode": RegistrationMode.MEMBERS,
            "registration_deadline": today + dt.timedelta(weeks=3, days=-7),
            "fee_note": "Repas à la charge des participants",
        },
        themes=["cooperation"],
        audiences=["elus", "agents-de-developpement", "techniciens"],
        contact=BERNIER,
        occurrences=[(at(3, 9, 30), at(3, 16, 30), "")],
        speakers=[(BERNIER, SpeakerRole.ANIMATION, "")],
    )

    pick_one = Item(
        model=SessionPage,
        slug="demo-webconference-benevoles-deux-dates",
        fields={
            "title": "Démo – Webconférence : accueillir les nouveaux bénévoles (au choix, deux dates)",
            "kind": SessionKind.WEBCONFERENCE,
            "lead": "Session de démonstration en ligne : la même webconférence est proposée à "
            "deux dates, chacun choisit la sienne.",
            "rationale": p(
                "Échanger à partir des expériences des participants sur l'accueil et "
                "l'accompagnement de bénévoles nouvellement engagés."
            ),
            "audience_text": p(
                "Agents de développement, administrateurs et bénévoles d'associations."
            ),
            "notices": [{"type": "notice", "value": {"level": "info", "text": DEMO_NOTICE}}],
            "attendance_mode": AttendanceMode.ONE_DATE,
            "format": SessionFormat.ONLINE,
            "meeting_url_sent_later": True,
            "capacity": 12,
            "registration_mode": RegistrationMode.MEMBERS,
        },
        themes=["benevolat"],
        audiences=["agents-de-developpement", "administrateurs-d-associations", "benevoles"],
        contact=GANIVET,
        occurrences=[
            (at(5, 14), at(5, 16), "Première date"),
            (at(6, 14), at(6, 16), "Seconde date"),
        ],
        speakers=[(LOVICONI, SpeakerRole.SPEAKER, "")],
    )

    open_to_all = Item(
        model=SessionPage,
        slug="demo-rencontre-action-sociale-et-developpement-local",
        fields={
            "title": "Démo – Rencontre ouverte : action sociale et développement local",
            "kind": SessionKind.MEETING,
            "lead": "Session de démonstration ouverte à toute personne ayant un compte, en salle "
            "et à distance.",
            "rationale": p(
                "Une rencontre pour présenter le groupe de travail sur le maillage des ingénieries "
                "de l'action sociale et du développement local."
            ),
            "audience_text": p(
                "Agents de développement local et professionnels de l'action sociale."
            ),
            "notices": [{"type": "notice", "value": {"level": "info", "text": DEMO_NOTICE}}],
            "attendance_mode": AttendanceMode.ALL_DATES,
            "format": SessionFormat.HYBRID,
            "venue_name": "Salle de démonstration",
            "venue_town": "Valence",
            "meeting_url_sent_later": True,
            "capacity": 30,
            "registration_mode": RegistrationMode.ACCOUNT,
            "fee_note": "Participation non soumise à cotisation",
        },
        themes=["action-sociale", "developpement-local"],
        audiences=["agents-de-developpement", "professionnels-de-l-action-sociale"],
        contact=ROUCHOUSE,
        occurrences=[(at(6, 10), at(6, 12), "")],
    )
    return [in_person, pick_one, open_to_all]


def resource_items():
    survey = Item(
        model=ResourceArticlePage,
        slug="le-benevolat-a-l-heure-du-confinement",
        fields={
            "title": "Le bénévolat à l'heure du confinement : l'enquête de Recherche et Solidarité",
            "lead": "Une enquête de Recherche et Solidarité, réalisée en avril-mai 2020, sur "
            "l'engagement bénévole pendant le premier confinement.",
            "date": dt.date(2020, 10, 1),
            "author_name": "Cap Rural",
            "body": [
                {"type": "heading", "value": "Une enquête pendant le confinement"},
                {
                    "type": "paragraph",
                    "value": p(
                        "Recherche et Solidarité a mené en avril-mai 2020 une enquête sur « le "
                        "bénévolat à l'heure du confinement ». Pendant la crise sanitaire, de "
                        "nombreuses initiatives de solidarité ont vu le jour, portées par des "
                        "bénévoles d'associations mais aussi par des citoyens isolés ou réunis "
                        "pour mener une ou des actions."
                    ),
                },
                {"type": "heading", "value": "Ce que nous en avons fait"},
                {
                    "type": "paragraph",
                    "value": p(
                        "Quelques apports de cette enquête ont ouvert la webconférence « Mobiliser "
                        "et collaborer avec les nouveaux bénévoles » du 1er octobre 2020, avant un "
                        "partage des observations des participants sur leur territoire."
                    ),
                },
            ],
        },
        themes=["benevolat", "engagement-citoyen"],
        audiences=["agents-de-developpement", "administrateurs-d-associations", "benevoles"],
        contact=GANIVET,
        related_sessions=["mobiliser-les-nouveaux-benevoles"],
    )
    method_sheet = Item(
        model=ResourceArticlePage,
        slug="fiche-methode-strategies-d-acteurs",
        fields={
            "title": "Fiche méthode : décrypter les stratégies d'acteurs",
            "lead": "Trois temps pour analyser un système d'acteurs dans un projet de coopération : "
            "identifier, problématiser, agir.",
            "date": dt.date(2016, 9, 14),
            "author_name": "Cap Rural",
            "body": [
                {
                    "type": "paragraph",
                    "value": p(
                        "Coopérer, c'est tout au long d'un projet réussir à créer des accords, des "
                        "arrangements : fabriquer du compromis pour avancer ensemble. Un "
                        "décryptage fin du système et des stratégies des acteurs est nécessaire dès "
                        "le démarrage et tout au long du projet."
                    ),
                },
                {"type": "heading", "value": "1. Identifier, décrire et qualifier"},
                {
                    "type": "paragraph",
                    "value": ul(
                        "Quelle est l'origine du projet ? Qui l'a impulsé et pourquoi ?",
                        "Qui sont les acteurs en présence et/ou à mobiliser ?",
                        "Pour quels rôles ou fonctions sont-ils impliqués ou à impliquer ?",
                        "Quels sont leurs intérêts en jeu convergents ou divergents ?",
                    ),
                },
                {"type": "heading", "value": "2. Problématiser"},
                {
                    "type": "paragraph",
                    "value": ul(
                        "Quels sont les cadres de référence (les valeurs) de chaque acteur ?",
                        "Qu'est-ce que cela induit sur leurs stratégies et tactiques d'action ou "
                        "de non action ?",
                        "Où et sur quoi peuvent se créer divergences et convergences ?",
                    ),
                },
                {"type": "heading", "value": "3. Réaliser, agir"},
                {
                    "type": "paragraph",
                    "value": ul(
                        "Comment intervenir sur le système ou le réseau d'acteurs ?",
                        "Comment peuvent se fabriquer les compromis ou arrangements ?",
                        "Avec quel plan d'actions ?",
                    ),
                },
            ],
        },
        themes=["cooperation"],
        audiences=["elus", "agents-de-developpement", "techniciens"],
        contact=BERNIER,
        related_sessions=["strategies-d-acteurs-dans-les-projets-de-cooperation"],
    )
    return [survey, method_sheet]


# --------------------------------------------------------------------------- loader


@dataclass
class Report:
    created: list = field(default_factory=list)
    kept: list = field(default_factory=list)

    def record(self, label, created):
        (self.created if created else self.kept).append(label)


def _upsert_snippets(report):
    themes = {}
    for slug, name, description in THEMES:
        themes[slug], created = Theme.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        report.record(f"thème « {name} »", created)
    audiences = {}
    for slug, name in AUDIENCES:
        audiences[slug], created = Audience.objects.get_or_create(
            slug=slug, defaults={"name": name}
        )
        report.record(f"public « {name} »", created)
    organisations = {}
    for data in ORGANISATIONS:
        defaults = {"description": data["description"], "website": data.get("website", "")}
        organisations[data["name"]], created = Organisation.objects.get_or_create(
            name=data["name"], defaults=defaults
        )
        report.record(f"structure « {data['name']} »", created)
    return themes, audiences


def _publish(parent, model, slug, fields, prepare=None):
    """Create and publish the page ``slug`` under ``parent``; an existing one is left as it is."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page, False
    page = model(slug=slug, **fields)
    if prepare:
        prepare(page)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page, True


def _rows(existing, model, wanted, key):
    """Inline rows updated in place: existing rows matched on the field ``key``, others added.

    Keeping the rows (and their ids) lets registrations attached to a date survive a reload.
    """
    by_key = {getattr(row, key): row for row in existing}
    rows = []
    for sort_order, values in enumerate(wanted):
        row = by_key.pop(values[key], None) or model()
        for name, value in values.items():
            setattr(row, name, value)
        row.sort_order = sort_order
        rows.append(row)
    return rows


def _publish_item(catalogue, item, themes, audiences, people, report):
    def prepare(page):
        page.contact = people[item.contact] if item.contact else None
        page.themes.set([themes[slug] for slug in item.themes])
        page.audiences.set([audiences[slug] for slug in item.audiences])
        if item.model is SessionPage:
            # Dates are matched by position: the upcoming demo dates move every day.
            page.occurrences = _rows(
                page.occurrences.all(),
                SessionOccurrence,
                [
                    {"sort_order": i, "start": start, "end": end, "label": label}
                    for i, (start, end, label) in enumerate(item.occurrences)
                ],
                key="sort_order",
            )
            page.speakers = _rows(
                page.speakers.all(),
                SessionSpeaker,
                [
                    {"person_id": people[person].pk, "role": role, "note": note}
                    for person, role, note in item.speakers
                ],
                key="person_id",
            )
        elif item.model is WorkingGroupCallPage:
            questions = [
                {"help_text": "", "choices": "", "required": True, **question}
                for question in item.questions
            ]
            page.questions = _rows(
                page.questions.all(), ApplicationQuestion, questions, key="label"
            )
        elif item.model is ResourceArticlePage:
            sessions = {
                session.slug: session
                for session in SessionPage.objects.child_of(catalogue).filter(
                    slug__in=item.related_sessions
                )
            }
            page.related_sessions = _rows(
                page.related_sessions.all(),
                RelatedSession,
                [{"session_id": sessions[slug].pk} for slug in item.related_sessions],
                key="session_id",
            )

    page, created = _publish(catalogue, item.model, item.slug, item.fields, prepare)
    report.record(f"{item.model._meta.verbose_name} « {page.title} »", created)
    return page


def _import_seed(catalogue, document, themes, report, today):
    """Import a seed document as staff would, add what it does not say, and publish it once
    « À vérifier » holds nothing but what the demo reviewed; anything else keeps it a draft."""
    page = CatalogueItemPage.objects.child_of(catalogue).filter(slug=document.slug).first()
    if page is not None:
        report.record(f"{page.specific._meta.verbose_name} « {page.title} »", False)
        return
    result = programme_import(
        parent=catalogue,
        data=(SEEDS / document.file).read_bytes(),
        name=document.file,
        today=today,
    )
    page = result.page
    page.slug = document.slug
    page.title = document.title or page.title
    page.lead = document.lead
    page.themes.set([themes[slug] for slug in document.themes])
    if document.questions:
        page.questions = [
            ApplicationQuestion(sort_order=index, **{"help_text": "", "choices": "", **question})
            for index, question in enumerate(document.questions)
        ]
    unreviewed = [
        piece
        for piece in result.to_check
        if not any(phrase in piece for phrase in document.reviewed)
    ]
    page.to_check = "\n".join(unreviewed)
    page.save()
    revision = page.save_revision()
    if not unreviewed:
        revision.publish()
    report.record(f"{page._meta.verbose_name} « {page.title} »", True)


def _demo_people():
    """The people the demo's own pages name, as the documents' import created them."""
    return {
        key: Person.objects.filter(first_name=key[0], last_name=key[1]).first()
        for key in (GANIVET, BERNIER, ROUCHOUSE, LOVICONI)
    }


def _fill_identity(report):
    identity = association_identity()
    # Filled only while no one has touched it: staff's own identity stays.
    untouched = all(
        getattr(identity, name) == identity._meta.get_field(name).get_default()
        for name in ASSOCIATION
    )
    if untouched:
        for name, value in ASSOCIATION.items():
            setattr(identity, name, value)
        identity.save()
    report.record("identité de l'association", untouched)


def _fill_home(home, report):
    blank_home = not home.lead and not home.body
    if blank_home:
        home.lead, home.body = HOME["lead"], HOME["body"]
        home.save_revision().publish()
    report.record("page d'accueil", blank_home)


@transaction.atomic
def load_demo(today=None):
    """Build what the demo site lacks on the default site; returns what was created or kept."""
    today = today or timezone.localdate()
    report = Report()
    home = Site.objects.get(is_default_site=True).root_page.specific

    _fill_identity(report)
    _fill_home(home, report)
    themes, audiences = _upsert_snippets(report)
    catalogue, created = _publish(home, CatalogueIndexPage, CATALOGUE_SLUG, CATALOGUE)
    report.record("catalogue", created)
    for document in SEED_DOCUMENTS:
        _import_seed(catalogue, document, themes, report, today)
    people = _demo_people()
    for item in upcoming_items(today) + resource_items():
        _publish_item(catalogue, item, themes, audiences, people, report)
    load_dues(report, today)
    ended = load_ended_training(catalogue, today=today)
    report.record("session terminée avec émargements et certificats", ended is not None)
    if ended is not None:
        add_hot_survey(ended, ended.registrations.select_related("user"))
    return report
