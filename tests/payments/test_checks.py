import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from payments.checks import check_stripe_settings

GOOD = {
    "STRIPE_SECRET_KEY": "sk_test_51Habcdefghij0123456789",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_51Habcdefghij0123456789",
    "STRIPE_WEBHOOK_SECRET": "whsec_abcdefghij0123456789",
}


def _ids(**overrides) -> list[str]:
    with override_settings(**{**GOOD, **overrides}):
        return [error.id for error in check_stripe_settings()]


def test_well_formed_keys_pass():
    assert _ids() == []
    assert (
        _ids(
            STRIPE_SECRET_KEY="rk_live_51Habcdefghij0123456789",
            STRIPE_PUBLISHABLE_KEY="pk_live_51Habcdefghij0123456789",
        )
        == []
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"STRIPE_SECRET_KEY": "pk_test_51Habcdefghij0123456789"}, "payments.E001"),
        ({"STRIPE_SECRET_KEY": "sk_test_51Habc defghij0123456789"}, "payments.E001"),
        ({"STRIPE_SECRET_KEY": " sk_test_51Habcdefghij0123456789"}, "payments.E001"),
        ({"STRIPE_SECRET_KEY": '"sk_test_51Habcdefghij0123456789"'}, "payments.E001"),
        ({"STRIPE_PUBLISHABLE_KEY": "sk_test_51Habcdefghij0123456789"}, "payments.E002"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "payments.E003"),
        ({"STRIPE_WEBHOOK_SECRET": "whsec abc"}, "payments.E003"),
        ({"STRIPE_PUBLISHABLE_KEY": "pk_live_51Habcdefghij0123456789"}, "payments.E005"),
        ({"STRIPE_PUBLISHABLE_KEY": ""}, "payments.E006"),
    ],
)
def test_malformed_keys_are_reported(overrides, expected):
    assert expected in _ids(**overrides)


def test_the_publishable_key_in_the_secret_slot_gets_a_clear_hint():
    with override_settings(**{**GOOD, "STRIPE_SECRET_KEY": "pk_test_51Habcdefghij0123456789"}):
        [error] = [e for e in check_stripe_settings() if e.id == "payments.E001"]
    assert "publishable key" in error.msg
    assert "STRIPE_PUBLISHABLE_KEY" in error.hint


def test_demo_mode_is_refused_with_debug_off_unless_asked_for():
    with override_settings(STRIPE_SECRET_KEY="", DEBUG=False, PAYMENTS_DEMO=False):
        assert [e.id for e in check_stripe_settings()] == ["payments.E004"]
    with override_settings(STRIPE_SECRET_KEY="", DEBUG=False, PAYMENTS_DEMO=True):
        assert check_stripe_settings() == []
    with override_settings(STRIPE_SECRET_KEY="", DEBUG=True, PAYMENTS_DEMO=False):
        assert check_stripe_settings() == []


ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "q8w7e6r5t4y3u2i1o0p9a8s7d6f5g4h3j2k1l0zxcvbnm-QWERTYUIOP",
    "ALLOWED_HOSTS": "lumira.example",
    **GOOD,
}


def _check_deploy(**env) -> subprocess.CompletedProcess:
    # Only what a production host would set: nothing of the test run leaks in.
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        **PRODUCTION,
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_clearly_on_a_malformed_key():
    result = _check_deploy(STRIPE_SECRET_KEY="pk_test_51Habcdefghij0123456789")
    assert result.returncode != 0
    assert "payments.E001" in result.stderr
    assert "STRIPE_SECRET_KEY holds a publishable key" in result.stderr


def test_check_deploy_refuses_demo_payments_in_production():
    result = _check_deploy(
        STRIPE_SECRET_KEY="", STRIPE_PUBLISHABLE_KEY="", STRIPE_WEBHOOK_SECRET=""
    )
    assert result.returncode != 0
    assert "payments.E004" in result.stderr
