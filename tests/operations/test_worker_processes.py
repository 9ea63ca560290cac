"""The real worker, in other processes, on PostgreSQL (SKIP LOCKED): shared queue, dead worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from operations.models import SentEmail
from tests.conftest import postgres_only
from tests.operations import worker_tasks

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)


def start_worker(name: str = "lumira-test-worker", **env) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    url += f"?application_name={name}"  # how connected_workers() tells them apart
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.1"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lumira.settings",
            "SECRET_KEY": "worker-test-secret-key-0123456789abcdefghijklmnop",
            "DATABASE_URL": url,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "LOG_LEVEL": "WARNING",
            "PAYMENTS_DEMO": "1",
            **env,
        },
        stdout=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def connected_workers(*names: str) -> int:
    """How many of these workers hold a connection to the test database: each opens its own
    when it first polls the queue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT application_name) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = ANY(%s)",
            [list(names)],
        )
        return cursor.fetchone()[0]


def stop(*workers: subprocess.Popen) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SCHEDULED_JOBS = {}


def test_two_workers_run_each_of_200_tasks_exactly_once(database_queue):
    names = ("lumira-test-worker-a", "lumira-test-worker-b")
    workers = [start_worker(name, SCHEDULED_JOBS_OFF="1") for name in names]
    try:
        # Both poll the queue before the 200 tasks appear, in one commit: one worker alone runs
        # them in under a second, so a worker that started late would find nothing left.
        assert wait_for(lambda: connected_workers(*names) == 2, 30)
        with transaction.atomic():
            for number in range(200):
                worker_tasks.record.enqueue(f"task-{number}")
        done = wait_for(
            lambda: (
                SentEmail.objects.count() == 200
                and not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
            )
        )
    finally:
        stop(*workers)
    assert done
    assert SentEmail.objects.count() == 200
    results = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    assert {status for status, _ids in results} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(ids) == 1 for _status, ids in results)  # nobody took a task twice
    assert len({ids[0] for _status, ids in results}) == 2  # and both workers took some


def test_a_task_whose_worker_is_killed_runs_again_and_its_effect_happens_once(
    database_queue, tmp_path
):
    flag = tmp_path / "started"
    worker_tasks.block_first_time.enqueue("killed-once", str(flag))
    first = start_worker(SCHEDULED_JOBS_OFF="1")
    try:
        assert wait_for(flag.exists, 30)
        first.send_signal(signal.SIGKILL)  # no goodbye: the row stays "running"
        first.wait(timeout=10)
    finally:
        stop(first)
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    second = start_worker(TASK_RUNNING_DEADLINE_SECONDS="1", SCHEDULED_JOBS_OFF="1")
    try:
        assert wait_for(
            lambda: DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL, 30
        )
    finally:
        stop(second)
    assert list(SentEmail.objects.values_list("key", flat=True)) == ["killed-once"]
    assert len(DBTaskResult.objects.get().worker_ids) == 2  # taken by each worker in turn
