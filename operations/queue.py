"""The database queue's upkeep: tasks whose worker died, recurring jobs, health figures."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from operations.models import ScheduledJob
from operations.tasks import enqueue

logger = logging.getLogger(__name__)


def requeue_stale_tasks() -> int:
    """Put back in the queue the tasks left running past the deadline: their worker died.

    Tasks are idempotent, so one that was merely slow and finishes later does no harm.
    """
    deadline = timezone.now() - timedelta(seconds=settings.TASK_RUNNING_DEADLINE_SECONDS)
    count = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=deadline
    ).update(status=TaskResultStatus.READY, started_at=None)
    if count:
        logger.warning("%s task(s) left running past the deadline were queued again", count)
    return count


def run_due_jobs() -> list[str]:
    """Enqueue each recurring job whose time has come; of several workers, one wins each run."""
    now = timezone.now()
    started = []
    for path, period in settings.SCHEDULED_JOBS.items():
        job, _created = ScheduledJob.objects.get_or_create(name=path, defaults={"next_run_at": now})
        if job.next_run_at > now:
            continue
        with transaction.atomic():
            won = ScheduledJob.objects.filter(pk=job.pk, next_run_at=job.next_run_at).update(
                next_run_at=now + timedelta(seconds=period), last_run_at=now
            )
            if won:
                enqueue(import_string(path))
                started.append(path)
    return started


def queue_health() -> dict:
    """Ready, running and failed counts, and the age in seconds of the oldest ready task."""
    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    oldest_age = 0
    if oldest is not None:
        enqueued_at, run_after = oldest
        # A deferred task (a retry) waits from its run_after, not from when it was written.
        waiting_since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
        oldest_age = max(0, int((now - waiting_since).total_seconds()))
    return {
        "ready": ready.count(),
        "running": DBTaskResult.objects.running().count(),
        "failed": DBTaskResult.objects.failed().count(),
        "oldest_ready_seconds": oldest_age,
    }
