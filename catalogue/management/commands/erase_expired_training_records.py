from django.core.management.base import BaseCommand
from django.utils import timezone

from catalogue.app_settings import app_settings
from catalogue.attendance.retention import LABELS, erase_expired


class Command(BaseCommand):
    help = (
        "Efface les preuves de formation (signatures et feuilles d'émargement, certificats de "
        "réalisation…) des sessions terminées depuis plus de PORTAIL_ATTENDANCE_RETENTION_YEARS "
        "ans, et dit ce qui a été effacé."
    )

    def handle(self, *args, **options):
        before, counts = erase_expired()
        years = app_settings.ATTENDANCE_RETENTION_YEARS
        self.stdout.write(
            f"Sessions terminées avant le {timezone.localtime(before):%d/%m/%Y} "
            f"(conservation {years} ans) :"
        )
        for kind, count in counts.items():
            self.stdout.write(f"  {count} {LABELS.get(kind, kind)} effacé(s)")
        if not any(counts.values()):
            self.stdout.write("  rien à effacer.")
