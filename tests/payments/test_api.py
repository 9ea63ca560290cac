"""SPEC §6.2, row by row, through the Django test client (demo gateway)."""

import json
import uuid

import pytest

from orders.models import Offer, Order
from payments.models import DemoIntent
from tests.factories import ExpertFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE = "/api/payments/create-payment-intent"
CONFIRM = "/api/payments/confirm-payment"


def post_json(client, url, payload):
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


def test_create_payment_intent_answers_the_contract(client):
    response = post_json(
        client,
        CREATE,
        {
            "level": 2,
            "service": "advanced",
            "customerEmail": "Zoe@Example.com",
            "customerName": "Zoé Blanc",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "clientSecret",
        "orderId",
        "paymentIntentId",
        "amount",
        "currency",
        "expertName",
    }
    assert body["amount"] == 4700
    assert body["currency"] == "eur"
    assert body["expertName"] == "Expert Lumira"
    order = Order.objects.get(public_id=body["orderId"])
    assert (order.email, order.first_name, order.last_name) == ("zoe@example.com", "Zoé", "Blanc")
    assert order.payment_intent_id == body["paymentIntentId"]
    assert DemoIntent.objects.get(intent_id=body["paymentIntentId"]).amount == 4700


@pytest.mark.parametrize(
    ("payload", "level"),
    [
        ({"offer": "integrale"}, 4),
        ({"level": "1"}, 1),
        ({"service": "premium"}, 3),
        ({"level": 3, "service": "premium"}, 3),
        ({"offer": "mystique", "level": 2}, 2),
    ],
)
def test_an_offer_can_be_asked_for_by_slug_level_service_or_a_consistent_pair(
    client, payload, level
):
    response = post_json(client, CREATE, {"customerEmail": "a@example.com", **payload})
    assert response.status_code == 200
    assert Order.objects.get().level == level


def test_the_amount_in_the_request_is_ignored(client):
    response = post_json(
        client, CREATE, {"offer": "integrale", "amount": 100, "customerEmail": "a@example.com"}
    )
    assert response.json()["amount"] == 14900
    assert Order.objects.get().price_cents == 14900


def test_a_chosen_expert_is_recorded(client):
    expert = ExpertFactory(name="Aurore")
    response = post_json(
        client,
        CREATE,
        {"offer": "initie", "customerEmail": "a@example.com", "expertId": expert.slug},
    )
    assert response.json()["expertName"] == "Aurore"
    assert Order.objects.get().expert == expert


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"level": 2}, 400, "MISSING_PARAMETER"),
        ({"customerEmail": "a@example.com"}, 400, "MISSING_PARAMETER"),
        ({"customerEmail": "", "level": 2}, 400, "MISSING_PARAMETER"),
        ({"customerEmail": None, "level": 2}, 400, "MISSING_PARAMETER"),
        ({"customerEmail": "not-an-email", "level": 2}, 400, "INVALID_EMAIL"),
        ({"customerEmail": "a@b", "level": 2}, 400, "INVALID_EMAIL"),
        ({"customerEmail": 42, "level": 2}, 400, "INVALID_PARAMETER"),
        ({"customerEmail": ["a@example.com"], "level": 2}, 400, "INVALID_PARAMETER"),
        ({"customerEmail": "a@example.com", "level": 9}, 404, "OFFER_NOT_FOUND"),
        ({"customerEmail": "a@example.com", "level": "trois"}, 404, "OFFER_NOT_FOUND"),
        ({"customerEmail": "a@example.com", "level": -1}, 404, "OFFER_NOT_FOUND"),
        ({"customerEmail": "a@example.com", "level": 10**30}, 404, "OFFER_NOT_FOUND"),
        ({"customerEmail": "a@example.com", "level": {"$gt": 0}}, 400, "INVALID_PARAMETER"),
        ({"customerEmail": "a@example.com", "level": True}, 400, "INVALID_PARAMETER"),
        ({"customerEmail": "a@example.com", "level": 2.5}, 400, "INVALID_PARAMETER"),
        ({"customerEmail": "a@example.com", "service": "gold"}, 404, "OFFER_NOT_FOUND"),
        ({"customerEmail": "a@example.com", "offer": "inconnu"}, 404, "OFFER_NOT_FOUND"),
        ({"customerEmail": "a@example.com", "level": 3, "service": "basic"}, 400, "OFFER_MISMATCH"),
        ({"customerEmail": "a@example.com", "offer": "initie", "level": 4}, 400, "OFFER_MISMATCH"),
        (
            {"customerEmail": "a@example.com", "level": 2, "expertId": "nobody"},
            404,
            "EXPERT_NOT_FOUND",
        ),
        (
            {"customerEmail": "a@example.com", "level": 2, "expertId": str(uuid.uuid4())},
            404,
            "EXPERT_NOT_FOUND",
        ),
        ({"customerEmail": "a@example.com", "level": 2, "expertId": 7}, 400, "INVALID_PARAMETER"),
        (
            {"customerEmail": "a@example.com", "level": 2, "customerName": {"a": 1}},
            400,
            "INVALID_PARAMETER",
        ),
        (
            {"customerEmail": "a@example.com", "level": 2, "customerName": "x" * 1000},
            400,
            "INVALID_PARAMETER",
        ),
    ],
)
def test_create_payment_intent_refuses_bad_input_with_a_code(client, payload, status, code):
    response = post_json(client, CREATE, payload)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["error"]
    assert not Order.objects.exists()


