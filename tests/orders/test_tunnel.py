import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experts.models import Expert
from orders.models import Order
from tests.factories import CONSENT, ExpertFactory, OrderFactory

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


@pytest.mark.parametrize(
    ("slug", "name", "cents"),
    [
        ("initie", "Niveau Initié", 2900),
        ("mystique", "Niveau Mystique", 4700),
        ("profond", "Niveau Profond", 7900),
        ("integrale", "Niveau Intégrale", 14900),
    ],
)
def test_each_offer_is_bought_from_its_landing_link_at_its_catalogue_price(
    client, slug, name, cents
):
    landing = client.get("/").content.decode()
    link = re.search(rf'href="([^"]+)" aria-label="Choisir {name}"', landing).group(1)
    assert link == f"/commande/?offer={slug}"
    assert name in client.get(link).content.decode()
    client.post(
        "/commande/",
        {
            "offer": slug,
            "email": f"{slug}@example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "expert": "expert-lumira",
        },
    )
    order = Order.objects.get(email=f"{slug}@example.com")
    response = client.post(
        f"/commande/{order.public_id}/paiement/",
        {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123", **CONSENT},
    )
    assert (
        response["Location"]
        == f"/confirmation/?order_id={order.public_id}&redirect_status=succeeded"
    )
    order.refresh_from_db()
    assert (order.status, order.offer.slug, order.price_cents) == (Order.Status.PAID, slug, cents)


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
            {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123", **CONSENT},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(mailoutbox) == 1
    confirmation = client.get(response["Location"]).content.decode()
    assert "Remplir mon formulaire" in confirmation
    # The e-mail is the worker's: the page promises it rather than claiming it went.
    assert "Vous allez recevoir un e-mail de confirmation avec le lien vers votre formulaire." in (
        confirmation
    )


def _start(client, offer="mystique"):
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
    return Order.objects.latest("created_at")


def _pay(client, order, number):
    return client.post(
        f"/commande/{order.public_id}/paiement/",
        {"card_number": number, "expiry": "12/34", "cvc": "123", **CONSENT},
    )


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        (
            "4000 0000 0000 0002",
            "generic_decline",
            "Votre carte a été refusée. Veuillez vérifier les informations ou utiliser une autre carte.",
        ),
        (
            "4000000000009995",
            "insufficient_funds",
            "Fonds insuffisants sur votre compte. Veuillez vérifier votre solde.",
        ),
        (
            "4000000000000069",
            "expired_card",
            "La carte que vous avez utilisée a expiré. Veuillez mettre à jour vos informations de paiement.",
        ),
        (
            "4000000000000127",
            "incorrect_cvc",
            "Impossible de traiter le paiement avec cette méthode. Veuillez essayer une autre carte.",
        ),
    ],
)
def test_a_declined_test_card_fails_the_order_with_the_french_message(
    client, number, code, message
):
    order = _start(client)
    response = _pay(client, order, number)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Vous pouvez réessayer avec une autre carte." in body
    # The button keeps its price after a decline, and only the new outcome shows.
    assert "Payer 47,00\xa0€</button>" in body
    assert body.count('class="form-error"') == 1
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.failure_code == code
    assert order.failure_message == message


def test_after_a_decline_a_good_card_on_the_same_intent_pays(client):
    order = _start(client)
    _pay(client, order, "4000000000000002")
    intent_id = Order.objects.get(pk=order.pk).payment_intent_id
    response = _pay(client, order, "4242424242424242")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_intent_id == intent_id
    assert order.failure_code == ""
    assert list(order.events.values_list("to_status", flat=True)) == ["pending", "failed", "paid"]


def test_the_demo_events_went_through_the_webhook_log(client):
    from payments.models import ProcessedEvent

    order = _start(client)
    _pay(client, order, "4000000000000002")
    _pay(client, order, "4242424242424242")
    assert list(ProcessedEvent.objects.order_by("processed_at").values_list("type", "outcome")) == [
        ("payment_intent.payment_failed", "applied"),
        ("payment_intent.succeeded", "applied"),
    ]


