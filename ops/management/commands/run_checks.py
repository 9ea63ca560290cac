"""The periodic checks (late orders, payment failure rate) and the photo purge.

Run every few minutes by the platform's scheduler (or cron) until the task framework
schedules them; alerts go out at most once an hour per kind whatever the frequency.
"""

from django.core.management.base import BaseCommand

from ops.jobs import run_checks
from orders.intake import purge_photos


class Command(BaseCommand):
    help = "Vérifie retards et taux d’échec (alertes aux ADMINS), efface les photos échues."

    def handle(self, *args, **options) -> None:
        raised = run_checks()
        purged = purge_photos()
        self.stdout.write(f"alertes : {', '.join(raised) or 'aucune'} ; photos effacées : {purged}")
