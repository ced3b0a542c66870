"""Seats and applications: a person's registration for a session, an application to a call."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import ApplicationStatus, RegistrationStatus
from .halfdays import session_half_days
from .pages import SessionOccurrence, SessionPage, WorkingGroupCallPage


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        """The waiting list, first in line first."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("position", "pk")

    def for_slot(self, occurrence):
        """Registrations competing for the same seats: one date of a pick-one session."""
        return self.filter(occurrence=occurrence) if occurrence is not None else self


class Registration(models.Model):
    """A person's registration for a session: confirmed, on the waiting list, or cancelled.

    A cancelled registration stays as history; registering again makes a new row, which the
    partial unique constraint allows (one live registration per person and session).
    """

    # Not content: Wagtail's reference index (a page's "usage") would otherwise queue a task
    # on every registration to record that it points at its session.
    wagtail_reference_index_ignore = True

    session = models.ForeignKey(
        SessionPage, verbose_name="session", on_delete=models.CASCADE, related_name="registrations"
    )
    occurrence = models.ForeignKey(
        SessionOccurrence,
        verbose_name="date choisie",
        null=True,
        blank=True,
        # Removing a date from the page must not fail; staff then move the people concerned.
        on_delete=models.SET_NULL,
        related_name="registrations",
        help_text="Pour les sessions où l'on choisit une date.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    status = models.CharField(
        "statut",
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    position = models.PositiveIntegerField(
        "ordre d'arrivée", help_text="Rang dans la file : la liste d'attente suit cet ordre."
    )
    organisation = models.CharField(
        "structure",
        max_length=255,
        blank=True,
        help_text="Structure de la personne à l'inscription.",
    )
    # Derived from the signed half-days by the attendance services: True once one is signed,
    # False for a confirmed participant of an ended session who signed none.
    attended = models.BooleanField("présence", null=True, blank=True, editable=False)
    # Health-related: emailed to the disability referent and the session's contact only, never
    # exported, erased with the registration's personal data.
    accessibility_needs = models.TextField(
        "besoin d'adaptation",
        blank=True,
        help_text="Exprimé par la personne à l'inscription (facultatif).",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ajoutée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("inscrite le", auto_now_add=True)
    promoted_at = models.DateTimeField("sortie de la liste d'attente le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_person_and_session",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "position"])]

    def __str__(self):
        return f"{self.user} — {self.session.title} ({self.get_status_display()})"

    @property
    def is_confirmed(self):
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def starts_at(self):
        """The first slot this person attends."""
        return self.occurrence.start if self.occurrence_id else self.session.starts_at

    @property
    def ends_at(self):
        return self.occurrence.end if self.occurrence_id else self.session.ends_at

    @property
    def slots(self):
        """The dates this person attends: the chosen one, or all of them."""
        return [self.occurrence] if self.occurrence_id else self.session.sorted_occurrences

    @property
    def half_days(self):
        """The half-days this person is expected at: those of their dates."""
        if not self.occurrence_id:
            return self.session.half_days
        keys = {h.key for h in session_half_days(self.session, [self.occurrence])}
        return [h for h in self.session.half_days if h.key in keys]

    def waiting_rank(self):
        """1 for the first person waiting, None when not waiting."""
        if self.status != RegistrationStatus.WAITING:
            return None
        ahead = (
            Registration.objects.filter(session_id=self.session_id)
            .for_slot(self.occurrence if self.occurrence_id else None)
            .waiting()
            .filter(Q(position__lt=self.position) | Q(position=self.position, pk__lt=self.pk))
        )
        return ahead.count() + 1


class Application(models.Model):
    """A person's application to a working-group call: their answers and staff's decision."""

    wagtail_reference_index_ignore = True  # not content, as for registrations

    call = models.ForeignKey(
        WorkingGroupCallPage,
        verbose_name="appel",
        on_delete=models.CASCADE,
        related_name="applications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        on_delete=models.CASCADE,
        related_name="applications",
    )
    answers = models.JSONField(
        "réponses", default=dict, help_text="{identifiant de question: réponse}"
    )
    status = models.CharField(
        "statut",
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    decision_note = models.TextField("message au candidat", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)

    class Meta:
        verbose_name = "candidature"
        ordering = ["call", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "user"], name="one_application_per_person_and_call"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.call.title}"

    def answer_rows(self):
        """(question label, answer) in the call's order; answers to removed questions last."""
        rows, seen = [], set()
        for question in self.call.questions.all():
            key = str(question.pk)
            seen.add(key)
            rows.append((question.label, self.answers.get(key, "")))
        rows += [
            (f"Question {key}", value) for key, value in self.answers.items() if key not in seen
        ]
        return rows
