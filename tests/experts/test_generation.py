"""The generator hook (SPEC §8.3): a signed call out, a signed callback in."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from experts import generation
from experts.models import GenerationCallback
from orders.models import Order
from tests import factories
from tests.factories import text_of

pytestmark = pytest.mark.django_db

SECRET = "whsec-generation-test-0123456789"


class Generator:
    """A local HTTP server standing in for the generator; it records what it receives."""

    def __init__(self, status: int = 202, block: threading.Event | None = None) -> None:
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append({"headers": dict(self.headers), "body": body})
                if block is not None:
                    block.wait(5)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> "Generator":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def generator_settings(settings):
    settings.GENERATION_WEBHOOK_SECRET = SECRET
    settings.SITE_URL = "https://lumira.example"
    return settings


def _generate(client, order, instructions="Ton doux.", capture=None):
    with capture(execute=True):
        return client.post(
            f"/desk/commande/{order.public_id}/generer/", {"instructions": instructions}
        )


def test_generate_posts_a_signed_request_after_the_commit(
    client, expert_user, processing_order, generator_settings, django_capture_on_commit_callbacks
):
    client.force_login(expert_user)
    with Generator() as fake:
        generator_settings.GENERATION_WEBHOOK_URL = fake.url
        response = _generate(client, processing_order, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    [received] = fake.requests
    headers, body = received["headers"], received["body"]
    assert generation.verify(body, headers["X-Lumira-Signature"], headers["X-Lumira-Timestamp"])
    assert headers["X-Lumira-Signature"] == generation.sign(
        body, int(headers["X-Lumira-Timestamp"]), SECRET
    )
    payload = json.loads(body)
    assert payload["order"] == str(processing_order.public_id)
    assert payload["instructions"] == "Ton doux."
    assert payload["sections"] == ["archetype", "reading", "ritual"]
    assert payload["client"]["question"] == "Vais-je changer de voie cette année ?"
    assert payload["callback_url"] == (
        f"https://lumira.example/api/generation/callback/{processing_order.public_id}"
    )
    assert processing_order.email not in body.decode()
    processing_order.refresh_from_db()
    assert processing_order.reading.generation_requested_at is not None
    assert processing_order.reading.generation_error == ""
    assert processing_order.reading.instructions == "Ton doux."
    assert processing_order.status == Order.Status.PROCESSING
    page = client.get(f"/desk/commande/{processing_order.public_id}/").content.decode()
    assert "Demande envoyée au générateur" in page


def test_a_refusing_generator_leaves_a_visible_error(
    client, expert_user, processing_order, generator_settings, django_capture_on_commit_callbacks
):
    client.force_login(expert_user)
    with Generator(status=500) as fake:
        generator_settings.GENERATION_WEBHOOK_URL = fake.url
        _generate(client, processing_order, capture=django_capture_on_commit_callbacks)
    processing_order.refresh_from_db()
    assert (
        processing_order.reading.generation_error == "Le générateur a refusé la demande (HTTP 500)."
    )
    page = client.get(f"/desk/commande/{processing_order.public_id}/").content.decode()
    assert "Le générateur a refusé la demande (HTTP 500)." in page


def test_an_unreachable_generator_leaves_a_visible_error(
    client, expert_user, processing_order, generator_settings, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    generator_settings.GENERATION_WEBHOOK_URL = f"http://127.0.0.1:{port}/hook"
    client.force_login(expert_user)
    _generate(client, processing_order, capture=django_capture_on_commit_callbacks)
    processing_order.refresh_from_db()
    assert (
        processing_order.reading.generation_error
        == "Le générateur est injoignable : réessayez plus tard."
    )


def test_a_slow_generator_times_out_with_a_visible_error(
    client, expert_user, processing_order, generator_settings, django_capture_on_commit_callbacks
):
    generator_settings.GENERATION_TIMEOUT_SECONDS = 0.2
    release = threading.Event()
    client.force_login(expert_user)
    try:
        with Generator(block=release) as fake:
            generator_settings.GENERATION_WEBHOOK_URL = fake.url
            _generate(client, processing_order, capture=django_capture_on_commit_callbacks)
            release.set()
    finally:
        release.set()
    processing_order.refresh_from_db()
    assert processing_order.reading.generation_error == (
        "Le générateur n’a pas répondu à temps : réessayez plus tard."
    )


def test_generate_without_a_configured_generator_is_refused(
    client, expert_user, processing_order, django_capture_on_commit_callbacks
):
    client.force_login(expert_user)
    response = _generate(client, processing_order, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    processing_order.refresh_from_db()
    assert processing_order.reading_or_none is None
    page = client.get(f"/desk/commande/{processing_order.public_id}/").content.decode()
    assert "Aucun générateur n’est configuré" in page
    assert "Générer</button>" not in page


def test_instructions_too_long_come_back_as_typed_with_the_message_at_the_field(
    client, expert_user, processing_order, generator_settings
):
    generator_settings.GENERATION_WEBHOOK_URL = "http://127.0.0.1:9/never-called"
    client.force_login(expert_user)
    typed = "Insister sur la lune. " * 200  # 4,400 characters
    response = client.post(
        f"/desk/commande/{processing_order.public_id}/generer/", {"instructions": typed}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "comporte au plus 4000 caractères" in page
    assert "Insister sur la lune." in page
    processing_order.refresh_from_db()
    assert processing_order.reading_or_none is None  # nothing asked of the generator


def test_only_the_assigned_expert_may_generate(
    client, other_expert_user, processing_order, generator_settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    generator_settings.GENERATION_WEBHOOK_URL = "http://127.0.0.1:9/never-called"
    client.force_login(other_expert_user)
    _generate(client, processing_order, capture=django_capture_on_commit_callbacks)
    processing_order.refresh_from_db()
    assert processing_order.reading_or_none is None


def test_instructions_sent_for_someone_elses_order_get_that_reason_whatever_they_hold(
    client, other_expert_user, processing_order, generator_settings
):
    generator_settings.GENERATION_WEBHOOK_URL = "http://127.0.0.1:9/never-called"
    client.force_login(other_expert_user)
    for typed in ["Ton doux.", "Insister sur la lune. " * 200]:
        response = client.post(
            f"/desk/commande/{processing_order.public_id}/generer/",
            {"instructions": typed},
            follow=True,
        )
        page = response.content.decode()
        assert "Cette commande est prise en charge par un autre expert." in page
        assert "4000" not in page
    processing_order.refresh_from_db()
    assert processing_order.reading_or_none is None


# --- Callback ------------------------------------------------------------------------------------

CONTENT = {
    "archetype": "La Prêtresse",
    "reading": "Une lecture générée.",
    "ritual": "Un rituel de pleine lune.",
}


def _callback(client, order_id, payload, *, secret=SECRET, timestamp=None, signature=None):
    body = json.dumps(payload).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"HTTP_X_LUMIRA_TIMESTAMP": str(timestamp)}
    signature = signature if signature is not None else generation.sign(body, timestamp, secret)
    if signature:
        headers["HTTP_X_LUMIRA_SIGNATURE"] = signature
    return client.post(
        f"/api/generation/callback/{order_id}",
        data=body,
        content_type="application/json",
        **headers,
    )


def test_a_valid_callback_stores_the_content_and_submits_it(
    client, processing_order, generator_settings
):
    response = _callback(client, processing_order.public_id, CONTENT)
    assert response.status_code == 200
    assert response.json() == {"status": "awaiting_validation", "duplicate": False}
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.AWAITING_VALIDATION
    assert text_of(processing_order, "reading") == "Une lecture générée."
    event = processing_order.events.last()
    assert (event.to_status, event.source, event.actor) == (
        "awaiting_validation",
        "generator",
        None,
    )


def test_a_repeated_callback_changes_nothing(client, processing_order, generator_settings):
    body = json.dumps(CONTENT).encode()
    timestamp = int(time.time())
    signature = generation.sign(body, timestamp, SECRET)
    first = _callback(client, processing_order.public_id, CONTENT, timestamp=timestamp)
    again = _callback(
        client, processing_order.public_id, CONTENT, timestamp=timestamp, signature=signature
    )
    assert first.status_code == again.status_code == 200
    assert again.json() == {"status": "duplicate", "duplicate": True}
    assert processing_order.events.count() == 2  # claim, then one submission
    assert GenerationCallback.objects.count() == 1
    # A fresh signature for an order that no longer waits for content is refused, unchanged.
    later = _callback(client, processing_order.public_id, {**CONTENT, "reading": "Autre"})
    assert later.status_code == 409
    assert later.json()["code"] == "INVALID_STATE"
    processing_order.refresh_from_db()
    assert text_of(processing_order, "reading") == "Une lecture générée."
    assert processing_order.events.count() == 2


@pytest.mark.parametrize(
    "tamper",
    ["missing", "wrong_secret", "tampered_body", "old_timestamp", "garbage"],
)
def test_a_bad_or_missing_signature_is_400_with_no_change(
    client, processing_order, generator_settings, tamper
):
    body = json.dumps(CONTENT).encode()
    now = int(time.time())
    signature = {
        "missing": "",
        "wrong_secret": generation.sign(body, now, "another-secret"),
        "tampered_body": generation.sign(json.dumps({**CONTENT, "x": 1}).encode(), now, SECRET),
        "old_timestamp": generation.sign(body, now - 3600, SECRET),
        "garbage": "sha256=zz",
    }[tamper]
    timestamp = now - 3600 if tamper == "old_timestamp" else now
    response = _callback(
        client, processing_order.public_id, CONTENT, timestamp=timestamp, signature=signature
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "Signature absente, invalide ou expirée.",
        "code": "INVALID_SIGNATURE",
    }
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PROCESSING
    assert text_of(processing_order, "reading") == ""
    assert processing_order.events.count() == 1


def test_callbacks_are_refused_when_no_secret_is_configured(client, processing_order):
    response = _callback(client, processing_order.public_id, CONTENT, secret="")
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_SIGNATURE"


def test_a_callback_for_an_unknown_order_is_404(client, generator_settings):
    import uuid

    response = _callback(client, uuid.uuid4(), CONTENT)
    assert response.status_code == 404
    assert response.json()["code"] == "ORDER_NOT_FOUND"


def test_an_incomplete_callback_stores_nothing_and_tells_the_expert(
    client, expert_user, processing_order, generator_settings
):
    response = _callback(client, processing_order.public_id, {"reading": "Seulement ceci."})
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_PARAMETER"
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PROCESSING
    assert text_of(processing_order, "reading") == ""
    assert "contenu incomplet" in processing_order.reading.generation_error
    client.force_login(expert_user)
    page = client.get(f"/desk/commande/{processing_order.public_id}/").content.decode()
    assert "manque : archétype, rituel" in page


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ([1, 2], "INVALID_JSON"),
        ({"reading": 12, "archetype": "A", "ritual": "R"}, "INVALID_PARAMETER"),
        ({**CONTENT, "mandala": "<oops"}, "INVALID_PARAMETER"),
    ],
)
def test_a_malformed_callback_is_a_clear_400(
    client, processing_order, generator_settings, payload, code
):
    response = _callback(client, processing_order.public_id, payload)
    assert response.status_code == 400
    assert response.json()["code"] == code
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PROCESSING


def test_the_callback_sanitises_the_mandala(client, expert_user, generator_settings):
    from orders import services

    order = factories.OrderFactory(ready=True, offer_level=4)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    payload = {
        **CONTENT,
        "blockages_analysis": "B",
        "soul_profile": "S",
        "mandala": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="3"/>'
        "<script>alert(2)</script></svg>",
    }
    assert _callback(client, order.public_id, payload).status_code == 200
    order.refresh_from_db()
    assert "<circle" in text_of(order, "mandala")
    assert "alert" not in text_of(order, "mandala")


def test_the_callback_answers_get_with_405(client):
    import uuid

    response = client.get(f"/api/generation/callback/{uuid.uuid4()}")
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"


def test_a_generator_away_is_asked_again_later_with_the_same_idempotency_key(
    client, expert_user, processing_order, generator_settings, task_queue, time_machine
):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(expert_user)
    time_machine.move_to(timezone.now(), tick=False)
    with Generator(status=503) as away:
        generator_settings.GENERATION_WEBHOOK_URL = away.url
        client.post(
            f"/desk/commande/{processing_order.public_id}/generer/", {"instructions": "Doux."}
        )
        assert away.requests == []
        task_queue()  # the request left the expert's page; the worker makes the call
    processing_order.refresh_from_db()
    assert processing_order.reading.generation_error == (
        "Le générateur a refusé la demande (HTTP 503)."
    )
    with Generator() as back:
        generator_settings.GENERATION_WEBHOOK_URL = back.url
        task_queue()
        assert back.requests == []  # the retry waits its backoff
        time_machine.shift(timedelta(seconds=31))
        task_queue()
    [first], [second] = away.requests, back.requests
    key = first["headers"]["Idempotency-Key"]
    assert key.startswith(f"{processing_order.public_id}:")
    assert second["headers"]["Idempotency-Key"] == key