def test_an_inactive_offer_cannot_be_bought(client):
    Offer.objects.filter(slug="profond").update(is_active=False)
    response = post_json(client, CREATE, {"customerEmail": "a@example.com", "offer": "profond"})
    assert response.status_code == 404
    assert response.json()["code"] == "OFFER_NOT_FOUND"


def test_an_inactive_expert_cannot_be_chosen(client):
    expert = ExpertFactory(is_active=False)
    response = post_json(
        client, CREATE, {"customerEmail": "a@example.com", "level": 1, "expertId": expert.slug}
    )
    assert response.json()["code"] == "EXPERT_NOT_FOUND"


@pytest.mark.parametrize(
    "body", [b"", b"{", b"not json", b"[]", b"null", b"42", b'"x"', b"\xff\xfe", b"[" * 100000]
)
@pytest.mark.parametrize("url", [CREATE, CONFIRM])
def test_anything_but_a_json_object_is_invalid_json(client, url, body):
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_JSON"


@pytest.mark.parametrize("url", [CREATE, CONFIRM])
def test_a_body_over_one_megabyte_is_refused(client, url):
    body = json.dumps({"customerEmail": "a@example.com", "level": 1, "pad": "x" * (1024 * 1024)})
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize("url", [CREATE, CONFIRM])
def test_get_is_refused(client, url):
    response = client.get(url)
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"


def test_stripe_config_error_when_payments_are_not_configured(client, settings):
    settings.PAYMENTS_DEMO = False
    settings.DEBUG = False
    response = post_json(client, CREATE, {"customerEmail": "a@example.com", "level": 1})
    assert response.status_code == 503
    assert response.json()["code"] == "STRIPE_CONFIG_ERROR"


# --- confirm-payment ------------------------------------------------------------------------


def _demo_order(client):
    body = post_json(client, CREATE, {"customerEmail": "a@example.com", "level": 2}).json()
    order = Order.objects.get(public_id=body["orderId"])
    return order, body["paymentIntentId"]


def test_confirm_payment_applies_a_demo_intent_that_succeeded(client):
    order, intent_id = _demo_order(client)
    DemoIntent.objects.filter(intent_id=intent_id).update(status="succeeded")
    response = post_json(client, CONFIRM, {"paymentIntentId": intent_id})
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "order": {
            "id": str(order.public_id),
            "status": "paid",
            "paymentStatus": "succeeded",
            "amount": 4700,
            "service": "advanced",
        },
    }
    assert order.events.filter(to_status="paid", source="confirm-payment").count() == 1


def test_confirm_payment_on_an_unpaid_intent_changes_nothing(client):
    _order, intent_id = _demo_order(client)
    response = post_json(client, CONFIRM, {"paymentIntentId": intent_id})
    assert response.json()["success"] is False
    assert response.json()["order"]["status"] == "pending"


def test_confirm_payment_twice_makes_one_transition(client):
    order, intent_id = _demo_order(client)
    DemoIntent.objects.filter(intent_id=intent_id).update(status="succeeded")
    post_json(client, CONFIRM, {"paymentIntentId": intent_id})
    post_json(client, CONFIRM, {"paymentIntentId": intent_id})
    assert order.events.filter(to_status="paid").count() == 1


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({}, 400, "MISSING_PARAMETER"),
        ({"paymentIntentId": ""}, 400, "MISSING_PARAMETER"),
        ({"paymentIntentId": 12}, 400, "INVALID_PARAMETER"),
        ({"paymentIntentId": "pi_unknown"}, 404, "ORDER_NOT_FOUND"),
    ],
)
def test_confirm_payment_refuses_bad_input(client, payload, status, code):
    response = post_json(client, CONFIRM, payload)
    assert response.status_code == status
    assert response.json()["code"] == code


# --- order detail ----------------------------------------------------------------------------


