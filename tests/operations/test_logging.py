"""Request ids on every log line, JSON lines on demand, Sentry without personal data."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from operations.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_a_log_line_written_during_a_request_carries_its_id_as_json(client):
    handler = ListHandler()
    logger = logging.getLogger("payments.webhooks")
    logger.addHandler(handler)
    try:
        response = client.post(
            "/api/payments/webhook",
            b"{}",
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE="t=1,v1=00",
            HTTP_X_REQUEST_ID="proxy-req-0001",
        )
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 400
    assert response["X-Request-ID"] == "proxy-req-0001"
    [line] = [json.loads(text) for text in handler.lines]
    assert line["request_id"] == "proxy-req-0001"
    assert line["level"] == "WARNING"
    assert "webhook refused" in line["message"]


def test_a_request_without_a_usable_id_gets_a_fresh_one(client):
    first = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert len(second) == 32
    assert first != second


def test_sentry_is_set_up_from_sentry_dsn_without_personal_data():
    code = (
        "import django, sentry_sdk; django.setup(); "
        "options = sentry_sdk.get_client().options; "
        "print(options['dsn'], options['send_default_pii'], options['max_request_body_size'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lumira.settings",
        "SECRET_KEY": "sentry-test-secret-key-0123456789abcdefghijklmnop",
        "PAYMENTS_DEMO": "1",
        "SENTRY_DSN": "https://public@127.0.0.1/1",
    }
    out = subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["https://public@127.0.0.1/1", "False", "never"], out.stderr
