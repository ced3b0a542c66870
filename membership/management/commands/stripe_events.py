"""List the Stripe events that could not be processed, and process them again.

Stripe retries a failed webhook for three days; after a longer outage, staff run
``manage.py stripe_events --retry`` once the cause is fixed.
"""

from django.core.management.base import BaseCommand, CommandError

from membership import payments
from membership.models import StripeEvent
from membership.webhooks import AlreadyProcessed, process_event


class Command(BaseCommand):
    help = "Liste les événements Stripe non traités ; --retry les traite à nouveau."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry", action="store_true", help="Traiter à nouveau ces événements."
        )

    def handle(self, *args, retry: bool = False, **options):
        pending = StripeEvent.objects.filter(processed_at__isnull=True).order_by("received_at")
        if not pending.exists():
            self.stdout.write("Aucun événement Stripe en attente.")
            return
        failures = 0
        for stored in pending:
            line = f"{stored.event_id} {stored.type} ({stored.attempts} tentative(s))"
            if not retry:
                self.stdout.write(f"{line} : {stored.last_error}")
                continue
            try:
                done = process_event(payments.webhook_event_from_payload(stored.payload))
            except AlreadyProcessed:
                done = stored
            if done and done.ignored_reason:
                self.stdout.write(self.style.SUCCESS(f"{line} : ignoré, {done.ignored_reason}"))
            elif done:
                self.stdout.write(self.style.SUCCESS(f"{line} : traité."))
            else:
                failures += 1
                stored.refresh_from_db()
                self.stdout.write(self.style.ERROR(f"{line} : {stored.last_error}"))
        if failures:
            raise CommandError(f"{failures} événement(s) toujours en échec.")
