"""Delete the photos of orders delivered more than 90 days ago (SPEC §13), unless kept.

Run daily (cron, or the platform's scheduler) until the task framework schedules it.
"""

from django.core.management.base import BaseCommand

from orders.intake import purge_photos


class Command(BaseCommand):
    help = "Efface les photos des commandes livrées il y a plus de 90 jours (sauf si gardées)."

    def handle(self, *args, **options) -> None:
        purged = purge_photos()
        self.stdout.write(f"{purged} photo(s) effacée(s).")
