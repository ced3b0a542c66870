from django.core.management.base import BaseCommand

from catalogue.attendance.services import certificates_issue


class Command(BaseCommand):
    help = (
        "Établit et envoie les certificats de réalisation dus : chaque participant d'une session "
        "terminée ayant signé au moins une demi-journée, une seule fois."
    )

    def handle(self, *args, **options):
        issued = certificates_issue()
        for certificate in issued:
            self.stdout.write(
                f"{certificate.display_number} : {certificate.participant_name}, « {certificate.session_title} »"
            )
        self.stdout.write(f"{len(issued)} certificat(s) de réalisation établi(s).")
