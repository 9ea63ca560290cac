"""`manage.py run_worker`: the database backend's worker, plus the recurring jobs.

Each round enqueues the jobs that are due (settings.SCHEDULED_JOBS), queues again the tasks
whose worker died, then runs every ready task with django-tasks-db's own worker (row locks with
SKIP LOCKED on PostgreSQL: several workers never take the same task). No cron on the host.
"""

import logging
import os
import time

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from operations.queue import requeue_stale_tasks, run_due_jobs


class Command(DBWorkerCommand):
    help = "Run the background worker: queued tasks and recurring jobs"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--once", action="store_true", help="One round (jobs due, ready tasks), then exit."
        )

    def handle(
        self, *, verbosity, queue_name, interval, backend_name, reload, worker_id, once, **options
    ):
        self.configure_logging(verbosity)
        if verbosity < 2:
            # The backend's worker announces each start and stop, here once a round: keep quiet.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=0,
            batch=True,  # run what is ready, then come back here for the jobs
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

        if once:
            run_due_jobs()
            requeue_stale_tasks()
            worker.run()
            return

        def loop() -> None:
            while worker.running:
                run_due_jobs()
                requeue_stale_tasks()
                worker.run()
                if worker.running:
                    time.sleep(interval)

        if reload:
            # As the backend's own command does: the reloader runs `loop` in a thread of its
            # child process, whose main thread takes the signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(loop)
        else:
            worker.configure_signals()
            loop()
