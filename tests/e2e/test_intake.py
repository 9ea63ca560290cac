"""After paying, a client answers the intake form and sends a photo, in a real browser."""

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from orders.models import Order
from tests.e2e.test_purchase import fill_checkout, pay
from tests.sanctuaire.helpers import gps_of, image_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Quel chemin prendre pour mon travail cette année ?"


def test_a_client_fills_the_intake_form_with_a_photo(journey, tmp_path):
    photo = tmp_path / "mes-mains.jpg"
    photo.write_bytes(image_bytes("JPEG", (320, 240), gps=True))
    assert gps_of(photo.read_bytes())  # the phone's position is in the file we send
    fake = tmp_path / "notes.png"
    fake.write_text("Ceci n’est pas une image.")

    page = journey.page
    journey.go("/commande/?offer=mystique")
    fill_checkout(journey, "intake@example.com")
    pay(journey, "4242 4242 4242 4242")
    page.wait_for_url("**/confirmation/**")
    page.get_by_role("link", name="Remplir mon formulaire").click()
    page.wait_for_url("**/formulaire/")
    journey.shoot("intake-empty")

    page.get_by_label("Date de naissance").fill("1990-05-17")
    page.get_by_label("Heure de naissance").fill("08:30")
    page.get_by_label("Lieu de naissance").fill("Lyon, France")
    page.get_by_label("Votre question").fill(QUESTION)
    page.get_by_label("Contexte particulier").fill("Un déménagement en vue")
    page.get_by_label("Masculine").check()
    page.get_by_label("Photos (facultatif)").set_input_files(str(fake))
    page.locator("#id_data_consent").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()

    # The refusal is announced at the photo field; every other answer is still there.
    photo_errors = page.locator("#id_photos_error")
    assert "« notes.png » n’est pas une image JPEG, PNG, GIF ou WebP lisible." in (
        photo_errors.inner_text()
    )
    assert photo_errors.get_attribute("role") == "alert"
    assert page.get_by_label("Photos (facultatif)").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Lieu de naissance").input_value() == "Lyon, France"
    assert page.get_by_label("Votre question").input_value() == QUESTION
    assert page.get_by_label("Date de naissance").input_value() == "1990-05-17"
    assert page.get_by_label("Masculine").is_checked()
    journey.shoot("intake-bad-photo")
    order = Order.objects.get(email="intake@example.com")
    assert order.intake_submitted_at is None
    assert not order.photos.exists()

    page.get_by_label("Photos (facultatif)").set_input_files(str(photo))
    expect(page.locator("#photo-previews img")).to_have_count(1)  # a preview before sending
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url("**/formulaire/envoye/")
    assert page.locator("h1").inner_text() == "Merci, vos réponses sont envoyées"
    # Where the order stands now, and by when it arrives (SPEC §9).
    assert "Formulaire reçu" in page.locator(".client-status").inner_text()
    journey.shoot("intake-next-step")
    page.get_by_role("link", name="Modifier mes réponses").click()
    page.wait_for_url("**/formulaire/")
    # The click returns once the next page starts; its photo shows a moment later.
    expect(page.get_by_role("img", name="Votre photo 1")).to_be_visible()
    journey.shoot("intake-sent")

    order.refresh_from_db()
    assert order.intake_submitted_at is not None
    assert order.birth_place == "Lyon, France"
    assert order.question == QUESTION
    assert order.audio_voice == Order.AudioVoice.MASCULINE
    (stored,) = order.photos.all()
    assert (stored.content_type, stored.width, stored.height) == ("image/jpeg", 320, 240)
    with default_storage.open(stored.file.name, "rb") as handle:
        assert gps_of(handle.read()) == {}  # re-encoded without the position
