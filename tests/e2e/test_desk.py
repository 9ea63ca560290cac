"""Two experts at the desk: one prepares a reading, the other rejects it, then approves it."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from orders import services
from orders.models import Order
from tests.e2e.conftest import new_journey
from tests.e2e.test_sanctuaire import MANDALA, wav_bytes
from tests.factories import ExpertFactory, OrderFactory
from tests.sanctuaire.helpers import make_client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "La lecture ne répond pas à la question posée sur le travail."


def log_in(journey, email: str) -> None:
    page = journey.page
    journey.go("/desk/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("motdepasse-lumira")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/desk/")


def claim_with_the_keyboard(journey, number: str) -> None:
    """From the top of the queue: the skip link, then Tab to the claim button, then Enter."""
    page = journey.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    button = f"Prendre la commande {number}"
    for _press in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == button:
            break
    assert focused == button
    journey.shoot("claim-focused")  # the focus ring must show on the button
    assert page.evaluate("document.activeElement.textContent.trim()") == button
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/commande/*/")


def test_an_order_goes_from_the_queue_to_the_client_through_two_experts(
    journey, browser, live_server, tmp_path
):
    selene = ExpertFactory(name="Séléné", user__username="selene@example.com")
    ExpertFactory(name="Orion", user__username="orion@example.com")
    order = OrderFactory(
        offer_level=4,
        first_name="Camille",
        email="camille@example.com",
        question="Dois-je accepter ce nouveau poste à Bordeaux ?",
        birth_place="Nantes, France",
        intake_submitted_at=timezone.now(),
    )
    services.mark_paid(order, source="test")
    order.refresh_from_db()
    mandala = tmp_path / "mandala.svg"
    mandala.write_text(MANDALA)
    audio = tmp_path / "voix.wav"
    audio.write_bytes(wav_bytes())

    # The first expert logs in, finds the order and claims it with the keyboard alone.
    page = journey.page
    journey.go("/desk/connexion/")
    journey.shoot("desk-login")
    log_in(journey, "selene@example.com")
    card = page.locator("li.order-card", has_text=order.number)
    assert "Dois-je accepter ce nouveau poste à Bordeaux ?" in card.inner_text()
    assert "à livrer avant le" in card.inner_text()
    journey.shoot("queue")
    claim_with_the_keyboard(journey, order.number)
    assert f"Commande {order.number} prise en charge." in page.get_by_role("status").inner_text()
    journey.shoot("claimed")

    # One form for every section of a level-4 reading; nothing saved before "Enregistrer et
    # soumettre", and nothing lost.
    page.get_by_label("Archétype").fill("L’Alchimiste")
    assert "12 / 160" in page.locator('[data-counter-for="id_archetype"]').inner_text()
    page.get_by_label("Lecture", exact=True).fill("Votre chemin s’ouvre.")
    page.get_by_label("Rituel").fill("Allumez une bougie blanche le soir de la pleine lune.")
    page.get_by_label("Analyse des blocages").fill("La peur de quitter ce qui est connu.")
    page.get_by_label("Profil d’âme").fill("Une âme de passeuse, entre deux rives.")
    page.get_by_label("Fichier audio").set_input_files(str(audio))
    page.get_by_label("…ou un fichier SVG").set_input_files(str(mandala))
    preview = page.locator("img[data-svg-preview]")
    page.wait_for_function(
        "img => !img.hidden && img.naturalWidth > 0", arg=preview.element_handle()
    )
    assert "<circle" in page.get_by_label("Mandala (code SVG)").input_value()
    journey.shoot("editor-filled")
    # Leaving now would lose the text: the browser asks first.
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.evaluate("window.location.href = '/desk/'")
    assert asked.value.type == "beforeunload"
    assert "/commande/" in page.url
    page.get_by_role("button", name="Enregistrer et soumettre").click()
    page.wait_for_url("**/desk/")
    assert "envoyée en validation" in page.get_by_role("status").inner_text()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_VALIDATION
    assert order.reading.text("archetype") == "L’Alchimiste"
    assert order.reading.audio

    # A second expert reviews it and sends it back with a reason.
    reviewer, context = new_journey(browser, live_server, journey.name + "-validation")
    try:
        log_in(reviewer, "orion@example.com")
        review = reviewer.page
        reviewer.go("/desk/validation/")
        reviewer.shoot("validation-queue")
        review.get_by_role("link", name=order.number, exact=True).click()
        preview = review.locator(".client-preview")
        assert "Votre chemin s’ouvre." in preview.inner_text()
        reviewer.shoot("review")
        review.get_by_role("button", name="Renvoyer à l’expert").click()
        error = review.locator("#id_reason_error")
        assert "Indiquez le motif du rejet : l’expert le lira." in error.inner_text()
        review.get_by_label("Motif du rejet").fill(REASON)
        review.get_by_role("button", name="Renvoyer à l’expert").click()
        review.wait_for_url("**/desk/validation/")
        assert "renvoyée à l’expert avec votre motif" in review.get_by_role("status").inner_text()

        # The first expert reads the reason, fixes the reading and submits again.
        journey.go("/desk/")
        page.get_by_role("link", name=order.number, exact=True).click()
        assert REASON in page.locator(".rejection").inner_text()
        journey.shoot("rejected")
        page.get_by_label("Lecture", exact=True).fill(
            "Votre chemin s’ouvre vers l’ouest : ce poste à Bordeaux vous appelle."
        )
        page.get_by_role("button", name="Enregistrer et soumettre").click()
        page.wait_for_url("**/desk/")

        # The second expert sees what changed, then approves: the reading is delivered.
        reviewer.go("/desk/validation/")
        review.get_by_role("link", name=order.number, exact=True).click()
        assert "ce poste à Bordeaux vous appelle" in review.locator(".diff ins").first.inner_text()
        assert REASON in review.locator(".rejection-recall").inner_text()
        reviewer.shoot("review-diff")
        review.get_by_label("Notes de validation (facultatif)").fill("Bien plus juste.")
        review.get_by_role("button", name="Valider et livrer").click()
        review.wait_for_url("**/desk/validation/")
        assert "validée et livrée" in review.get_by_role("status").inner_text()
    finally:
        context.close()

    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.assigned_expert == selene
    assert order.reading.validated_by.username == "orion@example.com"
    assert order.reading.pdf_generated
    assert list(order.events.values_list("to_status", flat=True)) == [
        "paid",
        "processing",
        "awaiting_validation",
        "processing",
        "awaiting_validation",
        "completed",
    ]
    assert [message.to for message in mail.outbox][-1] == [order.email]

    # The client reads the approved reading and downloads its PDF.
    client_user = make_client("camille@example.com")
    session = Client()
    session.force_login(client_user)
    reader, context = new_journey(browser, live_server, journey.name + "-client")
    try:
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.cookies[settings.SESSION_COOKIE_NAME].value,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        reader.go(f"/sanctuaire/commandes/{order.public_id}/")
        main = reader.page.locator("main").inner_text()
        assert "ce poste à Bordeaux vous appelle" in main
        assert "Votre chemin s’ouvre.\n" not in main
        reader.shoot("client-reading")
        with reader.page.expect_download() as download:
            reader.page.get_by_role("link", name="Télécharger ma lecture (PDF)").click()
        pdf = PdfReader(download.value.path())
        text = "\n".join(p.extract_text() for p in pdf.pages)
        assert "Camille" in text
        assert "ce poste à Bordeaux vous appelle" in text.replace("\u00a0", " ")
    finally:
        context.close()
