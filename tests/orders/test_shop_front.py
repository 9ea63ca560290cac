"""The shop's first impression: the landing tells the story, forms help, nothing leaves the site."""

import re

import pytest
from django.test import override_settings

from experts.models import Expert
from orders import services
from orders.models import Offer, Order
from payments.intents import decline_message
from shop.forms import DemoCardForm
from tests.factories import CONSENT, ExpertFactory, OrderFactory
from tests.sanctuaire.helpers import answers, open_intake

pytestmark = pytest.mark.django_db


def test_the_landing_tells_how_it_works_who_reads_and_what_each_offer_promises(client):
    ExpertFactory(name="Séléné Arcas", specialties=["tarot"], bio="Vingt ans de tarot.")
    body = client.get("/").content.decode()
    for step in (
        "Choisissez votre lecture",
        "Payez en toute sécurité",
        "Parlez-nous de vous",
        "Recevez votre lecture",
    ):
        assert step in body
    # The experts: name, specialties, presentation and a drawn avatar with their initials.
    assert "Séléné Arcas" in body
    assert "Vingt ans de tarot." in body
    assert re.search(r'<svg class="avatar"[^>]*>.*?>SA</text>', body, re.S)
    assert "Expert Lumira" in body  # the house expert, with its presentation
    assert "L’équipe d’Oracle Lumira" in body
    # Each offer's delivery promise (SPEC §4) and what its minutes mean.
    promises = re.findall(r"Livrée sous <strong>(\d+) h</strong>", body)
    assert promises == ["72", "72", "48", "48"]
    assert "<strong>30 min</strong> de travail de votre expert" in body
    assert "ni un rendez-vous ni un appel" in body
    # FAQ, trust line, contact.
    assert "Quand vais-je recevoir ma lecture ?" in body
    assert "Par carte, via Stripe." in body
    assert 'href="mailto:contact@oraclelumira.com"' in body


def test_a_changed_delivery_promise_shows_on_the_landing(client):
    Offer.objects.filter(slug="initie").update(delivery_hours=24)
    Offer.objects.get(slug="initie").save()  # a save in the admin moves updated_at
    body = client.get("/").content.decode()
    assert re.findall(r"Livrée sous <strong>(\d+) h</strong>", body)[0] == "24"


def test_an_inactive_expert_is_not_presented(client):
    ExpertFactory(name="Parti Ailleurs", is_active=False)
    assert "Parti Ailleurs" not in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/", "/commande/?offer=integrale", "/sanctuaire/connexion/"])
def test_public_pages_ask_nothing_of_another_site(client, path):
    body = client.get(path).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert sources
    outside = [url for url in sources if re.match(r"(https?:)?//", url)]
    assert outside == []