@pytest.mark.parametrize(
    ("card", "field_message"),
    [
        (
            {"card_number": "4242 4242 4242 4241"},
            "Le numéro de carte que vous avez saisi est incorrect.",
        ),
        ({"card_number": "abcd"}, "Le numéro de carte doit contenir 12 à 19 chiffres."),
        # Digits to str.isdigit(), not to int(): "²" and "①".
        ({"card_number": "²" * 16}, "Le numéro de carte doit contenir 12 à 19 chiffres."),
        ({"card_number": "①" * 16}, "Le numéro de carte doit contenir 12 à 19 chiffres."),
        ({"card_number": ""}, "Indiquez le numéro de carte."),
        ({"expiry": "13/30"}, "Date d’expiration invalide (MM/AA)."),
        ({"expiry": "01/20"}, "Cette carte a expiré."),
        ({"cvc": "12"}, "Le cryptogramme compte 3 ou 4 chiffres."),
    ],
)
def test_a_malformed_card_gets_a_message_at_the_field_and_no_charge(client, card, field_message):
    order = _start(client)
    data = {"card_number": "4242424242424242", "expiry": "12/34", "cvc": "123", **CONSENT, **card}
    response = client.post(f"/commande/{order.public_id}/paiement/", data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_a_paid_order_payment_page_goes_to_the_confirmation(client):
    order = _start(client)
    _pay(client, order, "4242424242424242")
    response = client.get(f"/commande/{order.public_id}/paiement/")
    assert response.status_code == 302
    assert response["Location"] == f"/confirmation/?order_id={order.public_id}"
    # Paying again does not charge twice.
    response = _pay(client, order, "4242424242424242")
    assert response.status_code == 302
    assert order.events.filter(to_status="paid").count() == 1


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"email": ""}, "Indiquez votre adresse e-mail."),
        ({"email": "pas-un-email"}, "Cette adresse e-mail n’est pas valide."),
        ({"first_name": ""}, "Indiquez votre prénom."),
        ({"last_name": ""}, "Indiquez votre nom."),
        ({"expert": "inconnu"}, "Choisissez un expert de la liste."),
    ],
)
def test_checkout_form_errors_are_shown_at_the_field(client, data, field_message):
    payload = {
        "offer": "mystique",
        "email": "a@example.com",
        "first_name": "Ana",
        "last_name": "Lys",
        "expert": "expert-lumira",
        **data,
    }
    response = client.post("/commande/", payload)
    assert response.status_code == 400
    body = response.content.decode()
    assert field_message in body
    assert 'aria-invalid="true"' in body
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?level=3&service=basic", 400, "ne correspondent pas à la même offre"),
        ("?level=9", 404, "Cette offre n’existe pas"),
        ("?offer=nope", 404, "Cette offre n’existe pas"),
        ("", 404, "Cette offre n’existe pas"),
        ("?level=abc", 404, "Cette offre n’existe pas"),
        ("?level=%C2%B2", 404, "Cette offre n’existe pas"),  # "²": a digit to str.isdigit()
        ("?level=99999999999999999999", 404, "Cette offre n’existe pas"),
    ],
)
def test_checkout_with_a_bad_offer_explains_and_lists_the_offers(client, query, status, message):
    response = client.get(f"/commande/{query}")
    assert response.status_code == status
    body = response.content.decode()
    assert message in body
    assert "Niveau Mystique" in body


def test_checkout_offers_the_house_expert_by_default(client):
    body = client.get("/commande/?offer=initie").content.decode()
    assert '<option value="expert-lumira" selected>Expert Lumira</option>' in body


def test_stripe_mode_shows_the_payment_element(client, fake_stripe):
    order = _start(client)
    body = client.get(f"/commande/{order.public_id}/paiement/").content.decode()
    assert 'id="payment-element"' in body
    assert 'data-publishable-key="pk_test_lumira0123456789abcdef"' in body
    assert order.payment_intent_id.startswith("pi_fake_")
    # No client secret in the page: Stripe.js gets it only once both consent boxes are posted.
    assert "_secret_" not in body
    assert 'name="accept_terms"' in body
    assert 'name="waive_withdrawal"' in body
    assert "Mode démo" not in body
    assert "js.stripe.com/v3" in body


