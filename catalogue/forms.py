"""Admin forms whose validation spans a page and its inline children."""

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

from .models.choices import RegistrationMode, SessionFormat


def _live_rows(formset):
    """Cleaned data of the inline rows that are kept (not deleted, not empty)."""
    # The page form is cleaned before its formsets (ClusterForm.is_valid); clean them first.
    formset.is_valid()
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append(data)
    return rows


def _refuse_publishing_unchecked(form, cleaned):
    """« À vérifier » must be empty to publish (or to send for moderation, which publishes)."""
    publishing = form.data.get("action-publish") or form.data.get("action-submit")
    if publishing and (cleaned.get("to_check") or "").strip():
        from .models.pages import TO_CHECK_REFUSAL

        form.add_error("to_check", TO_CHECK_REFUSAL)


class SessionPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        _refuse_publishing_unchecked(self, cleaned)
        occurrences = [row for row in _live_rows(self.formsets["occurrences"]) if row.get("start")]
        first_start = min((row["start"] for row in occurrences), default=None)
        self._check_programme_days(cleaned, occurrences)

        deadline = cleaned.get("registration_deadline")
        if deadline and first_start and deadline > timezone.localdate(first_start):
            self.add_error(
                "registration_deadline",
                "La date limite d'inscription doit précéder la session "
                f"(première date : {timezone.localtime(first_start):%d/%m/%Y}).",
            )
        opens_at = cleaned.get("registration_opens_at")
        if opens_at and deadline and timezone.localdate(opens_at) > deadline:
            self.add_error(
                "registration_opens_at",
                "L'ouverture des inscriptions doit précéder la date limite.",
            )
        if opens_at and first_start and opens_at >= first_start:
            self.add_error(
                "registration_opens_at", "L'ouverture des inscriptions doit précéder la session."
            )

        if cleaned.get("format") in (SessionFormat.ONLINE, SessionFormat.HYBRID) and not (
            cleaned.get("meeting_url") or cleaned.get("meeting_url_sent_later")
        ):
            self.add_error(
                "meeting_url",
                "Une session en ligne a besoin d'un lien de connexion, "
                "ou cochez « lien envoyé ultérieurement ».",
            )
        if cleaned.get("format") in (SessionFormat.IN_PERSON, SessionFormat.HYBRID) and not (
            cleaned.get("venue_name") or cleaned.get("venue_town")
        ):
            self.add_error("venue_name", "Indiquez le lieu d'une session en présentiel.")

        mode = cleaned.get("registration_mode")
        if mode == RegistrationMode.EXTERNAL and not cleaned.get("registration_url"):
            self.add_error("registration_url", "Indiquez le lien d'inscription externe.")
        if mode == RegistrationMode.APPLICATION:
            self.add_error(
                "registration_mode",
                "Les candidatures avec sélection concernent les appels à manifestation d'intérêt.",
            )
        return cleaned

    def _check_programme_days(self, cleaned, occurrences):
        """A dated programme day must be one of the session's dates."""
        dates = sorted({timezone.localdate(row["start"]) for row in occurrences})
        if not dates:
            return
        listed = ", ".join(f"{day:%d/%m/%Y}" for day in dates)
        for block in cleaned.get("programme") or []:
            if block.block_type != "day" or not block.value.get("date"):
                continue
            day = block.value["date"]
            if day not in dates:
                self.add_error(
                    "programme",
                    f"La journée « {block.value['title']} » est datée du {day:%d/%m/%Y}, qui "
                    f"n'est pas une date de la session ({listed}) : corrigez la journée ou "
                    "les dates dans « En pratique ».",
                )


class WorkingGroupCallPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        _refuse_publishing_unchecked(self, cleaned)
        low, high = cleaned.get("meetings_per_year_min"), cleaned.get("meetings_per_year_max")
        if low and high and low > high:
            self.add_error("meetings_per_year_max", "Le maximum doit être supérieur au minimum.")
        deadline, first_meeting = cleaned.get("registration_deadline"), cleaned.get("first_meeting")
        if deadline and first_meeting and deadline > first_meeting:
            self.add_error(
                "registration_deadline",
                "La date limite de candidature doit précéder la première réunion.",
            )
        mode = cleaned.get("registration_mode")
        if mode == RegistrationMode.EXTERNAL and not cleaned.get("registration_url"):
            self.add_error("registration_url", "Indiquez le lien du formulaire externe.")
        if mode == RegistrationMode.APPLICATION and not _live_rows(self.formsets["questions"]):
            self.add_error(
                "registration_mode", "Ajoutez au moins une question posée aux candidats."
            )
        return cleaned
