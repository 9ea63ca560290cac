import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from orders import services
from orders.intake import intake_key, save_intake
from orders.models import Order
from tests.factories import CONSENT, OrderFactory
from tests.sanctuaire.helpers import answers, make_client, open_intake

pytestmark = pytest.mark.django_db


def test_form_is_refused_before_payment_with_a_french_page(client):
    order = OrderFactory()
    response = open_intake(client, order)
    assert response.status_code == 302  # the key is good: this browser may come back
    response = client.get(f"/commande/{order.public_id}/formulaire/")
    assert response.status_code == 403
    assert "Le formulaire s’ouvre dès que votre paiement est confirmé." in response.content.decode()
    response = client.post(f"/commande/{order.public_id}/formulaire/", answers())
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.intake_submitted_at is None
    assert order.birth_place == ""


def test_failed_payment_keeps_the_form_closed_even_for_a_stranger(client):
    order = OrderFactory(status=Order.Status.FAILED)
    response = client.get(f"/commande/{order.public_id}/formulaire/")
    assert response.status_code == 403
    assert "paiement est confirmé" in response.content.decode()


def test_refunded_order_says_its_form_is_closed(client):
    order = OrderFactory(status=Order.Status.REFUNDED)
    response = client.get(f"/commande/{order.public_id}/formulaire/")
    assert response.status_code == 403
    assert "remboursée" in response.content.decode()


def test_unknown_order_is_404(client):
    response = client.get("/commande/00000000-0000-4000-8000-000000000000/formulaire/")
    assert response.status_code == 404


