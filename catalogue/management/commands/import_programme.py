from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from wagtail.models import Site

from catalogue.importer.services import programme_import
from catalogue.models import CatalogueIndexPage


class Command(BaseCommand):
    help = (
        "Importe un document de programme (.docx, .odt, .pdf, .txt, .md) en une page brouillon "
        "sous un catalogue, jamais publiée. Affiche « draft <id> <adresse d'édition> » puis ce "
        "qui est à vérifier."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="le document à importer")
        parser.add_argument(
            "--parent",
            help="le catalogue : son identifiant ou son chemin (« /catalogue/ ») ; par défaut "
            "le premier catalogue du site",
        )
        parser.add_argument(
            "--type",
            choices=["session", "call"],
            help="session ou appel à manifestation d'intérêt (call) ; deviné du texte sinon",
        )

    def handle(self, *args, path, parent=None, type=None, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Le fichier « {path} » n'existe pas.")
        catalogue = self.catalogue(parent)
        try:
            result = programme_import(
                parent=catalogue, data=file.read_bytes(), name=file.name, page_type=type
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        page = result.page
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
        url = base + reverse("wagtailadmin_pages:edit", args=[page.pk])
        self.stdout.write(f"draft {page.pk} {url}")
        for other in result.same_title:
            self.stdout.write(
                f"Une page intitulée « {other.title} » existe déjà dans ce catalogue "
                f"(id {other.pk}) : ce brouillon est une nouvelle page."
            )
        if result.to_check:
            self.stdout.write(f"À vérifier ({len(result.to_check)}) :")
            for piece in result.to_check:
                self.stdout.write(f"  - {piece}")
        else:
            self.stdout.write("Rien à vérifier : chaque élément du document a trouvé son champ.")

    def catalogue(self, parent):
        catalogues = CatalogueIndexPage.objects.all()
        if parent is None:
            catalogue = catalogues.order_by("path").first()
        elif parent.isdigit():
            catalogue = catalogues.filter(pk=int(parent)).first()
        else:
            site = Site.objects.filter(is_default_site=True).first()
            root = site.root_page.url_path if site else "/"
            wanted = root.rstrip("/") + "/" + parent.strip("/") + "/"
            catalogue = (
                catalogues.filter(url_path=wanted).first()
                or catalogues.filter(
                    url_path=parent if parent.endswith("/") else parent + "/"
                ).first()
            )
        if catalogue is None:
            known = ", ".join(f"{c.pk} ({c.url_path})" for c in catalogues.order_by("path")[:10])
            message = f"Aucun catalogue « {parent} »." if parent else "Aucun catalogue sur ce site."
            raise CommandError(f"{message} Catalogues existants : {known}." if known else message)
        return catalogue
