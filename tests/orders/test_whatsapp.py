"""Notices by WhatsApp to the clients who chose it (SPEC §9), against a local fake of the API."""

import pytest
from django.test import override_settings

from orders import notices, services
from orders.models import Notice, Order
from orders.whatsapp import WhatsAppError
from tests import whatsapp_fake
from tests.experts.conftest import fill_content
from tests.factories import ExpertFactory, OrderFactory
from tests.sanctuaire.helpers import answers, open_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_whatsapp():
    state, server = whatsapp_fake.start()
    with override_settings(
        WHATSAPP_TOKEN="EAAG-test-token",
        WHATSAPP_PHONE_NUMBER_ID="1098765",
        WHATSAPP_API_BASE=state.url,
    ):
        yield state
    server.shutdown()
    server.server_close()


def _deliver(order: Order, capture) -> None:
    author, validator = ExpertFactory(), ExpertFactory()
    services.claim(order, expert=author, actor=author.user)
    fill_content(order)
    services.submit_for_validation(order, actor=author.user)
    with capture(execute=True):
        services.approve(order, validator=validator.user)


def test_a_client_who_chose_whatsapp_gets_one_delivery_message(
    fake_whatsapp, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory(
        ready=True,
        first_name="Léa",
        delivery_format=Order.DeliveryFormat.WHATSAPP,
        phone="+33 6 12 34 56 78",
    )
    _deliver(order, django_capture_on_commit_callbacks)
    (message,) = fake_whatsapp.messages
    assert fake_whatsapp.paths == ["/v21.0/1098765/messages"]
    assert fake_whatsapp.headers[0]["authorization"] == "Bearer EAAG-test-token"
    assert message["messaging_product"] == "whatsapp"
    assert message["to"] == "33612345678"
    assert message["type"] == "template"
    assert message["template"]["name"] == "lumira_lecture_livree"
    assert message["template"]["language"] == {"code": "fr"}
    (body,) = message["template"]["components"]
    assert body["type"] == "body"
    first_name, link = (parameter["text"] for parameter in body["parameters"])
    assert first_name == "Léa"
    assert link.endswith(f"/sanctuaire/commandes/{order.public_id}/")
    # The e-mail still goes, and the order says which channels carried the notice.
    assert len(mailoutbox) == 1
    assert set(order.notices.values_list("kind", "channel")) == {
        ("delivery", "email"),
        ("delivery", "whatsapp"),
    }
    # Sent once: a second run finds it recorded.
    assert not notices.send_whatsapp_notice(order.pk, Notice.Kind.DELIVERY)
    assert len(fake_whatsapp.messages) == 1


def test_a_client_who_chose_email_gets_no_whatsapp_message(
    fake_whatsapp, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory(ready=True, phone="+33 6 12 34 56 78")
    _deliver(order, django_capture_on_commit_callbacks)
    assert fake_whatsapp.messages == []
    assert set(order.notices.values_list("channel", flat=True)) == {"email"}


def test_a_failing_api_leaves_the_notice_unsent_for_the_next_attempt(fake_whatsapp):
    order = OrderFactory(
        ready=True, delivery_format=Order.DeliveryFormat.WHATSAPP, phone="+33612345678"
    )
    fake_whatsapp.fail_next()
    with pytest.raises(WhatsAppError):
        notices.send_whatsapp_notice(order.pk, Notice.Kind.PAYMENT)
    assert not order.notices.exists()
    assert notices.send_whatsapp_notice(order.pk, Notice.Kind.PAYMENT)
    assert fake_whatsapp.messages[0]["template"]["name"] == "lumira_paiement_recu"
    assert order.notices.get().channel == "whatsapp"


def test_without_credentials_the_form_does_not_offer_whatsapp(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    page = client.get(f"/commande/{order.public_id}/formulaire/").content.decode()
    assert "WhatsApp" not in page
    response = client.post(
        f"/commande/{order.public_id}/formulaire/",
        answers(delivery_format="whatsapp", phone="+33 6 12 34 56 78"),
    )
    assert response.status_code == 302  # the rest is saved; the notices go by e-mail
    order.refresh_from_db()
    assert order.delivery_format == "email"


def test_with_credentials_the_form_offers_whatsapp(client, fake_whatsapp):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    page = client.get(f"/commande/{order.public_id}/formulaire/").content.decode()
    assert 'value="whatsapp"' in page
