import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from membership.tasks import send_cotisation_reminders
from membership.years import FIRST_YEAR, LAST_YEAR


class Command(BaseCommand):
    help = (
        "Relance les adhérents qui n’ont pas réglé leur cotisation, aux étapes fixées par "
        "catégorie (Adhésions → Renouvellement) ou par PORTAIL_MEMBERSHIP_REMINDER_DAYS (à "
        "lancer chaque jour). Jamais deux fois la même étape pour le même titulaire."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Faire comme si nous étions ce jour (AAAA-MM-JJ).")
        parser.add_argument(
            "--year", help="Relancer dès maintenant pour cette année de cotisation."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Confier l’envoi à la file de tâches au lieu de l’exécuter ici.",
        )

    def handle(self, *args, date=None, year=None, enqueue=False, **options):
        if date:
            try:
                dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError("Date invalide : utilisez le format AAAA-MM-JJ.") from exc
        if year is not None:
            if not (year.isascii() and year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR):
                raise CommandError(
                    f"Année invalide : indiquez une année entre {FIRST_YEAR} et {LAST_YEAR}."
                )
            year = int(year)
        if enqueue:
            result = send_cotisation_reminders.enqueue(day=date, year=year)
            self.stdout.write(f"Relances confiées à la file de tâches ({result.id}).")
            return
        sent = send_cotisation_reminders.call(day=date, year=year)
        self.stdout.write(f"{sent} relance(s) envoyée(s).")
