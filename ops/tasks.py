"""The periodic checks, as scheduled background tasks (SPEC §7, §11, §13)."""

from django_tasks import task

from ops import jobs
from orders import intake


@task()
def run_checks() -> list[str]:
    """Scheduled (settings.SCHEDULED_JOBS): late orders and the payment failure rate."""
    return jobs.run_checks()


@task()
def purge_photos() -> int:
    """Scheduled daily: photos of orders delivered over 90 days ago, unless kept (SPEC §13)."""
    return intake.purge_photos()
