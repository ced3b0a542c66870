"""Attendance proofs: signatures per half-day, online signing openings, certificates of
completion. Records of the training body: rows are only added (a correction is a new row),
and only the retention command erases them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .halfdays import PERIODS
from .pages import SessionPage
from .registrations import Registration


class SignatureMethod(models.TextChoices):
    QR = "qr", "Code QR scanné"
    ONLINE = "online", "En ligne"
    PAPER = "paper", "Feuille papier"


class SignerRole(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    TRAINER = "trainer", "Formateur"


class SignatureQuerySet(models.QuerySet):
    def effective(self):
        """Signatures that count: neither a correction nor corrected by one."""
        return self.filter(cancels__isnull=True, correction__isnull=True)

    def participants(self):
        return self.filter(role=SignerRole.PARTICIPANT)

    def trainers(self):
        return self.filter(role=SignerRole.TRAINER)

    def for_half_day(self, half_day):
        return self.filter(day=half_day.day, period=half_day.period)


class Signature(models.Model):
    """A participant's signature or a trainer's countersignature of one half-day: who, when, how.

    ``cancels`` makes a row the correction of an earlier one (signed for the wrong person, a
    paper line misread); both rows stay.
    """

    session = models.ForeignKey(
        SessionPage,
        verbose_name="session",
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    day = models.DateField("jour")
    period = models.CharField("demi-journée", max_length=12, choices=list(PERIODS.items()))
    starts_at = models.DateTimeField("début de la demi-journée")
    ends_at = models.DateTimeField("fin de la demi-journée")
    role = models.CharField("qualité", max_length=12, choices=SignerRole.choices)
    registration = models.ForeignKey(
        Registration,
        verbose_name="inscription",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    signer_name = models.CharField("signataire", max_length=300)
    method = models.CharField("mode", max_length=10, choices=SignatureMethod.choices)
    signed_at = models.DateTimeField("signée le", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancels = models.OneToOneField(
        "self",
        verbose_name="annule la signature",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    note = models.CharField("précision", max_length=255, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "signature"
        ordering = ["session", "day", "period", "signed_at", "pk"]
        indexes = [models.Index(fields=["session", "day", "period"])]

    def __str__(self):
        return f"{self.signer_name} — {self.day:%d/%m/%Y} {self.get_period_display()}"


class SigningOpening(models.Model):
    """Staff opened online signing for a half-day of a session held online: participants then
    sign from their registrations page while the half-day lasts."""

    session = models.ForeignKey(
        SessionPage, on_delete=models.PROTECT, related_name="signing_openings"
    )
    day = models.DateField("jour")
    period = models.CharField("demi-journée", max_length=12, choices=list(PERIODS.items()))
    opened_at = models.DateTimeField("ouverte le", default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "ouverture de l'émargement en ligne"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "day", "period"], name="one_signing_opening_per_half_day"
            )
        ]

    def __str__(self):
        return f"{self.session} — {self.day:%d/%m/%Y} {self.get_period_display()}"


class Certificate(models.Model):
    """A certificate of completion (certificat de réalisation, Ministry of Labour model), with
    what it states frozen when issued; the PDF is drawn from these fields."""

    registration = models.OneToOneField(
        Registration,
        verbose_name="inscription",
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    series = models.CharField("série", max_length=20)
    number = models.PositiveIntegerField("numéro")
    issued_at = models.DateTimeField("émis le", default=timezone.now)
    participant_name = models.CharField("bénéficiaire", max_length=300)
    participant_organisation = models.CharField("structure", max_length=255, blank=True)
    session_title = models.CharField("intitulé de l'action", max_length=255)
    nature = models.CharField("nature de l'action", max_length=100)
    first_day = models.DateField("du")
    last_day = models.DateField("au")
    hours_planned = models.DecimalField("durée prévue (h)", max_digits=6, decimal_places=2)
    hours_attended = models.DecimalField("durée suivie (h)", max_digits=6, decimal_places=2)
    half_days_attended = models.PositiveIntegerField("demi-journées suivies")
    half_days_planned = models.PositiveIntegerField("demi-journées prévues")
    emailed_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "certificat de réalisation"
        verbose_name_plural = "certificats de réalisation"
        ordering = ["-series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="certificate_unique_number")
        ]

    def __str__(self):
        return f"Certificat de réalisation n° {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.series}-{self.number:05d}"
