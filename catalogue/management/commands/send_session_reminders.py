from django.core.management.base import BaseCommand

from catalogue.app_settings import app_settings
from catalogue.registrations.services import registrations_send_reminders


class Command(BaseCommand):
    help = (
        "Envoie le rappel aux participants confirmés dont la session commence dans "
        "PORTAIL_REMINDER_DAYS_BEFORE jours ; jamais deux fois pour une même inscription."
    )

    def handle(self, *args, **options):
        sent = registrations_send_reminders()
        self.stdout.write(
            f"{sent} rappel(s) envoyé(s) (sessions dans les {app_settings.REMINDER_DAYS_BEFORE} jours)."
        )
