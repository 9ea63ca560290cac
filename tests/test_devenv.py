"""`make run`'s local .env: written once, SITE_URL follows PORT, a real host is left alone;
the settings read it, the test settings never do."""

import os
import subprocess
import sys
from pathlib import Path

from lumira.devenv import write_env

ROOT = Path(__file__).resolve().parent.parent


def test_first_run_writes_a_secret_debug_and_the_port(tmp_path):
    env_file = tmp_path / ".env"
    write_env(8080, env_file)
    lines = env_file.read_text().splitlines()
    assert "DEBUG=1" in lines
    assert "SITE_URL=http://127.0.0.1:8080" in lines
    secret = next(line for line in lines if line.startswith("SECRET_KEY="))
    assert len(secret) > len("SECRET_KEY=") + 50


def test_a_new_port_moves_site_url_and_keeps_the_secret(tmp_path):
    env_file = tmp_path / ".env"
    write_env(8000, env_file)
    secret = next(line for line in env_file.read_text().splitlines() if "SECRET_KEY" in line)
    write_env(9001, env_file)
    lines = env_file.read_text().splitlines()
    assert "SITE_URL=http://127.0.0.1:9001" in lines
    assert "SITE_URL=http://127.0.0.1:8000" not in lines
    assert secret in lines


def test_a_site_url_on_a_real_host_is_left_alone(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SITE_URL=https://lumira.example\n")
    write_env(9001, env_file)
    assert env_file.read_text() == "SITE_URL=https://lumira.example\n"


def _settings_seen(settings_module: str, env_file: Path) -> str:
    """DEBUG and SITE_URL as `settings_module` sets them, in a fresh process given `env_file`."""
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, ENV_FILE=str(env_file), SECRET_KEY="x" * 50)
    code = "from django.conf import settings; print(settings.DEBUG, settings.SITE_URL)"
    return subprocess.run(  # noqa: S603 (the test's own literals)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_settings_read_the_env_file_and_the_test_settings_do_not(tmp_path):
    """A developer who ran `make run` (DEBUG=1 in .env) still runs the suite on the defaults."""
    env_file = tmp_path / ".env"
    write_env(9001, env_file)
    assert _settings_seen("lumira.settings", env_file) == "True http://127.0.0.1:9001"
    assert _settings_seen("tests.settings", env_file) == "False http://127.0.0.1:8000"