# --- confirmation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("redirect_status", "headline"),
    [
        ("succeeded", "Paiement en cours de confirmation"),
        ("processing", "Paiement non abouti"),  # it may yet fail: the failure shows
        ("failed", "Paiement non abouti"),
        ("", "Paiement non abouti"),
    ],
)
def test_a_failed_order_reached_from_stripes_return_url_shows_what_stripe_said(
    client, redirect_status, headline
):
    order = OrderFactory(status=Order.Status.FAILED, payment_intent_id="pi_retried")
    # What Stripe appends to the return URL after confirmPayment.
    query = "&payment_intent=pi_retried&payment_intent_client_secret=pi_retried_secret_x"
    url = f"/confirmation/?order_id={order.public_id}{query}&redirect_status={redirect_status}"
    body = client.get(url).content.decode()
    assert f"<h1>{headline}</h1>" in body
    assert ("data-poll-url" in body) == (headline == "Paiement en cours de confirmation")


def test_pending_confirmation_refreshes_and_syncs_with_the_gateway(client):
    order = _start(client)
    body = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Paiement en cours de confirmation" in body
    assert f'data-poll-url="/api/payments/order/{order.public_id}"' in body
    assert 'data-confirm-url="/api/payments/confirm-payment"' in body
    assert f'data-payment-intent="{order.payment_intent_id}"' in body
    assert "js/confirmation" in body


def test_paid_confirmation_shows_the_timeline_and_the_intake_link(client):
    order = _start(client)
    _pay(client, order, "4242424242424242")
    body = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Merci pour votre commande" in body
    assert "Paiement confirmé" in body
    assert f"/commande/{order.public_id}/formulaire/" in body
    assert "data-poll-url" not in body


def test_failed_confirmation_offers_a_retry(client):
    order = _start(client)
    _pay(client, order, "4000000000000002")
    body = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Paiement refusé" in body
    assert f"/commande/{order.public_id}/paiement/" in body


@pytest.mark.parametrize("order_id", ["", "nope", "00000000-0000-0000-0000-000000000000"])
def test_confirmation_of_an_unknown_order_is_a_clear_404(client, order_id):
    response = client.get(f"/confirmation/?order_id={order_id}")
    assert response.status_code == 404
    assert "Commande introuvable" in response.content.decode()


def test_every_tunnel_page_is_french_and_has_one_h1(client):
    order = _start(client)
    for url in [
        "/",
        "/commande/?offer=initie",
        f"/commande/{order.public_id}/paiement/",
        f"/confirmation/?order_id={order.public_id}",
    ]:
        body = client.get(url).content.decode()
        assert '<html lang="fr">' in body, url
        assert body.count("<h1") == 1, url


def test_an_offer_edited_in_the_admin_shows_at_once_on_the_landing(client):
    from orders.models import Offer

    assert "Niveau Profond" in client.get("/").content.decode()
    offer = Offer.objects.get(slug="profond")
    offer.is_active = False
    offer.save()
    assert "Niveau Profond" not in client.get("/").content.decode()


def test_a_price_saved_by_another_process_shows_on_the_next_landing_view(client):
    from orders.models import Offer

    assert "47,00" in client.get("/").content.decode()
    # What another app server's save leaves in the database: a new price, a new updated_at.
    Offer.objects.filter(slug="mystique").update(price_cents=5200, updated_at=timezone.now())
    body = client.get("/").content.decode()
    assert "52,00" in body
    assert "47,00" not in body


def test_the_landing_reads_one_version_and_renders_its_content_once(
    client, django_assert_num_queries
):
    """Each view reads the catalogue's version; the content is rendered (offers and experts
    read in full) only on the first view."""
    ExpertFactory(name="Orion")
    with django_assert_num_queries(3):  # the version, then the offers and the experts
        client.get("/")
    for _view in range(2):
        with django_assert_num_queries(1):  # the version
            body = client.get("/").content.decode()
        assert "Orion" in body
        assert "Mystique" in body


