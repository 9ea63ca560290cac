import csv
import io
import re

import pytest
from django.contrib.auth import authenticate

from experts.models import Expert
from orders.models import Order, OrderEvent
from tests.factories import CONSENT, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _demo_paid_order(client):
    client.post(
        "/commande/",
        {
            "offer": "profond",
            "email": "r@example.com",
            "first_name": "Rémi",
            "last_name": "Roux",
            "expert": "expert-lumira",
        },
    )
    order = Order.objects.latest("created_at")
    client.post(
        f"/commande/{order.public_id}/paiement/",
        {"card_number": "4242424242424242", "expiry": "12/34", "cvc": "123", **CONSENT},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def test_order_list_filters_and_search(admin_client):
    paid = OrderFactory(paid=True, email="findme@example.com")
    OrderFactory(email="other@example.com")
    response = admin_client.get("/admin/orders/order/", {"q": "findme"})
    assert response.status_code == 200
    assert paid.number in response.content.decode()
    assert "other@example.com" not in response.content.decode()
    response = admin_client.get("/admin/orders/order/", {"q": paid.payment_intent_id})
    assert paid.number in response.content.decode()
    for query in ({"status__exact": "paid"}, {"level__exact": "2"}, {"service__exact": "advanced"}):
        response = admin_client.get("/admin/orders/order/", query)
        assert response.status_code == 200
        assert paid.number in response.content.decode()
    # The service filter speaks French, like the rest of the admin.
    sidebar = response.content.decode().split('id="changelist-filter"')[1]
    assert ">Avancé</a>" in sidebar
    assert ">advanced</a>" not in sidebar


def test_order_page_shows_history_and_read_only_payment_fields(admin_client):
    order = OrderFactory(paid=True)
    OrderEvent.objects.create(order=order, to_status=Order.Status.PENDING, source="checkout")
    response = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="payment_intent_id"' not in body  # read-only: shown, not editable
    assert order.payment_intent_id in body
    assert 'name="price_cents"' not in body
    assert "historique" in body.lower()
    # In French, like the rest of the admin, with Stripe's own word to look it up there.
    assert "réussi (succeeded)" in body
    assert "tunnel de commande" in body  # where the history's first change came from
    assert "Avancé" in body  # the offer's service, not its code


def test_order_page_shows_the_reading_of_its_level_read_only(admin_client):
    order = OrderFactory(
        paid=True,
        offer_level=2,
        status=Order.Status.PROCESSING,
        reading__texts={"archetype": "L’Étoile", "ritual": "Une bougie blanche."},
        reading__review_notes="Relue.",
    )
    body = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "<dt>Archétype</dt>" in body
    assert "L’Étoile" in body
    assert "<dt>Rituel</dt>" in body
    assert "Profil d’âme" not in body  # a level-4 section
    assert "Relue." in body
    assert 'name="reading-0-review_notes"' not in body  # shown, not editable


def test_expert_page_lists_the_orders_they_hold_with_their_revisions(admin_client):
    from tests.factories import ExpertFactory

    expert = ExpertFactory()
    order = OrderFactory(
        status=Order.Status.PROCESSING, assigned_expert=expert, reading__revision_count=3
    )
    body = admin_client.get(f"/admin/experts/expert/{expert.pk}/change/").content.decode()
    assert order.number in body


def test_an_admin_cannot_change_the_price_by_posting_it(admin_client):
    order = OrderFactory(paid=True)
    admin_client.post(
        f"/admin/orders/order/{order.pk}/change/", {"price_cents": 1, "status": "completed"}
    )
    order.refresh_from_db()
    assert (order.price_cents, order.status) == (4700, "paid")


def test_refund_action_opens_the_refund_form_of_the_order(admin_client):
    order = OrderFactory(paid=True)
    response = admin_client.post(
        "/admin/orders/order/", {"action": "refund", "_selected_action": [order.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/orders/order/{order.pk}/rembourser/"
    form = admin_client.get(response["Location"]).content.decode()
    assert 'value="47,00"' in form  # the whole amount by default


def test_refund_action_refuses_an_unpaid_order(admin_client):
    order = OrderFactory()
    response = admin_client.post(
        "/admin/orders/order/", {"action": "refund", "_selected_action": [order.pk]}, follow=True
    )
    assert f"Non remboursable : {order.number}" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_csv_export_lists_the_selected_orders(admin_client):
    orders = [OrderFactory(paid=True), OrderFactory(email="=cmd|calc@example.com")]
    response = admin_client.post(
        "/admin/orders/order/", {"action": "export_csv", "_selected_action": [o.pk for o in orders]}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["numero", "email", "offre"]
    assert {row[0] for row in rows[1:]} == {o.number for o in orders}
    assert "'=cmd|calc@example.com" in {row[1] for row in rows[1:]}


def test_resend_access_email_action(admin_client, mailoutbox):
    order = OrderFactory(paid=True)
    admin_client.post(
        "/admin/orders/order/", {"action": "resend_access_email", "_selected_action": [order.pk]}
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [order.email]


def test_processed_events_are_read_only(admin_client):
    from payments.models import ProcessedEvent

    event = ProcessedEvent.objects.create(event_id="evt_1", type="payment_intent.succeeded")
    assert admin_client.get("/admin/payments/processedevent/").status_code == 200
    assert admin_client.get("/admin/payments/processedevent/add/").status_code == 403
    admin_client.post(f"/admin/payments/processedevent/{event.pk}/delete/", {"post": "yes"})
    assert ProcessedEvent.objects.filter(pk=event.pk).exists()


def test_offers_and_experts_are_administrable(admin_client):
    assert admin_client.get("/admin/orders/offer/").status_code == 200
    assert admin_client.get("/admin/experts/expert/").status_code == 200
    assert admin_client.get("/admin/experts/expert/add/").status_code == 200


def test_seed_demo_prints_the_logins_and_refuses_production(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # again, as every `make run` does: fresh passwords
    logins = dict(re.findall(r"(\S+@lumira\.local)  mot de passe : (\S+)", out.getvalue())[-3:])
    assert set(logins) == {"admin@lumira.local", "expert@lumira.local", "expert2@lumira.local"}
    for email, password in logins.items():
        user = authenticate(username=email, password=password)
        assert user is not None
        assert user.is_staff
    # Two experts, so that one can give the other's reading its second look.
    experts = Expert.objects.filter(email__endswith="@lumira.local", is_active=True)
    assert sorted(expert.user.username for expert in experts) == [
        "expert2@lumira.local",
        "expert@lumira.local",
    ]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=out)
