"""A client opens the magic link from the email and reads a delivered level-4 reading."""

import io
import wave

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from experts.services import save_content
from orders import services
from orders.models import Order
from tests.factories import ExpertFactory, OrderFactory
from tests.sanctuaire.helpers import link_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANDALA = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="400" height="400">'
    '<circle cx="100" cy="100" r="90" fill="none" stroke="#D4AF37" stroke-width="3"/>'
    '<circle cx="100" cy="100" r="60" fill="none" stroke="#B79CED" stroke-width="3"/>'
    '<circle cx="100" cy="100" r="20" fill="#E9CF7A"/></svg>'
)


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


def delivered_order(email: str) -> Order:
    """A level-4 order taken through the real desk services: paid, prepared, approved."""
    order = OrderFactory(
        offer_level=4,
        email=email,
        first_name="Léa",
        last_name="Martin",
        intake_submitted_at=timezone.now(),
    )
    services.mark_paid(order, source="test")
    order.refresh_from_db()
    expert = ExpertFactory(name="Séléné")
    services.claim(order, expert=expert, actor=expert.user)
    save_content(
        order,
        expert=expert,
        texts={
            "archetype": "L’Alchimiste",
            "reading": "Votre chemin s’ouvre vers l’ouest.",
            "ritual": "Allumez une bougie blanche le soir de la pleine lune.",
            "blockages_analysis": "La peur de quitter ce qui est connu.",
            "soul_profile": "Une âme de passeuse, entre deux rives.",
            "mandala": MANDALA,
        },
        files={
            "audio": SimpleUploadedFile("audio.wav", wav_bytes(), content_type="audio/wav"),
            "pdf": SimpleUploadedFile("lecture.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
        },
    )
    order.refresh_from_db()
    services.submit_for_validation(order, actor=expert.user)
    services.approve(order, validator=ExpertFactory(name="Orion").user)
    order.refresh_from_db()
    return order


def test_a_client_logs_in_by_email_link_and_reads_a_delivered_reading(journey):
    order = delivered_order("lea@example.com")
    assert order.status == Order.Status.COMPLETED
    mail.outbox.clear()

    page = journey.page
    journey.go("/sanctuaire/connexion/")
    journey.shoot("login")
    # The address field has the focus on arrival: type, then Enter.
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.keyboard.type("lea@example.com")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sanctuaire/connexion/envoye/")
    journey.shoot("link-sent")

    (message,) = mail.outbox
    assert message.to == ["lea@example.com"]
    journey.go(link_in(message, "/sanctuaire/connexion/"))
    # Opening the link logs nobody in (mail scanners open links too): a button does.
    assert "lea@example.com" in page.locator("main").inner_text()
    journey.shoot("magic-link")
    page.get_by_role("button", name="Entrer dans mon Sanctuaire").click()

    # The order gave a name but no birth date: the profile comes first.
    page.wait_for_url("**/sanctuaire/profil/**")
    assert page.get_by_label("Prénom").input_value() == "Léa"
    journey.shoot("profile")
    page.get_by_label("Date de naissance").fill("1990-05-17")
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(journey.base_url + "/sanctuaire/")
    assert "Bienvenue, Léa" in page.locator("h1").inner_text()
    card = page.locator("article.order-card", has_text=order.number)
    assert "Livrée" in card.locator(".status").inner_text()
    journey.shoot("dashboard")

    card.get_by_role("link", name="Lire ma lecture").click()
    page.wait_for_url(f"**/sanctuaire/commandes/{order.public_id}/")
    main = page.locator("main").inner_text()
    for text in [
        "Votre chemin s’ouvre vers l’ouest.",
        "Allumez une bougie blanche le soir de la pleine lune.",
        "La peur de quitter ce qui est connu.",
        "Une âme de passeuse, entre deux rives.",
    ]:
        assert text in main
    mandala = page.get_by_role("img", name="Votre mandala personnel")
    mandala.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=mandala.element_handle()
    )
    assert page.locator("#section-audio audio").get_attribute("src").endswith("/audio/")
    journey.shoot("reading")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger ma lecture (PDF)").click()
    assert download.value.suggested_filename == f"lecture-{order.number}.pdf"
