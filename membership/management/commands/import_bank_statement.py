from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from membership.reconciliation import bank_statement_import, summary_sections


class Command(BaseCommand):
    help = (
        "Importe un relevé bancaire CAMT.053 ou OFX : les virements portant la référence d’une "
        "cotisation à régler, pour son montant exact, sont enregistrés ; les autres crédits sont "
        "gardés pour l’équipe. Un relevé importé deux fois n’enregistre rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Le relevé (fichier CAMT.053 .xml ou OFX .ofx).")
        parser.add_argument(
            "--user",
            help="Courriel du membre de l’équipe au nom duquel le relevé est importé "
            "(journal d’audit).",
        )

    def handle(self, *args, file: str, user: str | None = None, **options):
        imported_by = None
        if user:
            imported_by = get_user_model().objects.filter(email__iexact=user, is_staff=True).first()
            if imported_by is None:
                raise CommandError(f"Aucun membre de l’équipe n’a le courriel « {user} ».")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"Impossible de lire le fichier « {file} » : {exc.strerror}."
            ) from exc
        try:
            summary = bank_statement_import(
                content=content, statement_name=path.name, imported_by=imported_by
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Relevé « {path.name} » importé.")
        for title, lines in summary_sections(summary):
            self.stdout.write(f"{title} : {len(lines)}")
            for line in lines:
                self.stdout.write(f"  {line}")
