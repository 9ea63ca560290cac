"""A client buys in demo mode, in a real browser."""

import re

import pytest

from orders.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_checkout(journey, email: str) -> None:
    page = journey.page
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label(re.compile(r"^Nom")).fill("Martin")
    page.get_by_role("button", name="Continuer vers le paiement").click()


def pay(journey, number: str) -> None:
    page = journey.page
    page.get_by_label("Numéro de carte").fill(number)
    page.get_by_label("Expiration (MM/AA)").fill("12/34")
    page.get_by_label("Cryptogramme").fill("123")
    page.locator("#id_accept_terms").check()
    page.locator("#id_waive_withdrawal").check()
    page.locator("form.card-form button[type=submit]").click()


def test_a_client_buys_a_reading_in_demo_mode(journey):
    """One offer in the browser; each offer's link and price: tests/orders/test_tunnel.py."""
    page = journey.page
    journey.go("/")
    journey.shoot("landing")
    page.get_by_role("link", name="Choisir Niveau Mystique").click()
    assert "Niveau Mystique" in page.locator("aside.summary").inner_text()
    journey.shoot("checkout")
    fill_checkout(journey, "mystique@example.com")
    assert "Mode démo — aucun paiement réel" in page.content()
    journey.shoot("payment")
    pay(journey, "4242 4242 4242 4242")
    page.wait_for_url("**/confirmation/**")
    assert "Merci pour votre commande" in page.locator("h1").inner_text()
    journey.shoot("confirmation")
    order = Order.objects.get(email="mystique@example.com")
    assert order.status == Order.Status.PAID
    assert order.offer.slug == "mystique"
    assert order.amount_display.startswith("47,00")


def test_the_whole_tunnel_works_with_the_keyboard(journey):
    page = journey.page
    journey.go("/commande/?offer=initie")
    page.get_by_label("Adresse e-mail").focus()
    page.keyboard.type("clavier@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("Léa")
    page.keyboard.press("Tab")
    page.keyboard.type("Martin")
    page.keyboard.press("Tab")  # the expert select keeps its default
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/paiement/")
    page.get_by_label("Numéro de carte").focus()
    page.keyboard.type("4242424242424242")
    page.keyboard.press("Tab")
    page.keyboard.type("12/34")
    page.keyboard.press("Tab")
    page.keyboard.type("123")
    page.keyboard.press("Tab")  # the CGV box
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the link to the CGV, in its label
    page.keyboard.press("Tab")  # the withdrawal box
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the pay button
    page.keyboard.press("Enter")
    page.wait_for_url("**/confirmation/**")
    assert Order.objects.get(email="clavier@example.com").status == Order.Status.PAID
