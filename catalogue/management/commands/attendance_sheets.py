from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.attendance.pdf import sign_in_sheet_pdf
from catalogue.models import SessionPage
from membership.services import association_identity


class Command(BaseCommand):
    help = (
        "Écrit la feuille d'émargement (PDF) de chaque demi-journée d'une session dans un "
        "dossier, un fichier par demi-journée, et rien d'autre."
    )

    def add_arguments(self, parser):
        parser.add_argument("session_id", type=int, help="Identifiant de la session (page).")
        parser.add_argument("--out", required=True, help="Dossier où écrire les PDF.")

    def handle(self, *args, session_id: int, out: str, **options):
        session = SessionPage.objects.filter(pk=session_id).first()
        if session is None:
            raise CommandError(f"Aucune session n'a l'identifiant {session_id}.")
        half_days = session.half_days
        if not half_days:
            raise CommandError(f"La session « {session.title} » n'a aucune date.")
        folder = Path(out)
        if not folder.is_dir():
            raise CommandError(f"Le dossier {folder} n'existe pas.")
        identity = association_identity()
        # Every sheet is drawn first, and a failed write removes the ones written: all or none.
        sheets = [
            (
                folder / f"emargement-{session.pk}-{h.key}.pdf",
                sign_in_sheet_pdf(session, h, identity=identity),
            )
            for h in half_days
        ]
        written = []
        try:
            for path, pdf in sheets:
                path.write_bytes(pdf)
                written.append(path)
        except OSError as error:
            for path in written:
                path.unlink(missing_ok=True)
            raise CommandError(
                f"Impossible d'écrire dans le dossier {folder} : {error.strerror}."
            ) from error
        for path, _pdf in sheets:
            self.stdout.write(str(path))
