"""Two experts at the desk: one prepares a reading, the other rejects it, then approves it."""

import pytest
from django.core import mail
from django.utils import timezone

from orders import services
from orders.models import Order
from tests.e2e.conftest import new_journey
from tests.factories import ExpertFactory, OrderFactory

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
    journey, browser, live_server
):
    selene = ExpertFactory(name="Séléné", user__username="selene@example.com")
    ExpertFactory(name="Orion", user__username="orion@example.com")
    order = OrderFactory(
        offer_level=3,
        first_name="Camille",
        question="Dois-je accepter ce nouveau poste à Bordeaux ?",
        birth_place="Nantes, France",
        intake_submitted_at=timezone.now(),
    )
    services.mark_paid(order, source="test")
    order.refresh_from_db()

    # The first expert logs in, finds the order and claims it with the keyboard alone.
    page = journey.page
    journey.go("/desk/connexion/")
    journey.shoot("desk-login")
    log_in(journey, "selene@example.com")
    card = page.locator("li.order-card", has_text=order.number)
    assert "Dois-je accepter ce nouveau poste à Bordeaux ?" in card.inner_text()
    journey.shoot("queue")
    claim_with_the_keyboard(journey, order.number)
    assert f"Commande {order.number} prise en charge." in page.get_by_role("status").inner_text()
    journey.shoot("claimed")

    # The editor shows the sections of a level-3 reading, and no more.
    assert page.get_by_label("Analyse des blocages").is_visible()
    assert page.get_by_label("Profil d’âme").count() == 0
    page.get_by_label("Archétype").fill("L’Alchimiste")
    page.get_by_label("Lecture", exact=True).fill("Votre chemin s’ouvre vers l’ouest.")
    page.get_by_label("Rituel").fill("Allumez une bougie blanche le soir de la pleine lune.")
    page.get_by_label("Analyse des blocages").fill("La peur de quitter ce qui est connu.")
    page.get_by_role("button", name="Enregistrer le contenu").click()
    assert "Contenu enregistré." in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Soumettre pour validation").click()
    page.wait_for_url("**/desk/")
    assert "envoyée en validation" in page.get_by_role("status").inner_text()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_VALIDATION

    # A second expert reviews it and sends it back with a reason.
    reviewer, context = new_journey(browser, live_server, journey.name + "-validation")
    try:
        log_in(reviewer, "orion@example.com")
        review = reviewer.page
        reviewer.go("/desk/validation/")
        reviewer.shoot("validation-queue")
        # On a phone the table scrolls sideways, with the keyboard too.
        review.set_viewport_size({"width": 390, "height": 900})
        table = review.get_by_role("region", name="Commandes en attente de validation")
        table.focus()
        review.keyboard.press("ArrowRight")
        review.wait_for_function("el => el.scrollLeft > 0", arg=table.element_handle())
        review.set_viewport_size({"width": 1280, "height": 900})
        review.get_by_role("link", name=order.number, exact=True).click()
        assert "Votre chemin s’ouvre vers l’ouest." in review.locator("main").inner_text()
        reviewer.shoot("review")
        review.get_by_role("button", name="Renvoyer à l’expert").click()
        error = review.locator("#id_reason_error")
        assert "Indiquez le motif du rejet : l’expert le lira." in error.inner_text()
        reviewer.shoot("reject-without-reason")
        review.get_by_label("Motif du rejet").fill(REASON)
        review.get_by_role("button", name="Renvoyer à l’expert").click()
        review.wait_for_url("**/desk/validation/")
        assert "renvoyée à l’expert avec votre motif" in review.get_by_role("status").inner_text()
        order.refresh_from_db()
        assert (order.status, order.reading.revision_count) == (Order.Status.PROCESSING, 1)

        # The first expert reads the reason, fixes the reading and submits again.
        journey.go("/desk/")
        page.get_by_role("link", name=order.number, exact=True).click()
        rejection = page.locator(".rejection")
        assert REASON in rejection.inner_text()
        journey.shoot("rejected")
        page.get_by_label("Lecture", exact=True).fill(
            "Votre chemin s’ouvre vers l’ouest : ce poste à Bordeaux vous appelle."
        )
        page.get_by_role("button", name="Enregistrer le contenu").click()
        page.get_by_role("button", name="Soumettre pour validation").click()
        page.wait_for_url("**/desk/")

        # The second expert approves: the reading is delivered.
        reviewer.go("/desk/validation/")
        review.get_by_role("link", name=order.number, exact=True).click()
        assert "ce poste à Bordeaux vous appelle" in review.locator("main").inner_text()
        review.get_by_label("Notes de validation (facultatif)").fill("Bien plus juste.")
        review.get_by_role("button", name="Valider et livrer").click()
        review.wait_for_url("**/desk/validation/")
        assert "validée et livrée" in review.get_by_role("status").inner_text()
        reviewer.shoot("approved")
    finally:
        context.close()

    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.assigned_expert == selene
    assert order.reading.validated_by.username == "orion@example.com"
    assert order.reading.validation_notes == "Bien plus juste."
    assert list(order.events.values_list("to_status", flat=True)) == [
        "paid",
        "processing",
        "awaiting_validation",
        "processing",
        "awaiting_validation",
        "completed",
    ]
    assert [message.to for message in mail.outbox][-1] == [order.email]
    journey.go(f"/desk/commande/{order.public_id}/")
    assert "Livrée le" in page.locator(".desk-actions").inner_text()
    journey.shoot("delivered")
