"""Audio and PDF uploads: checked by content, stored privately, served on the desk only."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from experts import files
from orders import services
from orders.sections import BY_NAME
from tests import factories

pytestmark = pytest.mark.django_db

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64
OGG = b"OggS\x00\x02" + b"\x00" * 60
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def level_four_order(expert_user):
    order = factories.OrderFactory(ready=True, offer_level=4)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    return order


@pytest.mark.parametrize(
    ("data", "kind"),
    [(MP3, "mp3"), (OGG, "ogg"), (WAV, "wav"), (M4A, "m4a"), (b"\xff\xfb\x90\x00" * 8, "mp3")],
)
def test_audio_is_recognised_by_its_bytes(data, kind):
    assert files.detect_audio(SimpleUploadedFile("anything.bin", data)) == kind


@pytest.mark.parametrize(
    "data", [b"<html><script>alert(1)</script>", PDF, b"", b"RIFF\x00\x00\x00\x00AVI LIST"]
)
def test_other_bytes_are_not_audio(data):
    assert files.detect_audio(SimpleUploadedFile("lecture.mp3", data)) is None


def test_a_pdf_needs_its_header_and_its_end_marker():
    assert files.is_pdf(SimpleUploadedFile("x.pdf", PDF))
    assert not files.is_pdf(SimpleUploadedFile("x.pdf", b"%PDF-1.7\n(truncated"))
    assert not files.is_pdf(SimpleUploadedFile("x.pdf", b"<html>%%EOF"))


def test_uploads_are_stored_under_a_random_name_with_the_detected_type(
    client, expert_user, level_four_order
):
    client.force_login(expert_user)
    response = client.post(
        f"/desk/commande/{level_four_order.public_id}/contenu/",
        {
            "audio": SimpleUploadedFile("../../etc/voix.pdf", OGG, content_type="audio/mpeg"),
            "pdf": SimpleUploadedFile("lecture finale.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    level_four_order.refresh_from_db()
    assert level_four_order.reading.audio.name.startswith("audio/")
    assert level_four_order.reading.audio.name.endswith(".ogg")
    assert "voix" not in level_four_order.reading.audio.name
    assert level_four_order.reading.pdf.name.endswith(".pdf")
    assert default_storage.exists(level_four_order.reading.pdf.name)

    audio = client.get(f"/desk/commande/{level_four_order.public_id}/audio/")
    assert audio["Content-Type"] == "audio/ogg"
    assert b"".join(audio.streaming_content) == OGG
    pdf = client.get(f"/desk/commande/{level_four_order.public_id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{level_four_order.number}.pdf"'
    assert pdf["X-Content-Type-Options"] == "nosniff"


def test_a_replaced_file_is_deleted_after_the_commit(
    client, expert_user, level_four_order, django_capture_on_commit_callbacks
):
    client.force_login(expert_user)
    url = f"/desk/commande/{level_four_order.public_id}/contenu/"
    client.post(url, {"pdf": SimpleUploadedFile("a.pdf", PDF)})
    level_four_order.refresh_from_db()
    first = level_four_order.reading.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"pdf": SimpleUploadedFile("b.pdf", PDF)})
    level_four_order.refresh_from_db()
    assert level_four_order.reading.pdf.name != first
    assert not default_storage.exists(first)
    assert default_storage.exists(level_four_order.reading.pdf.name)


def test_a_disguised_file_is_refused_at_the_field(client, expert_user, level_four_order):
    client.force_login(expert_user)
    response = client.post(
        f"/desk/commande/{level_four_order.public_id}/contenu/",
        {
            "reading": "Texte gardé à l’écran",
            "audio": SimpleUploadedFile("voix.mp3", b"<script>alert(1)</script>"),
            "pdf": SimpleUploadedFile("lecture.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Ce fichier n’est pas un audio MP3, OGG, WAV ou M4A lisible." in body
    assert "Ce fichier n’est pas un PDF valide." in body
    assert "Texte gardé à l’écran" in body
    level_four_order.refresh_from_db()
    assert level_four_order.reading_or_none is None  # nothing was saved
    assert not default_storage.exists("audio")


def test_an_oversized_pdf_is_refused(client, expert_user, level_four_order):
    client.force_login(expert_user)
    too_big = PDF[:-7] + b" " * BY_NAME["pdf"].max_bytes + b"%%EOF\n"
    response = client.post(
        f"/desk/commande/{level_four_order.public_id}/contenu/",
        {"pdf": SimpleUploadedFile("lecture.pdf", too_big)},
    )
    assert response.status_code == 400
    assert "Fichier trop lourd" in response.content.decode()


def test_files_of_a_lower_level_order_are_not_accepted(client, expert_user, processing_order):
    client.force_login(expert_user)
    client.post(
        f"/desk/commande/{processing_order.public_id}/contenu/",
        {"archetype": "A", "pdf": SimpleUploadedFile("lecture.pdf", PDF)},
    )
    processing_order.refresh_from_db()
    assert processing_order.reading.texts == {"archetype": "A"}
    assert not processing_order.reading.pdf


def test_missing_files_are_404(client, expert_user, level_four_order):
    client.force_login(expert_user)
    assert client.get(f"/desk/commande/{level_four_order.public_id}/audio/").status_code == 404
    assert client.get(f"/desk/commande/{level_four_order.public_id}/pdf/").status_code == 404
