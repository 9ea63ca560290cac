"""The payment step's consent, then the admin's order page and the owner's view, in a browser."""

import pytest

from orders.models import Order
from tests.e2e.test_admin_refund import log_in_as_owner
from tests.e2e.test_purchase import fill_checkout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_consent_then_the_admin_and_the_owners_view(journey):
    page = journey.page
    journey.go("/commande/?offer=mystique")
    fill_checkout(journey, "owner@example.com")
    page.get_by_label("Numéro de carte").fill("4242 4242 4242 4242")
    page.get_by_label("Expiration (MM/AA)").fill("12/34")
    page.get_by_label("Cryptogramme").fill("123")
    journey.shoot("payment-step")
    page.locator("form.card-form button[type=submit]").click()
    error = page.locator("#id_accept_terms_error")
    assert "conditions générales de vente" in error.inner_text()
    assert Order.objects.get(email="owner@example.com").status == Order.Status.PENDING
    journey.shoot("payment-refused-without-consent")
    page.get_by_label("Numéro de carte").fill("4242 4242 4242 4242")
    page.locator("#id_accept_terms").check()
    page.locator("#id_waive_withdrawal").check()
    page.locator("form.card-form button[type=submit]").click()
    page.wait_for_url("**/confirmation/**")
    order = Order.objects.get(email="owner@example.com")
    assert order.status == Order.Status.PAID
    assert order.terms_version == 1

    log_in_as_owner(journey)
    journey.go(f"/admin/orders/order/{order.pk}/change/")
    journey.picture("admin-order")
    journey.go("/admin/orders/order/")
    journey.picture("admin-order-list")
    journey.go("/admin/")
    page.get_by_role("link", name="Vue d’ensemble").click()
    page.wait_for_url("**/vue-d-ensemble/**")
    assert "47,00" in page.locator("#content-main").inner_text()
    journey.picture("owner-view")
