"""Send the satisfaction surveys that are due, and their one reminder; run it hourly."""

from django.core.management.base import BaseCommand

from catalogue.surveys.services import surveys_send


class Command(BaseCommand):
    help = (
        "Envoie les enquêtes de satisfaction dues (à chaud, à froid, intervenants) et la "
        "relance unique des invitations sans réponse. Sans effet si on la relance aussitôt."
    )

    def handle(self, *args, **options):
        report = surveys_send()
        self.stdout.write(
            f"{report.invited} invitation(s) envoyée(s), {report.reminded} relance(s) envoyée(s)."
        )
