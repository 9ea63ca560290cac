"""Background work (SPEC §11) on Django's tasks API: enqueueing, retries, idempotent e-mails.

- `enqueue` writes the task in the caller's transaction when the queue lives in the database
  (a task exists if and only if the change that asked for it committed); with a queue outside
  the database (RQ, Celery) it waits for the commit. The immediate backend (tests) has no queue:
  it runs the task there and then.
- `retried_task` is `@task` plus retries: an attempt that raises is enqueued again with an
  exponential delay (`first_delay`, twice that, …) until `attempts` is reached; the last failure
  is left failed in the queue, for an admin to see and retry.
- `send_once` makes an e-mail task idempotent: a task run twice sends its e-mail once.
"""

import functools
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

from operations.models import SentEmail

logger = logging.getLogger(__name__)

# E-mail is retried 7 times over about an hour (1, 2, 4 … 32 minutes apart).
EMAIL_RETRIES = {"attempts": 7, "first_delay": timedelta(minutes=1)}


def enqueue(task_: Task, *args, **kwargs) -> None:
    """Enqueue `task_` as part of the current transaction (see the module docstring)."""
    if isinstance(task_.get_backend(), DatabaseBackend | ImmediateBackend):
        task_.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(functools.partial(task_.enqueue, *args, **kwargs), robust=True)


def retry_delay(first_delay: timedelta, attempt: int) -> timedelta:
    """The wait before attempt `attempt + 1`: first_delay, then doubling."""
    return first_delay * 2 ** (attempt - 1)


def retried_task(
    *,
    attempts: int,
    first_delay: timedelta,
    give_up: Callable[..., None] | None = None,
    **task_options,
) -> Callable[[Callable], Task]:
    """`@task`, retried with exponential backoff; `give_up(error, *args, **kwargs)` at the end."""

    def decorate(function: Callable) -> Task:
        @functools.wraps(function)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception as error:
                if attempt >= attempts:
                    logger.exception("task %s failed for good (attempt %s)", name, attempt)
                    if give_up is not None:
                        give_up(error, *args, **kwargs)
                    raise
                delay = retry_delay(first_delay, attempt)
                logger.warning(
                    "task %s failed (attempt %s of %s), next in %s: %s",
                    name,
                    attempt,
                    attempts,
                    delay,
                    error,
                )
                retry = the_task
                if retry.get_backend().supports_defer:
                    retry = retry.using(run_after=timezone.now() + delay)
                retry.enqueue(*args, attempt=attempt + 1, **kwargs)
                # This attempt ends here; the retry is its own row in the queue.
                return {"retried": attempt + 1, "error": f"{type(error).__name__}: {error}"[:500]}

        name = f"{function.__module__}.{function.__qualname__}"
        the_task = task(**task_options)(run)
        return the_task

    return decorate


class EmailInFlight(Exception):
    """Another run holds this e-mail's claim: it is being sent right now."""


def send_once(key: str, template: str, send: Callable[[], object]) -> bool:
    """Call `send` unless the e-mail named `key` was sent already; True when it was sent now.

    The claim row is written before the send and completed after it, so two runs of the same
    task never both send. A send that raises releases the claim (the retry sends); a claim left
    by a dead worker is taken over once older than the task deadline.
    """
    now = timezone.now()
    row, created = SentEmail.objects.get_or_create(
        key=key[:200], defaults={"template": template, "claimed_at": now}
    )
    if not created:
        if row.sent_at is not None:
            return False
        stale = now - timedelta(seconds=settings.TASK_RUNNING_DEADLINE_SECONDS)
        taken = SentEmail.objects.filter(pk=row.pk, sent_at=None, claimed_at__lt=stale).update(
            claimed_at=now
        )
        if not taken:
            raise EmailInFlight(key)
    try:
        send()
    except BaseException:
        SentEmail.objects.filter(pk=row.pk, sent_at=None).delete()
        raise
    SentEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    return True
