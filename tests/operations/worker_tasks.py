"""Tasks for the tests that run the real worker in other processes."""

import os
import time

from django.utils import timezone
from django_tasks import task

from operations.models import SentEmail


@task()
def record(key: str) -> None:
    """An effect the database counts: a second run would break the unique key and fail."""
    now = timezone.now()
    SentEmail.objects.create(key=key, template="test", claimed_at=now, sent_at=now)


@task()
def block_first_time(key: str, flag: str) -> None:
    """The first run hangs (its worker is killed meanwhile); the next one records the effect."""
    if not os.path.exists(flag):
        with open(flag, "w") as marker:
            marker.write(str(os.getpid()))
        time.sleep(120)
    record.call(key)
