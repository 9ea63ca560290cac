import pytest

from orders.models import Order

pytestmark = pytest.mark.django_db


def test_landing_lists_the_four_active_offers(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    for name, price in [
        ("Niveau Initié", "29,00"),
        ("Niveau Mystique", "47,00"),
        ("Niveau Profond", "79,00"),
        ("Niveau Intégrale", "149,00"),
    ]:
        assert name in body
        assert price in body


def test_demo_purchase_with_a_good_card_ends_paid(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = client.get("/commande/?level=3&service=premium")
    assert response.status_code == 200
    assert "Niveau Profond" in response.content.decode()
    response = client.post(
        "/commande/",
        {
            "offer": "profond",
            "email": "Lea@Example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "expert": "expert-lumira",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/commande/{order.public_id}/paiement/"
    assert order.price_cents == 7900
    assert order.email == "lea@example.com"
    page = client.get(response["Location"])
    assert "Mode démo — aucun paiement réel" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/commande/{order.public_id}/paiement/",
            {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(mailoutbox) == 1
    confirmation = client.get(response["Location"])
    assert "Remplir mon formulaire" in confirmation.content.decode()