@override_settings(WHATSAPP_TOKEN="token", WHATSAPP_PHONE_NUMBER_ID="1098765")
def test_paid_client_fills_every_field_and_sees_them_again(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    response = client.post(
        f"/commande/{order.public_id}/formulaire/",
        answers(delivery_format="whatsapp", phone="+33 6 12 34 56 78", audio_voice="masculine"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/commande/{order.public_id}/formulaire/envoye/"
    order.refresh_from_db()
    assert order.date_of_birth == datetime.date(1990, 5, 17)
    assert order.birth_time == datetime.time(8, 30)
    assert order.birth_place == "Lyon, France"
    assert order.question == "Quel chemin prendre pour mon travail cette année ?"
    assert order.life_question == "Trouver ma place"
    assert order.specific_context == "Un déménagement en vue"
    assert order.audio_voice == "masculine"
    assert order.delivery_format == "whatsapp"
    assert order.phone == "+33 6 12 34 56 78"
    assert order.intake_submitted_at is not None
    assert order.status == Order.Status.PAID
    page = client.get(response["Location"]).content.decode()
    assert "Merci, vos réponses sont envoyées" in page
    assert "Un second expert la relit" in page
    assert "Modifier mes réponses" in page  # not claimed yet: still editable
    # Where the order stands and by when (SPEC §9).
    assert "Formulaire reçu : un expert va prendre votre lecture en main" in page
    assert "au plus tard le" in page
    page = client.get(f"/commande/{order.public_id}/formulaire/").content.decode()
    assert 'value="Lyon, France"' in page
    assert 'value="1990-05-17"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "", "Indiquez votre date de naissance."),
        ("date_of_birth", "31/02/1990", "Date de naissance invalide (JJ/MM/AAAA)."),
        ("date_of_birth", "2999-01-01", "La date de naissance ne peut pas être dans le futur."),
        ("date_of_birth", "1850-01-01", "Indiquez une date de naissance après 1900."),
        ("birth_time", "25:99", "Heure de naissance invalide (HH:MM)."),
        ("birth_place", "   ", "Indiquez votre lieu de naissance."),
        ("birth_place", "x" * 161, "160 caractères au maximum."),
        ("question", "", "Posez la question que vous souhaitez éclairer."),
        ("question", "Pourquoi", "Votre question doit compter au moins 10 caractères."),
        ("question", "x" * 2001, "Votre question doit tenir en 2000 caractères."),
        ("life_question", "x" * 2001, "2000 caractères au maximum."),
        ("specific_context", "x" * 4001, "4000 caractères au maximum."),
        ("audio_voice", "robot", "Choisissez une voix de la liste."),
        ("audio_voice", None, "Choisissez une voix."),
        ("delivery_format", "pigeon", "Choisissez un moyen de la liste."),
        ("phone", "appelez-moi", "Numéro de téléphone invalide"),
        ("phone", "1" * 33, "32 caractères au maximum."),
    ],
)
@override_settings(WHATSAPP_TOKEN="token", WHATSAPP_PHONE_NUMBER_ID="1098765")
def test_each_bad_value_gets_its_french_message_at_its_field(client, field, value, message):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    response = client.post(f"/commande/{order.public_id}/formulaire/", answers(**{field: value}))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    order.refresh_from_db()
    assert order.intake_submitted_at is None


@override_settings(WHATSAPP_TOKEN="token", WHATSAPP_PHONE_NUMBER_ID="1098765")
def test_whatsapp_delivery_needs_a_phone_number(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    response = client.post(
        f"/commande/{order.public_id}/formulaire/", answers(delivery_format="whatsapp")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == ["Indiquez votre numéro WhatsApp."]


def test_client_amends_the_form_until_an_expert_claims_the_order(client, expert_user):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    client.post(f"/commande/{order.public_id}/formulaire/", answers())
    response = client.post(
        f"/commande/{order.public_id}/formulaire/", answers(birth_place="Marseille")
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.birth_place == "Marseille"

    services.claim(order, expert=expert_user.expert, actor=expert_user)
    page = client.get(f"/commande/{order.public_id}/formulaire/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "le formulaire ne peut plus être modifié" in body
    assert "Marseille" in body
    assert '<form method="post" enctype' not in body
    response = client.post(f"/commande/{order.public_id}/formulaire/", answers(birth_place="Nice"))
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.birth_place == "Marseille"


def test_a_claim_between_opening_and_sending_wins(client, expert_user):
    order = OrderFactory(ready=True)
    open_intake(client, order)
    stale = Order.objects.get(pk=order.pk)
    services.claim(stale, expert=expert_user.expert, actor=expert_user)
    # The view re-reads the order, but the save itself is also conditional on `paid`.

    saved = save_intake(
        order,
        {**answers(), "date_of_birth": None, "birth_time": None},
        photos=[],
        remove=[],
    )
    assert saved is False
    order.refresh_from_db()
    assert order.birth_place == ""


def test_a_logged_in_client_opens_the_form_of_an_order_bought_under_their_email(client):
    user = make_client("lea@example.com")
    order = OrderFactory(paid=True, email="lea@example.com")
    client.force_login(user)
    response = client.get(f"/commande/{order.public_id}/formulaire/")
    assert response.status_code == 200
    assert "Parlez-nous de vous" in response.content.decode()


def test_another_client_gets_404_on_a_paid_order_form(client):
    order = OrderFactory(paid=True, email="lea@example.com")
    client.force_login(make_client("marc@example.com"))
    assert client.get(f"/commande/{order.public_id}/formulaire/").status_code == 404
    response = client.post(f"/commande/{order.public_id}/formulaire/", answers())
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.intake_submitted_at is None


def test_an_anonymous_stranger_is_sent_to_the_sanctuaire_login(client):
    order = OrderFactory(paid=True)
    response = client.get(f"/commande/{order.public_id}/formulaire/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sanctuaire/connexion/?next=")


def test_a_tampered_or_foreign_key_does_not_open_the_form(client):
    order = OrderFactory(paid=True)
    other = OrderFactory(paid=True)

    for key in [intake_key(order)[:-2] + "xx", intake_key(other)]:
        client.get(f"/commande/{order.public_id}/formulaire/?cle={key}")
        response = client.get(f"/commande/{order.public_id}/formulaire/")
        assert response.status_code == 302
        assert response["Location"].startswith("/sanctuaire/connexion/")


def test_the_key_expires_after_thirty_days(client, time_machine):
    order = OrderFactory(paid=True)

    key = intake_key(order)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=31))
    client.get(f"/commande/{order.public_id}/formulaire/?cle={key}")
    response = client.get(f"/commande/{order.public_id}/formulaire/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sanctuaire/connexion/")


def test_the_browser_that_paid_opens_the_form_from_the_confirmation_page(client):
    response = client.post(
        "/commande/",
        {
            "offer": "initie",
            "email": "lea@example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "expert": "expert-lumira",
        },
    )
    order = Order.objects.get()
    client.post(
        response["Location"],
        {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123", **CONSENT},
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    response = client.get(f"/commande/{order.public_id}/formulaire/")
    assert response.status_code == 200
    assert "Parlez-nous de vous" in response.content.decode()
