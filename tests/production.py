"""A fresh Python process with the production settings (DEBUG off), as gunicorn would run them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_with_production_settings(args: list[str], **overrides: str) -> subprocess.CompletedProcess:
    """`python *args` from the project's root, its output captured.

    Every variable the settings read is given explicitly, so neither this test process
    (tests/settings.py turns SECURE_SSL_REDIRECT off) nor a developer's .env leaks in.
    """
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="lumira.settings",
        ENV_FILE="",
        PYTHONPATH=str(ROOT),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL="sqlite:///:memory:",
        STRIPE_SECRET_KEY="",
        STRIPE_PUBLISHABLE_KEY="",
        STRIPE_WEBHOOK_SECRET="",
        DEMO_WEBHOOK_SECRET="",
        GENERATION_WEBHOOK_URL="",
    )
    env.update(overrides)
    return subprocess.run(  # noqa: S603 (the arguments are the tests' own literals)
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
