"""A demo site built from Cap Rural's real catalogue pages (the seeds), plus upcoming sessions.

``load_demo()`` creates what is missing and leaves alone what exists: snippets are found by their
natural key (slug, name, first and last name), pages by their slug under their parent, and the
association's identity and the home page are filled only while still blank. A second run (each
``make run``) therefore never reverts what staff edited; delete a demo page to have it rebuilt.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from catalogue.models import (
    ApplicationQuestion,
    AttendanceMode,
    Audience,
    CatalogueIndexPage,
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

PARIS = ZoneInfo("Europe/Paris")

CATALOGUE_SLUG = "catalogue"
DEMO_NOTICE = "Session de démonstration : les dates sont calculées à partir d'aujourd'hui."


def paris(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


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

ORGANISATIONS = [
    {
        "name": "Cap Rural",
        "description": "Réseau régional au service des acteurs du développement rural.",
        "website": "https://www.caprural.org",
    },
    {
        "name": "Compétence Bénévolat",
        "description": "structure qui appuie les associations, les collectivités, les fondations",
    },
    {"name": "Syndicat Mixte du Pays Beaujolais", "description": ""},
    {"name": "Recherche et Solidarité", "description": ""},
]

# (first name, last name): other fields. "organisation" names an entry of ORGANISATIONS.
PEOPLE = {
    ("Geneviève", "Ganivet"): {
        "organisation": "Cap Rural",
        "email": "ingenieriedeformation@caprural.org",
        "phone": "04 75 22 14 896",
    },
    ("Dominique", "Bernier"): {
        "job_title": "chargée de mission Coopérations entre acteurs",
        "organisation": "Cap Rural",
        "email": "cooperationentreacteurs@caprural.org",
        "phone": "06 66 46 62 76",
    },
    ("Marine", "Rouchouse"): {
        "job_title": "chargée de mission Emplois et métiers d'agents de développement rural",
        "organisation": "Cap Rural",
        "email": "emploisetmetiers@caprural.org",
        "phone": "07 87 18 51 18",
    },
    ("Pascal", "Loviconi"): {"organisation": "Compétence Bénévolat"},
    ("Camille", "Lefaire"): {"organisation": "Compétence Bénévolat"},
    ("Charlotte", "Besombes"): {
        "job_title": "chargée de la démarche Geopark en Beaujolais",
        "organisation": "Syndicat Mixte du Pays Beaujolais",
    },
    ("Philippe", "Jean"): {"job_title": "sociologue et consultant"},
}

GANIVET = ("Geneviève", "Ganivet")
BERNIER = ("Dominique", "Bernier")
ROUCHOUSE = ("Marine", "Rouchouse")
LOVICONI = ("Pascal", "Loviconi")
LEFAIRE = ("Camille", "Lefaire")
BESOMBES = ("Charlotte", "Besombes")
JEAN = ("Philippe", "Jean")


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


def seed_items():
    """The four real pages of the seeds, with every fact in its field."""
    collectifs = Item(
        model=SessionPage,
        slug="travailler-avec-de-nouveaux-collectifs-porteurs-de-projet",
        fields={
            "title": "Travailler avec de nouveaux collectifs porteurs de projet",
            "kind": SessionKind.EXPLORATION,
            "lead": "Habitat participatif, atelier vélo, festival, monnaie locale : décrypter les "
            "obstacles à la relation entre les collectifs porteurs de projet et les acteurs du "
            "développement local, et trouver des pistes pour travailler ensemble.",
            "rationale": p(
                "Sur les territoires, de nombreux collectifs initient et portent des projets non "
                "entrepreneuriaux (habitat participatif, atelier vélo, festival culturel, monnaie "
                "locale...) avec une culture de l'action différente de celle des agents de "
                "développement. Bien que ces projets répondent à des besoins locaux, peu de "
                "collaboration entre ces acteurs et ceux du développement local déjà existants se "
                "créent et les expertises de chaque partie sont, de façon réciproque, rarement "
                "mobilisées. L'absence de lien pénalise à la fois la dynamique du développement "
                "local et les projets (les privant de ressources qui pourraient leur être utiles). "
                "Ce manque interroge la perception du développement du territoire par chacun et "
                "questionne les fonctions d'animation, de facilitateur... des professionnels et de "
                "leurs employeurs. En décryptant les obstacles à la création de ces relations, vous "
                "trouverez des pistes pour travailler ensemble au service du territoire."
            ),
            "audience_text": p(
                "Une session pour les agents de développement rural, l'ingénierie mobilisée "
                "ponctuellement dans les démarches de développement local rural et les élus, les "
                "bénévoles d'associations, de collectivités locales ou de collectifs porteurs de "
                "projet employant ces professionnels."
            ),
            "programme": [
                section(
                    "De quoi parlons-nous ?",
                    ul(
                        "Identification par les participants des nouveaux collectifs porteurs de "
                        "projets sur leur territoire et des enjeux",
                        (
                            "Témoignage, en présentiel ou à distance, d'un membre d'un collectif "
                            "et échanges sur :",
                            [
                                "Les motivations, les valeurs, les caractéristiques de "
                                "fonctionnement des collectifs porteurs de projet",
                                "L'intérêt général",
                                "Les définitions et les sources de légitimité des acteurs",
                            ],
                        ),
                    ),
                ),
                section(
                    "Quand et comment créer la relation ?",
                    ul(
                        "Les phases du projet au stade desquelles le collectif est susceptible de "
                        "solliciter d'autres acteurs locaux (collectivité territoriale, "
                        "associations, professionnels du développement local...)",
                        "Le rôle des élus locaux et de l'ingénierie de développement dans le "
                        "contexte d'émergence d'initiatives de groupes porteurs de projets",
                        "Les pratiques du professionnel du développement local à mobiliser",
                    ),
                ),
            ],
            "teaching_method": p(
                "A partir de l'exposé du cas d'un participant, des approfondissements et des "
                "apports d'outils et de méthodes."
            ),
            "notices": [
                {
                    "type": "notice",
                    "value": {
                        "level": "warning",
                        "text": "Suite aux contraintes sanitaires cette formation aura lieu sous "
                        "forme de deux webconférences.",
                    },
                }
            ],
            "attendance_mode": AttendanceMode.ALL_DATES,
            "format": SessionFormat.ONLINE,
            "meeting_url_sent_later": True,
            "capacity": 12,
            "registration_mode": RegistrationMode.MEMBERS,
        },
        themes=["developpement-local", "engagement-citoyen", "metiers"],
        audiences=[
            "agents-de-developpement",
            "elus",
            "benevoles",
            "porteurs-de-projets-collectifs",
        ],
        contact=GANIVET,
        occurrences=[
            (paris(2020, 12, 10, 10), paris(2020, 12, 10, 12), "1re webconférence"),
            (paris(2020, 12, 18, 10), paris(2020, 12, 18, 12), "2e webconférence"),
        ],
        speakers=[(LOVICONI, SpeakerRole.SPEAKER, "")],
    )

    benevoles = Item(
        model=SessionPage,
        slug="mobiliser-les-nouveaux-benevoles",
        fields={
            "title": "Mobiliser et collaborer avec les nouveaux bénévoles",
            "kind": SessionKind.WEBCONFERENCE,
            "lead": "Pendant la crise sanitaire, de nouveaux bénévoles sont apparus et d'autres ont "
            "pris de la distance : comment associer ces énergies aux actions et aux projets des "
            "territoires ?",
            "rationale": p(
                "Pendant la crise sanitaire de nombreuses initiatives de solidarité voient le jour. "
                "Elles sont impulsées, réalisées par des bénévoles d'associations mais aussi par "
                "des citoyens isolés ou réunis pour mener une ou des actions. Cette période révèle "
                "ainsi de nouveaux bénévoles inconnus jusque-là des acteurs locaux (associations, "
                "collectivités locales...). A contrario des bénévoles ont pris de la distance.",
                "Comment aujourd'hui prendre en compte ces nouvelles réalités ? Comment associer "
                "ces différents bénévoles aux actions et projets pour que ces énergies nourrissent "
                "et renforcent les dynamiques associatives et territoriales ?",
            ),
            "audience_text": p(
                "Une session pour les agents de développement, les administrateurs et les "
                "bénévoles d'associations ou d'autres types d'organisations de développement local "
                "qui mobilisent des bénévoles et collaborent avec eux."
            ),
            "programme": [
                section(
                    "Quels constats sur l'engagement citoyen « nouveau »",
                    ul(
                        "Quelques apports de l'enquête de Recherche et Solidarité du « bénévolat à "
                        "l'heure du confinement » réalisée en avril-mai 2020",
                        "Partage de vos observations sur votre territoire",
                    ),
                ),
                section(
                    "Échanges sur les enjeux de travail avec ces nouveaux bénévoles",
                    ul(
                        "Ces nouveaux élans de solidarité demandent-ils à être mobilisés "
                        "davantage, structurés, pérennisés ?",
                        "Quel est le rôle des professionnels du développement local pour les "
                        "accompagner et/ou les mobiliser ?",
                    ),
                ),
                section(
                    "Ébauche de pistes pour travailler avec ces nouvelles formes d'engagements"
                ),
            ],
            "teaching_method": p(
                "Cette webconférence privilégiera les échanges à partir des expériences des "
                "participants pour travailler ensemble la manière de mobiliser et collaborer avec "
                "ces équipes parfois fortement renouvelées."
            ),
            "attendance_mode": AttendanceMode.ALL_DATES,
            "format": SessionFormat.ONLINE,
            "meeting_url_sent_later": True,
            "capacity": 12,
            "registration_mode": RegistrationMode.MEMBERS,
        },
        themes=["benevolat", "engagement-citoyen"],
        audiences=["agents-de-developpement", "administrateurs-d-associations", "benevoles"],
        contact=GANIVET,
        occurrences=[(paris(2020, 10, 1, 14), paris(2020, 10, 1, 16), "")],
        speakers=[(LEFAIRE, SpeakerRole.SPEAKER, ""), (LOVICONI, SpeakerRole.SPEAKER, "")],
    )

    strategies = Item(
        model=SessionPage,
        slug="strategies-d-acteurs-dans-les-projets-de-cooperation",
        fields={
            "title": "Décrypter les stratégies d'acteurs dans les projets de coopération",
            "kind": SessionKind.WEBCONFERENCE,
            "lead": "Coopérer, c'est fabriquer du compromis : décrypter le système et les "
            "stratégies des acteurs pour agir sur eux, avec l'exemple de la démarche Geopark en "
            "Beaujolais.",
            "rationale": p(
                "Les projets de ou en coopération conduisent à mobiliser et faire travailler "
                "ensemble des parties prenantes d'origine et de culture variées porteuses chacune "
                "de visions, de valeurs, d'enjeux et d'attentes qui leurs sont propres. Le défi "
                "est donc non seulement d'engager ces acteurs à faire « œuvre commune » mais aussi "
                "de construire et d'entretenir avec eux un socle commun d'enjeux et d'objectifs "
                "partagés où chacun trouve un intérêt, un bénéfice, une valeur ajoutée... Coopérer "
                "c'est donc, tout au long d'un projet, réussir à créer des accords, des "
                "arrangements... en d'autres termes fabriquer du compromis pour avancer ensemble "
                "dans une logique gagnant-gagnant.",
                "Pour cela un décryptage fin du système et des stratégies des acteurs est "
                "nécessaire dès le démarrage et tout au long du projet : il permet de raisonner "
                "des tactiques pour agir sur le système d'acteurs.",
            ),
            "audience_text": ul(
                "Vous êtes <b>élu, agent de développement</b> ou <b>technicien, acteur "
                "socioprofessionnel</b> ou de la <b>société civile organisée</b>",
                "Vous impulsez, vous pilotez des projets de ou en coopération",
                "Vous cherchez à mieux comprendre les stratégies d'acteurs et à agir pour "
                "construire des dynamiques collectives",
            ),
            "programme": [
                section(
                    "Identifier, décrire et qualifier",
                    p(
                        "Quelle est l'origine du projet ? Qui l'a impulsé et pourquoi ? Qui sont "
                        "les acteurs en présence et/ou à mobiliser ? Pour quels rôles ou "
                        "fonctions sont-ils impliqués ou à impliquer ? Quels sont leurs intérêts "
                        "en jeu convergents ou divergents pour le projet ?"
                    ),
                ),
                section(
                    "Problématiser",
                    p(
                        "Quels sont les cadres de référence (les valeurs) de chaque acteur ou "
                        "groupe d'acteurs ? Qu'est-ce que cela induit sur leurs stratégies et "
                        "tactiques d'action ou de non action ? Où et sur quoi peuvent se créer "
                        "divergences et convergences ?"
                    ),
                ),
                section(
                    "Réaliser, agir",
                    p(
                        "Comment intervenir/agir sur le système ou le réseau d'acteurs ? Comment "
                        "peuvent se fabriquer les compromis ou arrangements dans ce système "
                        "d'acteurs ? Avec quel plan d'actions ?"
                    ),
                ),
            ],
            "case_study": p(
                "Cette webconférence proposera d'appuyer les apports théoriques par le décryptage "
                "de la dynamique actuelle de coopération entre acteurs pour l'obtention du label "
                "Geopark sur le territoire du Beaujolais."
            ),
            "attendance_mode": AttendanceMode.ALL_DATES,
            "format": SessionFormat.ONLINE,
            "meeting_url_sent_later": True,
            "capacity": 15,
            "registration_mode": RegistrationMode.MEMBERS,
            "registration_deadline": dt.date(2016, 9, 7),
        },
        themes=["cooperation", "developpement-local"],
        audiences=[
            "elus",
            "agents-de-developpement",
            "techniciens",
            "acteurs-socioprofessionnels",
            "societe-civile-organisee",
        ],
        contact=BERNIER,
        occurrences=[(paris(2016, 9, 14, 10, 30), paris(2016, 9, 14, 12, 30), "")],
        speakers=[
            (BERNIER, SpeakerRole.ANIMATION, ""),
            (BESOMBES, SpeakerRole.CONTRIBUTION, ""),
            (JEAN, SpeakerRole.CONTRIBUTION, ""),
        ],
    )

    mailler = Item(
        model=WorkingGroupCallPage,
        slug="mailler-les-ingenieries-de-l-action-sociale-et-du-developpement-local",
        fields={
            "title": "Mailler les ingénieries de l'action sociale et du développement local",
            "kicker": "Appel à manifestation d'intérêt pour participer au groupe de travail "
            "régional",
            "call_date": dt.date(2022, 1, 1),
            "lead": "Un groupe de travail régional pour faire dialoguer agents de développement "
            "local et professionnels de l'action sociale, et construire des méthodes communes.",
            "rationale": p(
                "Vous êtes nombreux à constater un manque de relations dans les territoires "
                "ruraux entre action sociale et développement local et à témoigner par exemple :"
            )
            + ul(
                "De collectivités qui font du développement local (attractivité du territoire, "
                "services à la population, lutte contre la pauvreté et la précarité...) et de "
                "l'action sociale (petite enfance, convention territoriale globale...), sans pour "
                "autant faire le lien entre les deux.",
                "De professionnels qui traitent parfois le même sujet (dans une même structure ou "
                "un même territoire) mais sous des angles différents, sans confronter leurs "
                "travaux, menant ainsi à des décisions contraires, à des doublons dans les "
                "actions, voire à des actions contradictoires.",
                "De sujets qui ont besoin d'une approche systémique (transitions) qui n'est pas "
                "possible avec de tels fonctionnements.",
            )
            + p(
                "Il en résulte alors des actions moins riches et moins cohérentes, des politiques "
                "moins globales, des difficultés de financements..."
            ),
            "objectives": p(
                "Faire dialoguer les professionnels de secteurs et de culture différents afin "
                "qu'ils soient à même de :"
            )
            + ul(
                "Mener de réelles politiques de développement social en cohérence avec les autres "
                "politiques locales (alimentation, économie, mobilité, culture...).",
                "Initier et conduire des actions plus cohérentes, se saisir d'enjeux d'actualité, "
                "capter des financements, créer des partenariats et coopérations.",
                "Éviter de travailler en concurrence et/ou en parallèle, en contre-production et "
                "apporter plus de lisibilité sur le territoire ; mieux valoriser leurs métiers et "
                "leurs savoir-faire.",
                "Permettre aux porteurs de projets, aux élus et autres acteurs du territoire de "
                "savoir qui fait quoi et de mieux s'y retrouver.",
            ),
            "why_take_part": p(
                "Le groupe de travail vise à permettre aux agents de développement local et aux "
                "professionnels de l'action sociale de s'organiser et d'acquérir des méthodes de "
                "travail pour :"
            )
            + ul(
                "Se croiser et enclencher le dialogue entre eux.",
                "Identifier et construire des champs d'actions et de méthodes communs.",
                "Monter en compétences notamment grâce aux échanges d'expériences et à l'apport, "
                "partage et co-construction de méthodes.",
                "Élaborer des réponses communes aux problématiques soulevées, capitaliser, "
                "diffuser, produire de la méthode.",
            ),
            "scope": p(
                "Ce groupe de travail traite le sujet uniquement sous l'angle de l'ingénierie, de "
                "ses missions et compétences.",
                "Il s'inscrit en complément des travaux réalisés dans le cadre du groupe de "
                "travail de Cap Rural Pauvreté Précarité. A noter : un évènement régional "
                "Pauvreté précarité aura lieu au cours du premier semestre 2022 (programme et "
                "informations à venir sur www.caprural.org).",
                "Ce groupe de travail s'inscrit dans la dynamique sur les transitions sociales du "
                "Carrefour des métiers, animé par l'UNADEL et auquel Cap Rural contribue.",
            ),
            "coordination": "Cap Rural",
            "meetings_per_year_min": 3,
            "meetings_per_year_max": 4,
            "how_it_works": p(
                "L'animation et la coordination seront conduites par Cap Rural. Le groupe de "
                "travail fixera les modalités de son fonctionnement (proposition de 3 à 4 "
                "réunions/an, à discuter)."
            ),
            "meeting_place": "Le plus central possible par rapport à la localisation de "
            "l'ensemble des participants",
            "first_meeting": dt.date(2022, 4, 7),
            "first_meeting_note": "En présentiel ou distanciel en fonction des conditions "
            "sanitaires",
            "profiles": [
                {
                    "type": "profile",
                    "value": "Un acteur du développement local (agent de développement, porteur "
                    "de projets collectif).",
                },
                {"type": "profile", "value": "Ou un acteur de l'action sociale."},
            ],
            "registration_mode": RegistrationMode.APPLICATION,
            "selection_note": "Les participants seront sélectionnés sur la base de leur réponse.",
            "fee_note": "Participation non soumise à cotisation",
            "related_links": [
                {
                    "type": "link",
                    "value": {
                        "title": "www.caprural.org",
                        "url": "https://www.caprural.org",
                        "page": None,
                        "description": "Programme et informations de l'évènement régional "
                        "Pauvreté précarité",
                    },
                }
            ],
        },
        themes=["action-sociale", "developpement-local", "metiers"],
        audiences=[
            "agents-de-developpement",
            "porteurs-de-projets-collectifs",
            "professionnels-de-l-action-sociale",
        ],
        contact=ROUCHOUSE,
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
    )
    return [collectifs, benevoles, strategies, mailler]


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
    people = {}
    for (first_name, last_name), data in PEOPLE.items():
        defaults = {
            "job_title": data.get("job_title", ""),
            "organisation": organisations.get(data.get("organisation")),
            "email": data.get("email", ""),
            "phone": data.get("phone", ""),
        }
        people[first_name, last_name], created = Person.objects.get_or_create(
            first_name=first_name, last_name=last_name, defaults=defaults
        )
        report.record(f"personne « {first_name} {last_name} »", created)
    return themes, audiences, people


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


@transaction.atomic
def load_demo(today=None):
    """Build what the demo site lacks on the default site; returns what was created or kept."""
    today = today or timezone.localdate()
    report = Report()
    site = Site.objects.get(is_default_site=True)

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

    home = site.root_page.specific
    blank_home = not home.lead and not home.body
    if blank_home:
        home.lead, home.body = HOME["lead"], HOME["body"]
        home.save_revision().publish()
    report.record("page d'accueil", blank_home)

    themes, audiences, people = _upsert_snippets(report)
    catalogue, created = _publish(home, CatalogueIndexPage, CATALOGUE_SLUG, CATALOGUE)
    report.record("catalogue", created)
    for item in seed_items() + upcoming_items(today) + resource_items():
        _publish_item(catalogue, item, themes, audiences, people, report)
    load_dues(report, today)
    return report
