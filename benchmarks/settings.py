"""Benchmark settings: the production settings, plus a trivial view and a throwaway static dir.

The runner (benchmarks/run.py) sets the environment (DEBUG=0, SECRET_KEY, DATABASE_URL…) before
any process imports this module; nothing here changes how the real pages behave.
"""

import os

from lumira.settings import *  # noqa: F403

# /bench/trivial lives only in this URLconf: production code has no benchmark route.
ROOT_URLCONF = "benchmarks.bench_urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405

# A relay that takes half a second per message: only the webhook target that pays orders sends
# e-mail, through the worker; a page that waited for it would show it in its latency.
EMAIL_BACKEND = "benchmarks.slow_email.SleepingEmailBackend"
# The recurring jobs (expiring the seeded unpaid orders…) would load the machine mid-run.
SCHEDULED_JOBS = {}
