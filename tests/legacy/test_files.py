"""The old system's files, fetched when the import is given a base URL (SPEC §10, §11).

A real HTTP server on the loopback plays the old storage; nothing leaves the machine. Tasks run
with the immediate backend, as part of the import's batch.
"""

import io
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from PIL import Image

from legacy.files import download_files, references
from legacy.importer import import_legacy
from legacy.models import LegacyFile
from legacy.readers import DumpReader
from orders.models import Order, OrderPhoto
from tests.legacy.conftest import content, legacy_order, oid, write_dump

pytestmark = pytest.mark.django_db

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "purple").save(buffer, format="JPEG")
    return buffer.getvalue()


ROUTES = {
    "/old/uploads/visage.jpg": jpeg(),
    "/old/uploads/page.jpg": b"<html>not a photo</html>",
    "/old/audio/lecture.wav": WAV,
    "/old/pdf/lecture.pdf": PDF,
}


class Storage(BaseHTTPRequestHandler):
    requests: Counter = Counter()

    def do_GET(self) -> None:
        Storage.requests[self.path] += 1
        body = ROUTES.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def old_storage():
    Storage.requests = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Storage)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    with override_settings(GENERATION_FILES_ALLOW_LOCAL=True):
        yield f"http://127.0.0.1:{server.server_address[1]}/old/"
    server.shutdown()
    server.server_close()


def photo(key: str) -> dict:
    return {
        "name": key.rsplit("/", 1)[-1],
        "url": f"https://files.oraclelumira.com/{key}",
        "key": key,
        "contentType": "image/jpeg",
        "type": "face_photo",
    }


@pytest.fixture
def dump(tmp_path):
    generated = content(3)
    generated["audioUrl"] = "https://files.oraclelumira.com/audio/lecture.wav"
    generated["pdfUrl"] = "https://files.oraclelumira.com/pdf/lecture.pdf"
    orders = [
        legacy_order(
            _id=oid(),
            orderNumber="LU250110-000042",
            level=3,
            amount=7900,
            status="processing",
            generatedContent=generated,
            files=[photo("uploads/visage.jpg"), photo("uploads/page.jpg")],
        ),
        legacy_order(
            _id=oid(),
            orderNumber="LU250110-000043",
            files=[photo("uploads/gone.jpg")],
        ),
    ]
    return write_dump(tmp_path / "dump", {"orders": orders})


def run(dump, base_url: str = ""):
    return import_legacy(DumpReader(dump, "lumira-mvp"), files_base_url=base_url)


def states() -> dict[str, tuple[str, str]]:
    return {row.path: (row.state, row.reason) for row in LegacyFile.objects.all()}


def test_the_files_are_fetched_checked_and_stored_privately(dump, old_storage):
    report = run(dump, old_storage)

    assert report["orders"].created == 2
    assert report.files_queued == 5
    found = states()
    assert found["uploads/visage.jpg"] == ("stored", "")
    assert found["audio/lecture.wav"] == ("stored", "")
    assert found["pdf/lecture.pdf"] == ("stored", "")
    order = Order.objects.get(number="LU250110-000042")
    (stored,) = OrderPhoto.objects.filter(order=order)
    assert stored.content_type == "image/jpeg"
    assert (stored.width, stored.height) == (8, 6)
    assert "visage" not in stored.file.name  # a random private name, as an upload gets
    assert default_storage.open(order.reading.audio.name).read() == WAV
    assert default_storage.open(order.reading.pdf.name).read() == PDF
    assert order.reading.pdf.name.endswith(".pdf")


def test_a_file_that_is_not_what_it_claims_is_refused_and_recorded(dump, old_storage):
    run(dump, old_storage)

    state, reason = states()["uploads/page.jpg"]
    assert state == "refused"
    assert "n’est pas une image" in reason
    assert OrderPhoto.objects.count() == 1


def test_a_missing_file_is_recorded_and_the_import_goes_on(dump, old_storage):
    out = StringIO()
    call_command(
        "import_legacy",
        "--dump",
        str(dump),
        "--files-base-url",
        old_storage,
        "--report",
        str(dump / "report.json"),
        stdout=out,
    )

    assert states()["uploads/gone.jpg"] == ("refused", "HTTP 404")
    assert Order.objects.filter(number="LU250110-000043").exists()
    assert "fichiers à télécharger en tâche de fond : 5" in out.getvalue()


def test_a_rerun_or_a_second_task_run_stores_each_file_once(dump, old_storage):
    run(dump, old_storage)
    order = Order.objects.get(number="LU250110-000042")
    audio = order.reading.audio.name

    report = run(dump, old_storage)
    download_files.call(order.pk, old_storage)

    stored = ["/old/uploads/visage.jpg", "/old/audio/lecture.wav", "/old/pdf/lecture.pdf"]
    assert [Storage.requests[path] for path in stored] == [1, 1, 1]
    assert report.files_queued == 2  # only the refused ones are tried again
    assert OrderPhoto.objects.count() == 1
    assert LegacyFile.objects.count() == 5
    order.reading.refresh_from_db()
    assert order.reading.audio.name == audio


def test_without_a_base_url_nothing_is_fetched(dump, old_storage):
    report = run(dump)

    assert report["orders"].created == 2
    assert report.files_queued == 0
    assert not LegacyFile.objects.exists()
    assert not Storage.requests


def test_a_dry_run_fetches_nothing(dump, old_storage):
    import_legacy(DumpReader(dump, "lumira-mvp"), dry_run=True, files_base_url=old_storage)

    assert not Storage.requests
    assert not LegacyFile.objects.exists()


def test_the_base_url_must_be_https_outside_tests(dump):
    report = run(dump, "http://127.0.0.1:9/old/")

    assert states()["uploads/visage.jpg"] == ("refused", "only https URLs are fetched")
    assert report["orders"].created == 2


def test_references_take_the_key_else_the_urls_path():
    document = legacy_order(
        files=[{"url": "https://x.example/uploads/a b.jpg"}, {"key": "/uploads/c.png"}, "junk"],
        generatedContent={"audioUrl": "https://x.example/audio/l.mp3", "pdfUrl": ""},
    )
    assert references(document) == [
        ("photo", "uploads/a b.jpg"),
        ("photo", "uploads/c.png"),
        ("audio", "audio/l.mp3"),
    ]


def test_admins_see_each_files_outcome(dump, old_storage, client, django_user_model):
    run(dump, old_storage)
    admin = django_user_model.objects.create_superuser("admin@example.com", password="x")
    client.force_login(admin)

    page = client.get("/admin/legacy/legacyfile/?state__exact=refused")

    assert page.status_code == 200
    assert "uploads/gone.jpg" in page.text
    assert "HTTP 404" in page.text
    assert "uploads/visage.jpg" not in page.text
