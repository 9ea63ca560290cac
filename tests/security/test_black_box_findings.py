"""Black-box findings, each with the test that failed before its fix."""

import json

import pytest

from orders.models import Order, Reading
from sanctuaire import tokens
from sanctuaire.models import LoginToken
from tests.factories import OrderFactory
from tests.sanctuaire.helpers import link_in, make_client

pytestmark = pytest.mark.django_db

HOSTILE = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4" onload="alert(2)"/></svg>'


def test_a_mandala_written_through_the_model_is_stored_sanitised():
    order = OrderFactory(paid=True)
    # What an admin form, a shell or an import would write.
    Reading.objects.create(order=order, texts={"mandala": HOSTILE, "reading": "<b>texte</b>"})
    reading = Reading.objects.get(order=order)
    assert reading.text("reading") == "<b>texte</b>"  # text sections are escaped on display
    stored = reading.text("mandala")
    assert "<circle" in stored
    assert "script" not in stored
    assert "onload" not in stored


def test_a_head_on_a_magic_link_answers_like_get_without_consuming_it(client):
    url = f"/sanctuaire/connexion/{tokens.issue('lea@example.com')}/"
    OrderFactory(paid=True, email="lea@example.com")
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200
    assert LoginToken.objects.get().used_at is None
    assert client.post(url).status_code == 302


def test_a_reused_payment_intent_gets_the_new_receipt_address(client, fake_stripe):
    client.post(
        "/api/payments/create-payment-intent",
        json.dumps({"level": 2, "customerEmail": "old@example.com"}),
        content_type="application/json",
    )
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(email="new@example.com")
    client.get(f"/commande/{order.public_id}/paiement/")  # reuses the stored intent
    updates = [
        r
        for r in fake_stripe.requests
        if r.path == f"/v1/payment_intents/{order.payment_intent_id}" and r.method == "POST"
    ]
    assert [u.form for u in updates] == [{"receipt_email": "new@example.com"}]
    assert fake_stripe.intents[order.payment_intent_id]["receipt_email"] == "new@example.com"
    assert len(fake_stripe.creations()) == 1


def test_an_email_changed_by_an_admin_cuts_off_the_old_mailbox(client, mailoutbox):
    user = make_client("old@example.com")
    order = OrderFactory(paid=True, email="old@example.com", user=user)
    client.post("/sanctuaire/connexion/", {"email": "old@example.com"})
    before_change = link_in(mailoutbox[-1], "/sanctuaire/connexion/")

    user.email = "new@example.com"
    user.save()

    # The link issued before the change is dead.
    client.post(before_change)
    assert "_auth_user_id" not in client.session
    # A link asked for the old address reaches nobody: no mail, no account.
    mailoutbox.clear()
    client.post("/sanctuaire/connexion/", {"email": "old@example.com"})
    assert mailoutbox == []
    old_link = f"/sanctuaire/connexion/{tokens.issue('old@example.com')}/"
    client.post(old_link)
    if "_auth_user_id" in client.session:
        assert int(client.session["_auth_user_id"]) != user.pk
        assert order.number not in client.get("/sanctuaire/").content.decode()
    client.logout()
    # The new address opens the account, with its order.
    client.post("/sanctuaire/connexion/", {"email": "new@example.com"})
    client.post(link_in(mailoutbox[-1], "/sanctuaire/connexion/"))
    assert int(client.session["_auth_user_id"]) == user.pk
    assert order.number in client.get("/sanctuaire/").content.decode()
    assert Order.objects.get(pk=order.pk).email == "new@example.com"