def test_order_detail_answers_the_contract_without_personal_data_for_strangers(client):
    order = OrderFactory(paid=True, expert=None)
    response = client.get(f"/api/payments/order/{order.public_id}")
    assert response.status_code == 200
    body = response.json()["order"]
    assert set(body) == {
        "id",
        "orderNumber",
        "status",
        "paymentStatus",
        "amount",
        "currency",
        "service",
        "level",
        "levelName",
        "expertName",
        "createdAt",
        "paidAt",
    }
    assert body["orderNumber"] == order.number
    assert body["status"] == "paid"
    assert body["amount"] == 4700
    assert body["paidAt"] is not None
    assert order.email not in response.content.decode()


def test_order_detail_shows_contact_fields_to_the_browser_that_ordered(client):
    body = post_json(
        client, CREATE, {"customerEmail": "mine@example.com", "level": 1, "customerName": "Ana Lys"}
    ).json()
    detail = client.get(f"/api/payments/order/{body['orderId']}").json()["order"]
    assert detail["customerEmail"] == "mine@example.com"
    assert detail["customerName"] == "Ana Lys"
    assert detail["expertName"] == "Expert Lumira"


def test_order_detail_shows_contact_fields_to_the_owner_and_to_staff(client):
    order = OrderFactory(email="owner@example.com")
    client.force_login(UserFactory(username="owner@example.com"))
    assert client.get(f"/api/payments/order/{order.public_id}").json()["order"]["customerEmail"]
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/api/payments/order/{order.public_id}").json()["order"]["customerEmail"]
    client.force_login(UserFactory(username="other@example.com"))
    assert (
        "customerEmail" not in client.get(f"/api/payments/order/{order.public_id}").json()["order"]
    )


def test_order_detail_values_are_the_orders_own(client):
    """The endpoint reads its columns with plain SQL: each value must be the ORM's, to the
    time zone of a date and the expert's name through the join (SQLite and PostgreSQL)."""
    expert = ExpertFactory(name="Maëlle Sorel")
    order = OrderFactory(paid=True, expert=expert, first_name="Ana", last_name="Lys")
    order.refresh_from_db()
    body = client.get(f"/api/payments/order/{order.public_id}").json()["order"]
    assert body == {
        "id": str(order.public_id),
        "orderNumber": order.number,
        "status": "paid",
        "paymentStatus": order.payment_status,
        "amount": order.price_cents,
        "currency": order.currency,
        "service": order.service,
        "level": order.level,
        "levelName": order.level_name,
        "expertName": "Maëlle Sorel",
        "createdAt": order.created_at.isoformat(),
        "paidAt": order.paid_at.isoformat(),
    }
    assert body["createdAt"].endswith("+00:00")
    client.force_login(UserFactory(is_staff=True))
    staff_view = client.get(f"/api/payments/order/{order.public_id}").json()["order"]
    assert staff_view["customerEmail"] == order.email
    assert staff_view["customerName"] == "Ana Lys"


def test_order_detail_reads_one_row_for_a_stranger(client, django_assert_num_queries):
    order = OrderFactory(paid=True)
    with django_assert_num_queries(1):
        assert client.get(f"/api/payments/order/{order.public_id}").status_code == 200


@pytest.mark.parametrize(
    "public_id", ["nope", "123", "4eb7e439-bf82-462e-a842-cbb51f687db6", "%00", "' OR 1=1"]
)
def test_order_detail_of_an_unknown_id_is_order_not_found(client, public_id):
    response = client.get(f"/api/payments/order/{public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "ORDER_NOT_FOUND"


def test_order_detail_uses_two_queries_at_most(client, django_assert_max_num_queries):
    order = OrderFactory(paid=True)
    with django_assert_max_num_queries(2):
        client.get(f"/api/payments/order/{order.public_id}")


# --- health ----------------------------------------------------------------------------------


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    # The database is the edge we do not own: make it unreachable, keep our view intact.
    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", CREATE),
        ("put", CONFIRM),
        ("post", "/api/payments/order/x"),
        ("get", "/api/payments/webhook"),
    ],
)
def test_a_wrong_method_is_a_json_405(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"


def test_a_missing_csrf_token_is_a_json_403():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post_json(strict, CREATE, {"customerEmail": "a@example.com", "level": 1})
    assert response.status_code == 403
    assert response.json()["code"] == "CSRF_FAILED"
    assert not Order.objects.exists()


def test_a_missing_csrf_token_on_a_page_is_still_the_html_refusal():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/commande/", {"offer": "initie"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("field", ["offer", "service"])
def test_a_nul_byte_in_the_offer_is_offer_not_found(client, field):
    response = post_json(client, CREATE, {"customerEmail": "a@example.com", field: "premium\x00"})
    assert response.status_code == 404
    assert response.json()["code"] == "OFFER_NOT_FOUND"


def test_resolving_an_offer_is_one_query(client, django_assert_num_queries):
    from orders.catalogue import resolve_offer

    with django_assert_num_queries(1):
        assert resolve_offer(level="3", service="premium", slug="profond").slug == "profond"


def test_favicon_ico_points_at_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
