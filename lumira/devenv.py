"""`make run`'s local `.env`: written on the first run so that `manage.py` works on its own.

The file holds a random SECRET_KEY, DEBUG=1 and a SITE_URL on the port the site is served on,
so the links in e-mails open on that port. Later runs only move SITE_URL to a new PORT, and only
when it still points at this machine (a SITE_URL someone set to a real host is left alone).
Run as `python -m lumira.devenv PORT`; it imports nothing from Django.
"""

import re
import secrets
import sys
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"
LOCAL_SITE_URL = re.compile(r"^SITE_URL=http://(127\.0\.0\.1|localhost):\d+/?$", re.MULTILINE)


def write_env(port: int, env_file: Path = ENV_FILE) -> str:
    site_url = f"SITE_URL=http://127.0.0.1:{port}"
    if not env_file.exists():
        env_file.write_text(
            "# Written by `make run` for local development only (never commit it).\n"
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            "DEBUG=1\n"
            f"{site_url}\n",
            encoding="utf-8",
        )
        return f"{env_file.name}: written (SECRET_KEY, DEBUG=1, {site_url})"
    text = env_file.read_text(encoding="utf-8")
    if LOCAL_SITE_URL.search(text) and site_url not in text.splitlines():
        env_file.write_text(LOCAL_SITE_URL.sub(site_url, text), encoding="utf-8")
        return f"{env_file.name}: {site_url}"
    if "SITE_URL=" not in text:
        env_file.write_text(text.rstrip("\n") + f"\n{site_url}\n", encoding="utf-8")
        return f"{env_file.name}: {site_url}"
    return f"{env_file.name}: kept"


if __name__ == "__main__":
    print(write_env(int(sys.argv[1]) if len(sys.argv) > 1 else 8000))  # noqa: T201