def test_the_tunnel_page_reads_the_offer_and_the_experts_once_per_version(
    client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the version, then the offer and the experts
        first = client.get("/commande/?offer=mystique").content.decode()
    for _view in range(2):
        with django_assert_num_queries(1):  # the version
            again = client.get("/commande/?offer=mystique").content.decode()
        assert again.count('name="expert"') == first.count('name="expert"') > 0
    with django_assert_num_queries(3):  # the version, then the other offer's page
        client.get("/commande/?offer=initie")


def test_an_order_takes_the_price_in_the_database_never_the_cached_one(client):
    """The tunnel's page caches its offer; the order it creates reads the offer afresh, even
    when a bare update() left the catalogue's version (and so the cached page) unchanged."""
    from orders.models import Offer

    assert "47,00" in client.get("/commande/?offer=mystique").content.decode()
    Offer.objects.filter(slug="mystique").update(price_cents=5200)  # updated_at untouched
    assert "47,00" in client.get("/commande/?offer=mystique").content.decode()  # cached
    assert _start(client).price_cents == 5200


def test_a_posted_checkout_reads_the_experts_to_check_the_choice(client):
    """The cached empty form never stands in for validation: a withdrawn expert is refused."""
    orion = ExpertFactory(name="Orion")
    client.get("/commande/?offer=mystique")
    orion.is_active = False
    orion.save()
    response = client.post(
        "/commande/",
        {
            "offer": "mystique",
            "email": "a@example.com",
            "first_name": "Ana",
            "last_name": "Lune",
            "expert": orion.slug,
        },
    )
    assert response.status_code == 400
    assert "Choisissez un expert de la liste." in response.content.decode()


def test_a_second_view_of_a_confirmation_reads_only_what_its_cache_key_needs(client):
    order = _start(client)
    url = f"/confirmation/?order_id={order.public_id}"
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    (query,) = [q["sql"] for q in context.captured_queries if "orders_order" in q["sql"]]
    selected = query.split(" FROM ")[0]
    assert "updated_at" in selected
    assert "email" not in selected
    assert "price_cents" not in selected


def test_a_first_view_of_a_confirmation_reads_the_order_without_the_readings_content(client):
    delivered = timezone.now()
    order = OrderFactory(
        paid=True,
        status=Order.Status.COMPLETED,
        expert=ExpertFactory(name="Séléné"),
        reading__texts={"reading": "Un texte long que cette page ne montre pas."},
        reading__delivered_at=delivered,
    )
    with CaptureQueriesContext(connection) as context:
        body = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert len(context.captured_queries) == 2  # the cache key's columns, then the page's
    assert all("texts" not in query["sql"] for query in context.captured_queries)
    assert "Séléné" in body
    # The timeline's last step carries the reading's delivery date.
    assert f'datetime="{timezone.localtime(delivered).isoformat()}"' in body


def test_the_confirmation_follows_the_order_and_carries_each_visitors_token(client):
    order = _start(client)
    pending = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Paiement en cours de confirmation" in pending
    _pay(client, order, "4242424242424242")
    paid = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Merci pour votre commande" in paid
    assert "Paiement en cours de confirmation" not in paid
    # confirmation.js posts with the visitor's own CSRF token.
    other = Client()
    page = other.get(f"/confirmation/?order_id={order.public_id}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    assert token not in paid
    assert page.cookies["csrftoken"]


def test_the_empty_tunnel_form_follows_the_experts_at_once(client):
    assert "Orion" not in client.get("/commande/?offer=mystique").content.decode()
    orion = ExpertFactory(name="Orion")
    body = client.get("/commande/?offer=mystique").content.decode()
    assert f'<option value="{orion.slug}">Orion</option>' in body
    # Withdrawn: a form filled in meanwhile is checked against the experts as they are now.
    Expert.objects.filter(pk=orion.pk).update(is_active=False)
    answers = {"offer": "mystique", "email": "lea@example.com", "first_name": "Léa"}
    body = client.post("/commande/", answers | {"last_name": "M", "expert": orion.slug})
    assert "Choisissez un expert de la liste." in body.content.decode()
    assert not Order.objects.exists()
    assert "Orion" not in client.get("/commande/?offer=mystique").content.decode()


def test_a_refused_tunnel_form_shows_the_visitors_answers_and_errors(client):
    body = client.post("/commande/", {"offer": "mystique", "email": "pas-un-mail"}).content.decode()
    assert "Cette adresse e-mail n’est pas valide." in body
    assert 'value="pas-un-mail"' in body


def test_the_history_records_what_was_bought_at_what_price_in_french(client):
    client.post(
        "/commande/",
        {
            "offer": "integrale",
            "email": "lea@example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "expert": "expert-lumira",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    order = Order.objects.get(email="lea@example.com")
    assert order.language == "en"
    (event,) = order.events.all()
    assert (event.source, event.note) == ("checkout", f"{order.offer_name}, 149,00\u00a0€")
