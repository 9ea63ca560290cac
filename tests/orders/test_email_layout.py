"""E-mails that survive mail clients: colours on tables, a recap, plain text, the client's language."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from billing import services as billing
from orders.models import Order
from sanctuaire import emails
from tests.factories import OrderFactory
from tests.sanctuaire.helpers import html_of

pytestmark = pytest.mark.django_db


def test_the_payment_email_carries_the_recap_and_its_colours_on_tables(mailoutbox):
    order = OrderFactory(paid=True, offer_level=4, first_name="Léa")
    assert emails.send_payment_received(order.pk)
    (message,) = mailoutbox
    html = html_of(message)
    # The body has no colour to lose: every background sits on a table or a cell.
    assert re.search(r"<body[^>]*>", html)[0] == '<body style="margin:0;padding:0">'
    assert 'bgcolor="#0F0B19"' in html
    assert 'bgcolor="#1A1428"' in html
    assert "<table" in html
    for text in (
        order.number,
        "Niveau Intégrale",
        "149,00\xa0€",
        "au plus tard le",  # the promised date (SPEC §4)
    ):
        assert text in html
        assert text in message.body  # the plain-text part says the same
    assert "mailto:contact@oraclelumira.com" in html
    assert "contact@oraclelumira.com" in message.body


@override_settings(SITE_URL="http://127.0.0.1:8123")
def test_the_payment_email_links_the_invoice_once_issued(client, mailoutbox):
    order = OrderFactory(paid=True, offer_level=2)
    assert emails.send_payment_received(order.pk)
    assert "Facture" not in mailoutbox[0].body  # no invoice yet: no line
    invoice = billing.issue_invoice(order)
    Order.objects.filter(pk=order.pk).update(email="other@example.com")  # a fresh recipient
    assert emails.send_payment_received(order.pk)
    url = f"http://127.0.0.1:8123/sanctuaire/factures/{invoice.public_id}/"
    assert url in mailoutbox[1].body
    assert url in html_of(mailoutbox[1])
    # The link asks a stranger to sign in first; the file is never public.
    response = client.get(url.removeprefix("http://127.0.0.1:8123"))
    assert response.status_code == 302
    assert response["Location"].startswith("/sanctuaire/connexion/")


@override_settings(SITE_URL="http://127.0.0.1:8123")
def test_links_and_the_site_address_follow_site_url(mailoutbox):
    order = OrderFactory(paid=True)
    emails.send_payment_received(order.pk)
    (message,) = mailoutbox
    links = re.findall(r"https?://[^\s]+", message.body)
    assert links
    assert all(link.startswith("http://127.0.0.1:8123") for link in links), links


def test_an_english_order_gets_english_emails_whatever_the_active_language(mailoutbox):
    order = OrderFactory(paid=True, first_name="June", language="en")
    with translation.override("fr"):
        emails.send_payment_received(order.pk)
    (message,) = mailoutbox
    assert message.subject == f"Payment received — order {order.number}"
    assert "Hello June," in message.body
    assert "€47.00" in message.body
    assert "Mystic Level" in message.body
    assert '<html lang="en">' in html_of(message)
    assert "Bonjour" not in message.body


def test_a_french_order_stays_french(mailoutbox):
    order = OrderFactory(paid=True, language="fr")
    with translation.override("en"):
        emails.send_payment_received(order.pk)
    assert mailoutbox[0].subject.startswith("Paiement reçu")


def test_the_order_remembers_the_language_of_the_checkout(client):
    client.cookies["django_language"] = "en"
    client.post(
        "/commande/",
        {
            "offer": "initie",
            "email": "june@example.com",
            "first_name": "June",
            "last_name": "Carter",
            "expert": "expert-lumira",
        },
    )
    assert Order.objects.get(email="june@example.com").language == "en"


def test_the_delivery_email_needs_no_promise_but_keeps_the_recap(mailoutbox):
    order = OrderFactory(paid=True)
    emails.send_delivery(order.pk)
    (message,) = mailoutbox
    assert order.number in message.body
    assert "Livraison" not in message.body
