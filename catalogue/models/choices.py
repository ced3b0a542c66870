"""The catalogue's fixed vocabularies, shared by its models, forms and API."""

from django.db import models


class RegistrationMode(models.TextChoices):
    MEMBERS = "members", "Adhérents à jour de cotisation"
    ACCOUNT = "account", "Toute personne ayant un compte"
    APPLICATION = "application", "Candidature avec sélection"
    EXTERNAL = "external", "Lien d'inscription externe"
    NONE = "none", "Sans inscription"

    @classmethod
    def taking_registrations(cls):
        return [cls.MEMBERS, cls.ACCOUNT, cls.APPLICATION, cls.EXTERNAL]


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "En présentiel"
    ONLINE = "online", "En ligne"
    HYBRID = "hybrid", "Hybride (présentiel et à distance)"


class SessionKind(models.TextChoices):
    EXPLORATION = "exploration", "Session d'exploration"
    WEBCONFERENCE = "webconference", "Webconférence"
    TRAINING = "training", "Formation"
    WORKSHOP_1D = "workshop_1d", "Atelier d'une journée"
    WORKSHOP_2D = "workshop_2d", "Atelier de deux jours"
    MEETING = "meeting", "Rencontre"


class AttendanceMode(models.TextChoices):
    ALL_DATES = "all", "Participer à toutes les dates"
    ONE_DATE = "one", "Choisir une date"


class SpeakerRole(models.TextChoices):
    ANIMATION = "animation", "Animation"
    CONTRIBUTION = "contribution", "Contribution"
    TESTIMONY = "testimony", "Témoignage"
    SPEAKER = "speaker", "Intervention"


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", "Texte court"
    LONG_TEXT = "long_text", "Texte long"
    CHOICE = "choice", "Choix dans une liste"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmée"
    WAITING = "waiting", "Liste d'attente"
    CANCELLED = "cancelled", "Annulée"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Reçue"
    SELECTED = "selected", "Retenue"
    RESERVE = "reserve", "En réserve"
    DECLINED = "declined", "Non retenue"