def test_the_stylesheet_uses_our_own_fonts(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/lumira.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    fonts = re.findall(r'url\("\.\./fonts/([^"]+)"\)', css)
    assert "inter-latin-400-normal.woff2" in fonts
    assert "cormorant-garamond-latin-600-normal.woff2" in fonts
    for name in fonts:
        assert finders.find(f"fonts/{name}"), name
    assert "http" not in css


@pytest.mark.parametrize(
    ("typed", "cleaned"), [("1230", "12/30"), ("12/30", "12/30"), ("1/2031", "01/31")]
)
def test_the_card_form_takes_an_expiry_typed_without_its_slash(typed, cleaned):
    form = DemoCardForm({"card_number": "4242424242424242", "expiry": typed, "cvc": "123"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["expiry"] == cleaned


@pytest.mark.parametrize("typed", ["1330", "12", "abcd", "0030"])
def test_the_card_form_still_refuses_a_wrong_expiry(typed):
    form = DemoCardForm({"card_number": "4242424242424242", "expiry": typed, "cvc": "123"})
    assert not form.is_valid()
    assert "expiry" in form.errors


def _order_at_payment(client, offer="mystique") -> Order:
    client.post(
        "/commande/",
        {
            "offer": offer,
            "email": "a@example.com",
            "first_name": "Ana",
            "last_name": "Lys",
            "expert": "expert-lumira",
        },
    )
    return Order.objects.latest("pk")


def test_a_new_attempt_shows_only_its_own_outcome(client):
    order = _order_at_payment(client)
    client.post(
        f"/commande/{order.public_id}/paiement/",
        {"card_number": "4000000000000002", "expiry": "12/34", "cvc": "123", **CONSENT},
    )
    page = client.get(f"/commande/{order.public_id}/paiement/").content.decode()
    assert "Votre carte a été refusée." in page  # the last decline, until the next attempt
    response = client.post(
        f"/commande/{order.public_id}/paiement/",
        {"card_number": "4242424242424242", "expiry": "13/99", "cvc": "123", **CONSENT},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Date d’expiration invalide (MM/AA)." in body
    assert "Votre carte a été refusée." not in body
    assert "Payer 47,00\xa0€</button>" in body


def test_a_decline_recorded_in_french_reads_in_english_for_an_english_client(client):
    order = _order_at_payment(client)
    # The webhook records the decline in French (no client language in Stripe's request).
    services.mark_failed(
        order,
        code="insufficient_funds",
        message=decline_message("insufficient_funds", "card_declined"),
        source="webhook",
    )
    client.cookies["django_language"] = "en"
    payment = client.get(f"/commande/{order.public_id}/paiement/").content.decode()
    confirmation = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    for page in (payment, confirmation):
        assert "Insufficient funds in your account. Please check your balance." in page
        assert "Fonds insuffisants" not in page
    client.cookies["django_language"] = "fr"
    page = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Fonds insuffisants sur votre compte. Veuillez vérifier votre solde." in page


def test_the_payment_and_confirmation_pages_say_the_delivery_promise(client):
    order = _order_at_payment(client, "integrale")
    page = client.get(f"/commande/{order.public_id}/paiement/").content.decode()
    assert "sous 48 h après votre paiement" in page  # the promise runs from the payment
    assert "Stripe" in page
    response = client.post(
        f"/commande/{order.public_id}/paiement/",
        {"card_number": "4242424242424242", "expiry": "1239", "cvc": "123", **CONSENT},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'class="success-mark"' in page
    assert "Votre lecture vous sera remise au plus tard le" in page


def test_the_checkout_and_payment_steps_say_what_is_included(client):
    offer = Offer.objects.get(slug="profond")
    assert offer.features  # the seeded catalogue lists what each level includes
    checkout = client.get("/commande/?offer=profond").content.decode()
    order = _order_at_payment(client, "profond")
    payment = client.get(f"/commande/{order.public_id}/paiement/").content.decode()
    for page in (checkout, payment):
        included = page.split("Inclus</dt>", 1)[1].split("</dd>", 1)[0]
        for feature in offer.features:
            assert f"<li>{feature}</li>" in included


def test_after_the_form_is_sent_the_client_reads_what_happens_next(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    response = client.post(f"/commande/{order.public_id}/formulaire/", answers())
    assert response["Location"] == f"/commande/{order.public_id}/formulaire/envoye/"
    page = client.get(response["Location"]).content.decode()
    assert "La suite" in page
    assert "au plus tard le" in page


def test_the_next_step_page_is_only_for_the_client(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    client.post(f"/commande/{order.public_id}/formulaire/", answers())
    client.cookies.clear()
    assert client.get(f"/commande/{order.public_id}/formulaire/envoye/").status_code == 404


def test_the_next_step_page_before_any_answer_leads_to_the_form(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    response = client.get(f"/commande/{order.public_id}/formulaire/envoye/")
    assert response["Location"] == f"/commande/{order.public_id}/formulaire/"


def test_a_locked_form_is_a_notice_not_an_error(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    client.post(f"/commande/{order.public_id}/formulaire/", answers())
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PROCESSING)
    body = client.get(f"/commande/{order.public_id}/formulaire/").content.decode()
    assert "le formulaire ne peut plus être modifié" in body
    assert 'class="form-error"' not in body


def test_the_house_expert_has_a_presentation():
    assert Expert.house().bio.startswith("L’équipe d’Oracle Lumira")


@override_settings(SUPPORT_EMAIL="aide@lumira.example")
def test_the_support_address_comes_from_the_settings(client):
    assert (
        'href="mailto:aide@lumira.example"' in client.get("/sanctuaire/connexion/").content.decode()
    )
