"""An admin refunds an order from Django admin."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from orders.models import Order
from tests.factories import CONSENT, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def bought_in_demo_mode(email: str) -> Order:
    """An order paid through the tunnel's own views (the browser's part: test_purchase.py)."""
    client = Client()
    client.post(
        "/commande/",
        {
            "offer": "mystique",
            "email": email,
            "first_name": "Léa",
            "last_name": "Martin",
            "expert": "expert-lumira",
        },
    )
    order = Order.objects.get(email=email)
    client.post(
        f"/commande/{order.public_id}/paiement/",
        {"card_number": "4242424242424242", "expiry": "12/34", "cvc": "123", **CONSENT},
    )
    order.refresh_from_db()
    return order


def log_in_as_owner(journey) -> None:
    """A new superuser signs in to Django's admin."""
    UserFactory(username="boss@example.com", is_staff=True, is_superuser=True)
    page = journey.page
    journey.go("/admin/login/")
    page.fill("#id_username", "boss@example.com")
    page.fill("#id_password", "motdepasse-lumira")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")  # signed in before the next page is asked for


def test_an_admin_refunds_an_order(journey):
    page = journey.page
    order = bought_in_demo_mode("refund@example.com")
    assert order.status == Order.Status.PAID

    log_in_as_owner(journey)
    journey.go(f"/admin/orders/order/?q={order.number}")
    page.locator(f"input[name=_selected_action][value='{order.pk}']").check()
    page.select_option("select[name=action]", "refund")
    page.locator("button[name=index]").click()
    page.wait_for_url("**/rembourser/")
    assert page.locator("#id_amount").input_value() == "47,00"
    page.fill("#id_amount", "10,00")
    page.fill("#id_reason", "Geste commercial")
    journey.picture("admin-refund-form")
    page.locator("input[type=submit]").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Remboursement de 10,00")
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.PAID, 1000)
    page.locator("a", has_text="Rembourser").first.click()
    page.wait_for_url("**/rembourser/")
    assert page.locator("#id_amount").input_value() == "37,00"
    page.fill("#id_reason", "Annulation")
    page.locator("input[type=submit]").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Remboursement de 37,00")
    journey.picture("admin-refunded")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
