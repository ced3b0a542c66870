from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from wagtail.models import Site

from catalogue.models import (
    Audience,
    Organisation,
    Person,
    ResourceArticlePage,
    SessionPage,
    Theme,
    WorkingGroupCallPage,
)
from home.demo import load_demo


class Command(BaseCommand):
    help = (
        "Construit le site de démonstration (Cap Rural) : page d'accueil, identité, catalogue, "
        "sessions, appel à manifestation d'intérêt et ressources. Peut être relancée : elle crée "
        "ce qui manque et laisse tel quel ce qui existe, modifications de l'équipe comprises."
    )

    def handle(self, *args, **options):
        try:
            report = load_demo()
        except Site.DoesNotExist as error:
            raise CommandError(
                "Aucun site par défaut : lancez d'abord « manage.py migrate »."
            ) from error
        except ValidationError as error:
            # A seed document the importer refuses (removed or damaged in home/demo/seeds/).
            raise CommandError(
                f"La démonstration n'a pas pu être construite (rien n'a été modifié) : "
                f"{' '.join(error.messages)}"
            ) from error
        except IntegrityError as error:
            # E.g. a theme staff created with the demo's name under another slug.
            raise CommandError(
                "Le contenu existant entre en conflit avec celui de la démonstration "
                f"(rien n'a été modifié) : {error}. Renommez ou supprimez l'élément en double, "
                "puis relancez la commande."
            ) from error
        sessions = SessionPage.objects.live()
        self.stdout.write(
            self.style.SUCCESS(
                f"Site de démonstration à jour : {len(report.created)} élément(s) créé(s), "
                f"{len(report.kept)} déjà présent(s) laissé(s) tel(s) quel(s)."
            )
        )
        self.stdout.write(
            f"  {Theme.objects.count()} thèmes, {Audience.objects.count()} publics, "
            f"{Organisation.objects.count()} structures, {Person.objects.count()} personnes\n"
            f"  {sessions.count()} sessions dont {sessions.upcoming().count()} à venir, "
            f"{WorkingGroupCallPage.objects.live().count()} appel(s) à manifestation d'intérêt, "
            f"{ResourceArticlePage.objects.live().count()} ressources"
        )
        if options["verbosity"] > 1:
            for label in report.created:
                self.stdout.write(f"  + {label}")
