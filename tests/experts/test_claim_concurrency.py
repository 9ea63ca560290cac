"""Two experts press "Prendre la commande" at the same moment: one wins (SPEC §8.2)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from orders.models import Order, OrderEvent
from tests import factories
from tests.conftest import postgres_only


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_make_one_winner_and_one_clear_refusal():
    order = factories.OrderFactory(ready=True)
    users = [factories.ExpertFactory().user, factories.ExpertFactory().user]
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(2)
    pages: list[str] = []

    def claim(client: Client) -> None:
        try:
            barrier.wait(timeout=10)
            response = client.post(f"/desk/commande/{order.public_id}/prendre/", follow=True)
            pages.append(response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    order.refresh_from_db()
    assert order.status == Order.Status.PROCESSING
    assert order.assigned_expert.user in users
    assert OrderEvent.objects.filter(order=order, to_status=Order.Status.PROCESSING).count() == 1
    assert len(pages) == 2
    assert sum("Enregistrer et soumettre" in page for page in pages) == 1
    assert (
        sum("Cette commande vient d’être prise par un autre expert." in page for page in pages) == 1
    )
