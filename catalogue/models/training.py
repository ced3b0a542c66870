"""What the training body publishes and collects as a Qualiopi-certified body: its disability
referent (a site setting) and satisfaction surveys (templates, invitations, answers).

An anonymous template's answers are stored in a ``SurveyResponse`` that has no key to its
invitation, nor to a person, and is only dated by day: the invitation row alone says "answered".
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from .pages import SessionPage
from .registrations import Registration
from .snippets import Person


@register_setting(icon="user")
class TrainingSettings(BaseSiteSetting):
    """The training body's disability referent, named on every session page (indicator 26)."""

    disability_referent_name = models.CharField(
        "nom du référent handicap", max_length=200, blank=True
    )
    disability_referent_email = models.EmailField("courriel du référent handicap", blank=True)
    disability_referent_phone = models.CharField(
        "téléphone du référent handicap", max_length=30, blank=True
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("disability_referent_name"),
                FieldPanel("disability_referent_email"),
                FieldPanel("disability_referent_phone"),
            ],
            heading="Référent handicap",
            help_text="Affiché sur chaque session ; reçoit les besoins d'adaptation exprimés "
            "à l'inscription.",
        )
    ]

    class Meta:
        verbose_name = "formation"

    @property
    def has_disability_referent(self) -> bool:
        return bool(
            self.disability_referent_name
            and (self.disability_referent_email or self.disability_referent_phone)
        )


class SurveyQuestionKind(models.TextChoices):
    RATING = "rating", "Note de 1 à 5"
    CHOICE = "choice", "Choix unique"
    TEXT = "text", "Texte libre"


class SurveyMoment(models.TextChoices):
    HOT = "hot", "À chaud"
    COLD = "cold", "À froid"
    TRAINER = "trainer", "Retour des intervenants"


class SurveyTemplate(ClusterableModel):
    """A satisfaction questionnaire staff attach to sessions."""

    name = models.CharField("nom", max_length=200)
    intro = models.TextField(
        "introduction", blank=True, help_text="Affichée en tête du questionnaire."
    )
    anonymous = models.BooleanField(
        "réponses anonymes",
        default=True,
        help_text="Anonyme : rien ne relie une réponse à la personne qui l'a donnée.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("intro"),
        FieldPanel("anonymous"),
        InlinePanel("questions", label="question", heading="Questions", min_num=1),
    ]

    class Meta:
        verbose_name = "questionnaire de satisfaction"
        verbose_name_plural = "questionnaires de satisfaction"
        ordering = ["name"]

    def __str__(self):
        return self.name


class SurveyQuestion(Orderable):
    template = ParentalKey(SurveyTemplate, related_name="questions", on_delete=models.CASCADE)
    label = models.CharField("question", max_length=255)
    kind = models.CharField(
        "type", max_length=10, choices=SurveyQuestionKind.choices, default=SurveyQuestionKind.RATING
    )
    choices = models.TextField("choix proposés", blank=True, help_text="Un choix par ligne.")
    required = models.BooleanField("réponse obligatoire", default=True)

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("choices"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "question"

    def __str__(self):
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == SurveyQuestionKind.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": "Indiquez au moins deux choix, un par ligne."})


class SurveyInvitationQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def unanswered(self):
        return self.filter(answered_at__isnull=True)


class SurveyInvitation(models.Model):
    """One person asked to answer one survey about one session: a participant who attended, or
    an intervenant. Its link needs no login; it works once, for ``SURVEY_LINK_DAYS`` days."""

    session = models.ForeignKey(
        SessionPage, verbose_name="session", on_delete=models.CASCADE, related_name="+"
    )
    template = models.ForeignKey(
        SurveyTemplate, verbose_name="questionnaire", on_delete=models.PROTECT, related_name="+"
    )
    moment = models.CharField("moment", max_length=10, choices=SurveyMoment.choices)
    registration = models.ForeignKey(
        Registration,
        verbose_name="inscription",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name="intervenant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Emptied when the person's account is deleted: nothing more is sent to them.
    email = models.EmailField("courriel", blank=True)
    nonce = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sent_at = models.DateTimeField("envoyée le")
    expires_at = models.DateTimeField("lien valable jusqu'au")
    reminded_at = models.DateTimeField("relance le", null=True, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)

    objects = SurveyInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation à une enquête"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "moment", "registration"],
                condition=Q(registration__isnull=False),
                name="one_survey_invitation_per_registration_and_moment",
            ),
            models.UniqueConstraint(
                fields=["session", "moment", "person"],
                condition=Q(person__isnull=False),
                name="one_survey_invitation_per_trainer_and_moment",
            ),
        ]

    def __str__(self):
        return f"{self.email} — {self.session.title} ({self.get_moment_display()})"


class SurveyResponse(models.Model):
    """A questionnaire filled in. Named only when its template is not anonymous; an anonymous
    one has a random key and a day, so neither its id nor its time points back to a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        SessionPage, verbose_name="session", on_delete=models.CASCADE, related_name="+"
    )
    template = models.ForeignKey(
        SurveyTemplate, verbose_name="questionnaire", on_delete=models.PROTECT, related_name="+"
    )
    moment = models.CharField("moment", max_length=10, choices=SurveyMoment.choices)
    submitted_on = models.DateField("répondu le")
    # Named responses only; an account deletion sets them to NULL.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    respondent = models.CharField("répondant", max_length=255, blank=True)

    class Meta:
        verbose_name = "réponse à une enquête"
        indexes = [models.Index(fields=["session", "template", "moment"])]

    def __str__(self):
        return f"{self.template} — {self.session.title} ({self.get_moment_display()})"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField("note", null=True, blank=True)
    text = models.TextField("réponse", blank=True)

    class Meta:
        verbose_name = "réponse à une question"
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question_and_response"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="survey_rating_from_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.rating if self.rating is not None else self.text}"
