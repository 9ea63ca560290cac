"""Files the generator hands over as URLs: fetched, checked by content and size (SPEC §8.3).

A real HTTP server on the loopback serves them; nothing leaves the machine.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from experts import downloads

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ROUTES = {
    "/lecture.wav": (200, WAV),
    "/lecture.pdf": (200, PDF),
    "/page.html": (200, b"<html>not audio</html>"),
    "/big.wav": (200, WAV + b"\x00" * 5000),
    "/missing": (404, b""),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/lecture.wav")
            self.end_headers()
            return
        status, body = ROUTES.get(self.path, (404, b""))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def files_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    with override_settings(GENERATION_FILES_ALLOW_LOCAL=True):
        yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_audio_file_is_fetched_and_typed_by_its_content(files_server):
    fetched = downloads.fetch_audio(f"{files_server}/lecture.wav")
    assert (fetched.content, fetched.extension) == (WAV, "wav")
    assert downloads.fetch_pdf(f"{files_server}/lecture.pdf").content == PDF


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/page.html", "not an MP3"),
        ("/missing", "HTTP 404"),
        ("/moved", "redirects are not followed"),
    ],
)
def test_what_is_not_audio_is_refused(files_server, path, reason):
    with pytest.raises(downloads.DownloadRefused) as refused:
        downloads.fetch_audio(files_server + path)
    assert reason in refused.value.reason


def test_a_file_over_the_limit_is_refused_while_reading(files_server):
    with pytest.raises(downloads.DownloadRefused) as refused:
        downloads.fetch(f"{files_server}/big.wav", max_bytes=1000)
    assert "too large" in refused.value.reason


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/lecture.wav",  # not HTTPS
        "https://127.0.0.1/lecture.wav",  # our own machine
        "https://10.0.0.8/lecture.wav",  # a private network
        "https://169.254.169.254/latest/meta-data",  # a cloud metadata address
        "ftp://example.com/lecture.wav",
    ],
)
def test_only_https_to_public_hosts_is_fetched(url):
    with pytest.raises(downloads.DownloadRefused):
        downloads.fetch_audio(url)


# --- Through the generator's callback ------------------------------------------------------------


def test_the_callback_hands_over_the_audio_by_url_and_the_reading_is_submitted_once_fetched(
    client, expert_user, files_server, settings, django_capture_on_commit_callbacks
):
    from orders import services
    from orders.models import Order
    from tests import factories
    from tests.experts.test_generation import CONTENT, SECRET, _callback

    settings.GENERATION_WEBHOOK_SECRET = SECRET
    order = factories.OrderFactory(ready=True, offer_level=3)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    payload = {**CONTENT, "blockages_analysis": "B", "audio_url": f"{files_server}/lecture.wav"}
    with django_capture_on_commit_callbacks(execute=True):
        response = _callback(client, order.public_id, payload)
    assert response.status_code == 200
    assert response.json()["status"] == "processing"  # answered before the download
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_VALIDATION
    assert order.reading.audio.name.endswith(".wav")
    assert order.reading.audio.read() == WAV


def test_a_refused_file_leaves_the_reading_with_the_expert_and_says_why(
    client, expert_user, files_server, settings, django_capture_on_commit_callbacks
):
    from orders import services
    from orders.models import Order
    from tests import factories
    from tests.experts.test_generation import CONTENT, SECRET, _callback

    settings.GENERATION_WEBHOOK_SECRET = SECRET
    order = factories.OrderFactory(ready=True, offer_level=3)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    payload = {**CONTENT, "blockages_analysis": "B", "audio_url": f"{files_server}/page.html"}
    with django_capture_on_commit_callbacks(execute=True):
        _callback(client, order.public_id, payload)
    order.refresh_from_db()
    assert order.status == Order.Status.PROCESSING
    assert not order.reading.audio
    assert "audio n’a pas pu être repris" in order.reading.generation_error
