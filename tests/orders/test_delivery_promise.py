"""The delivery promise (SPEC §4): per offer, snapshotted, told to the client everywhere."""

from datetime import timedelta

import pytest

from orders import services
from orders.models import Offer
from tests.factories import ExpertFactory, OrderFactory
from tests.sanctuaire.helpers import make_client

pytestmark = pytest.mark.django_db


def test_the_catalogue_promises_72_72_48_48_hours():
    assert dict(Offer.objects.values_list("level", "delivery_hours")) == {
        1: 72,
        2: 72,
        3: 48,
        4: 48,
    }


def test_the_promise_is_editable_in_the_admin_and_binds_only_later_orders(client, admin_user):
    old = OrderFactory(offer_level=3)
    offer = Offer.objects.get(level=3)
    client.force_login(admin_user)
    response = client.get(f"/admin/orders/offer/{offer.pk}/change/")
    assert 'name="delivery_hours"' in response.content.decode()
    Offer.objects.filter(pk=offer.pk).update(delivery_hours=24)  # as the admin's save would
    new = services.create_order(Offer.objects.get(pk=offer.pk), email="new@example.com")
    for order in (old, new):
        services.mark_paid(order, source="test")
        order.refresh_from_db()
    assert old.due_at - old.paid_at == timedelta(hours=48)
    assert new.due_at - new.paid_at == timedelta(hours=24)


def test_the_payment_email_and_the_confirmation_say_by_when(
    client, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    order = OrderFactory(offer_level=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order, source="test")
    (message,) = mailoutbox
    assert "Livraison : au plus tard le jeudi 3 décembre 2026" in message.body
    page = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Paiement reçu : à vous de nous parler de vous" in page
    assert "Votre lecture vous sera remise au plus tard le jeudi 3 décembre." in page
    assert "au plus tard le jeudi 3 décembre" in page  # the summary beside the timeline


def test_the_sanctuaire_says_where_each_order_stands_and_by_when(client, time_machine):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    order = OrderFactory(ready=True, offer_level=2, email="lea@example.com")
    client.force_login(make_client("lea@example.com"))
    page = client.get("/sanctuaire/").content.decode()
    assert "Formulaire reçu : un expert va prendre votre lecture en main" in page
    assert "au plus tard le vendredi 4 décembre" in page
    expert = ExpertFactory()
    services.claim(order, expert=expert, actor=expert.user)
    page = client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    assert "Un expert prépare votre lecture" in page
    assert "au plus tard le vendredi 4 décembre" in page


def test_the_desk_order_page_shows_the_time_left(client, expert_user, time_machine):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    order = OrderFactory(ready=True, offer_level=3)
    time_machine.shift(timedelta(hours=10, minutes=30))
    client.force_login(expert_user)
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    assert "Promise au client avant le jeudi 3 décembre, 11:00" in page
    assert "reste 1 j 13 h" in page
    time_machine.shift(timedelta(hours=40))
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    assert "En retard" in page
    assert "en retard de 2 h 30 min" in page
