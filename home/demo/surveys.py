"""The demo's satisfaction surveys: a template staff can reuse, and the « à chaud » answers of
the session that ended last week, so the results screen shows a response rate, averages,
distributions and free texts.

``add_hot_survey(session, registrations)`` is idempotent: a second run adds nothing. No email
leaves: the invitations are recorded as sent when the session ended.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from catalogue.models import (
    Registration,
    SessionPage,
    SurveyInvitation,
    SurveyMoment,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyTemplate,
)
from catalogue.surveys.services import invitation_token, survey_submit

TEMPLATE_NAME = "Questionnaire de satisfaction à chaud"
QUESTIONS = [
    ("Dans l'ensemble, êtes-vous satisfait·e de la session ?", SurveyQuestionKind.RATING, "", True),
    ("Les objectifs annoncés ont-ils été atteints ?", SurveyQuestionKind.RATING, "", True),
    ("L'animation vous a-t-elle permis de participer ?", SurveyQuestionKind.RATING, "", True),
    (
        "Recommanderiez-vous cette session à un collègue ?",
        SurveyQuestionKind.CHOICE,
        "Oui, sans hésiter\nOui, avec des réserves\nNon",
        True,
    ),
    ("Que retenez-vous, que changeriez-vous ?", SurveyQuestionKind.TEXT, "", False),
]
# One row per respondent: three ratings, a choice, a free text. The last participant (if more
# than the rows) leaves the survey unanswered, so the rate is not 100 %.
ANSWERS = [
    (
        5,
        5,
        4,
        "Oui, sans hésiter",
        "Les échanges entre territoires m'ont donné des idées concrètes.",
    ),
    (4, 4, 5, "Oui, sans hésiter", "Très bon rythme ; un peu plus de temps sur les outils."),
    (4, 3, 4, "Oui, avec des réserves", ""),
    (3, 4, 3, "Oui, avec des réserves", "La salle était trop petite pour le travail en groupes."),
    (5, 4, 5, "Oui, sans hésiter", "Merci pour les supports envoyés après la session."),
]


def survey_template() -> SurveyTemplate:
    """The demo's « à chaud » template, created once with its questions."""
    template, created = SurveyTemplate.objects.get_or_create(
        name=TEMPLATE_NAME,
        defaults={
            "intro": "Quelques minutes pour nous dire ce que vous avez pensé de la session : "
            "vos réponses nous aident à améliorer nos formations.",
            "anonymous": True,
        },
    )
    if created:
        for order, (label, kind, choices, required) in enumerate(QUESTIONS):
            SurveyQuestion.objects.create(
                template=template,
                sort_order=order,
                label=label,
                kind=kind,
                choices=choices,
                required=required,
            )
    return template


@transaction.atomic
def add_hot_survey(session: SessionPage, registrations: Iterable[Registration]) -> int:
    """Attach the demo template to ``session`` « à chaud » and record the answers of its
    participants marked present; returns how many answered (0 on a second run)."""
    template = survey_template()
    if session.hot_survey_id != template.pk:
        session.hot_survey = template
        session.save_revision().publish()
    if SurveyInvitation.objects.filter(session=session, moment=SurveyMoment.HOT).exists():
        return 0
    ended = session.ends_at
    present = [r for r in registrations if r.attended and r.user.email]
    questions = list(template.questions.all())
    answered = 0
    for index, registration in enumerate(present):
        invitation = SurveyInvitation.objects.create(
            session=session,
            template=template,
            moment=SurveyMoment.HOT,
            registration=registration,
            email=registration.user.email,
            sent_at=ended,
            expires_at=ended + dt.timedelta(days=30),
        )
        if index >= len(ANSWERS) or (index == len(present) - 1 and len(present) > 2):
            continue  # not answered (yet)
        values = ANSWERS[index]
        data = {f"q{question.pk}": value for question, value in zip(questions, values, strict=True)}
        survey_submit(
            token=invitation_token(invitation),
            data=data,
            now=ended + dt.timedelta(hours=2 + index),
        )
        answered += 1
    return answered
