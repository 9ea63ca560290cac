"""Hostile input at every JSON endpoint and every form: never a 500, never a half-done change.

Each test draws requests with hypothesis, sends them with the Django test client and checks
what the database holds before and after each one (the examples share one test transaction,
so a count comparison is the per-example check). A refused request changes nothing; an
accepted one changes only what its happy path does.

To cover a new form (the desk, the Sanctuaire), add a `HostileForm` to FORMS; to cover a new
JSON endpoint, add a `JsonEndpoint` to JSON_ENDPOINTS.
"""

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.test import Client
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumira.jsonapi import ErrorCode
from orders.access import SESSION_KEY
from orders.models import Order, OrderEvent
from payments.models import DemoIntent, ProcessedEvent
from shop.forms import ConsentForm, DemoCardForm
from tests.factories import CONSENT, ExpertFactory, OrderFactory, UserFactory
from tests.security.strategies import (
    content_types,
    digits,
    form_values,
    header_values,
    headers,
    json_bodies,
    nasty,
    slugs,
    text,
)

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec_hostileInputTests0123456789"
HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ERROR_CODES = {str(code) for code in ErrorCode}


def snapshot() -> tuple:
    """Everything a request could change: orders (status, intent), history, events, intents."""
    return (
        tuple(
            Order.objects.order_by("pk").values_list(
                "pk", "status", "payment_intent_id", "payment_flag", "updated_at"
            )
        ),
        OrderEvent.objects.count(),
        ProcessedEvent.objects.count(),
        DemoIntent.objects.count(),
    )


def assert_json_error(response: HttpResponse) -> None:
    assert 400 <= response.status_code < 500, response.status_code
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"error", "code"}
    assert isinstance(body["error"], str)
    assert body["error"]
    assert body["code"] in ERROR_CODES


# --- JSON endpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JsonEndpoint:
    path: str
    fields: dict[str, st.SearchStrategy] = field(default_factory=dict)
    # Statuses of a request that did what the endpoint is for (its state change is allowed).
    accepted: frozenset[int] = frozenset({200})


JSON_ENDPOINTS = [
    JsonEndpoint(
        "/api/payments/create-payment-intent",
        {
            "customerEmail": st.emails() | st.just("client@example.com"),
            "customerName": text,
            "expertId": slugs | st.uuids().map(str),
            "level": st.integers(0, 5) | st.sampled_from(["1", "2", "3", "4"]),
            "service": st.sampled_from(["basic", "advanced", "premium", "vip"]),
            "offer": slugs,
            "amount": st.integers(),
        },
    ),
    JsonEndpoint(
        "/api/payments/confirm-payment",
        {"paymentIntentId": st.sampled_from(["pi_hostile_pending", "pi_demo_unknown"]) | text},
    ),
]


@pytest.fixture
def pending_order(db) -> Order:
    """A pending order and its demo PaymentIntent, as the checkout leaves them."""
    order = OrderFactory(payment_intent_id="pi_hostile_pending")
    DemoIntent.objects.create(
        intent_id=order.payment_intent_id,
        client_secret="pi_hostile_pending_secret_x",
        order_public_id=str(order.public_id),
        amount=order.price_cents,
        currency=order.currency,
    )
    return order


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=lambda endpoint: endpoint.path)
def test_json_endpoints_answer_any_body_with_a_json_error_or_their_happy_path(
    endpoint, pending_order
):
    @HYPOTHESIS
    @given(body=json_bodies(endpoint.fields), content_type=content_types, extra=headers)
    def hostile(body: bytes, content_type: str, extra: dict[str, str]) -> None:
        client = Client()
        before = snapshot()
        response = client.post(endpoint.path, body, content_type=content_type, headers=extra)
        if response.status_code in endpoint.accepted:
            assert response["Content-Type"] == "application/json"
        else:
            assert_json_error(response)
            assert snapshot() == before

    hostile()


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=lambda endpoint: endpoint.path)
def test_json_endpoints_refuse_other_methods_without_a_change(endpoint, pending_order):
    client = Client()
    before = snapshot()
    for method in (client.get, client.put, client.delete, client.patch):
        response = method(endpoint.path)
        assert response.status_code == 405
    assert snapshot() == before


@HYPOTHESIS
@given(
    public_id=text | st.uuids().map(str),
    query=st.dictionaries(text, text, max_size=2),
    extra=headers,
)
def test_order_json_answers_any_id_with_the_order_or_a_json_404(
    public_id, query, extra, pending_order
):
    client = Client()
    before = snapshot()
    # Any path segment, percent-encoded as a browser sends it. An empty one or one holding a
    # "/" names no endpoint (the API's own JSON 404); every other reaches the view.
    response = client.get(f"/api/payments/order/{quote(public_id, safe='')}", query, headers=extra)
    reaches_view = public_id != "" and "/" not in public_id
    assert response.status_code in ({200, 404} if reaches_view else {404})
    assert response["Content-Type"].startswith("application/json")
    if not reaches_view:
        assert response.json()["code"] == "NOT_FOUND"
    assert snapshot() == before


def test_order_json_answers_a_real_order(pending_order):
    response = Client().get(f"/api/payments/order/{pending_order.public_id}")
    assert response.status_code == 200
    assert response.json()["order"]["orderNumber"] == pending_order.number


# --- Webhook ----------------------------------------------------------------------------------


def stripe_signature(payload: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@pytest.fixture
def webhook_secret(settings) -> str:
    settings.DEMO_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET


@pytest.fixture
def paid_order(db) -> Order:
    return OrderFactory(paid=True, payment_intent_id="pi_hostile_paid")


# Signed events come from Stripe (or our demo gateway), never with NUL in a string: the
# strategies for them leave NUL out so that a signed event tests the handlers, not the driver.
signed_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30)
intent_ids = st.sampled_from(["pi_hostile_paid", "pi_hostile_pending", "pi_unknown"]) | signed_text
signed_json = st.recursive(
    st.none() | st.booleans() | st.integers() | signed_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(signed_text, children, max_size=3)
    ),
    max_leaves=6,
)
events = st.fixed_dictionaries(
    {
        "id": st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), min_size=1),
        "type": st.sampled_from(
            [
                "payment_intent.succeeded",
                "payment_intent.payment_failed",
                "payment_intent.canceled",
                "charge.refunded",
            ]
        )
        | signed_text,
        "data": st.fixed_dictionaries(
            {
                "object": st.fixed_dictionaries(
                    {"id": intent_ids},
                    optional={
                        "amount": st.sampled_from([4700, 0, -1]) | signed_json,
                        "amount_received": st.sampled_from([4700, 0]) | signed_json,
                        "amount_refunded": st.sampled_from([4700, 0]) | signed_json,
                        "currency": st.sampled_from(["eur", "usd"]) | signed_json,
                        "status": st.sampled_from(["succeeded", "canceled"]) | signed_json,
                        "metadata": st.fixed_dictionaries({"orderId": signed_text}) | signed_json,
                        "last_payment_error": signed_json,
                        "payment_intent": intent_ids | signed_json,
                        "refunded": signed_json,
                    },
                )
            }
        ),
    },
    optional={"livemode": signed_json, "created": signed_json},
)


def bad_signatures(payload: bytes) -> st.SearchStrategy[str | None]:
    """Every way a Stripe-Signature header can be wrong for this payload."""
    return st.one_of(
        st.none(),
        header_values,
        st.builds(lambda t, v1: f"t={t},v1={v1}", st.integers(), header_values),
        st.just(stripe_signature(payload + b" ")),  # a signature of another body
        st.just(stripe_signature(payload, secret="whsec_someoneElse0123456789")),
        st.just(stripe_signature(payload, at=int(time.time()) - 3600)),  # replayed an hour late
    )


@HYPOTHESIS
@given(
    payload=json_bodies({}) | events.map(lambda event: json.dumps(event).encode()),
    data=st.data(),
    extra=headers,
)
def test_webhook_refuses_a_bad_signature_before_any_write(
    payload, data, extra, webhook_secret, pending_order, paid_order
):
    signature = data.draw(bad_signatures(payload))
    client = Client()
    before = snapshot()
    extra.pop("Stripe-Signature", None)
    if signature is not None:
        extra["Stripe-Signature"] = signature
    response = client.post(
        "/api/payments/webhook",
        payload,
        content_type="application/json",
        headers=extra,
    )
    assert_json_error(response)
    assert response.status_code == 400
    assert snapshot() == before


@HYPOTHESIS
@given(
    payload=signed_json.map(lambda value: json.dumps(value).encode())
    | events.map(lambda event: json.dumps(event).encode())
    | st.binary(max_size=60),
)
def test_webhook_applies_or_refuses_any_signed_body_without_a_500(
    payload, webhook_secret, pending_order, paid_order
):
    client = Client()
    before = snapshot()
    response = client.post(
        "/api/payments/webhook",
        payload,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(payload)},
    )
    if response.status_code == 200:
        body = response.json()
        assert body["received"] is True
        recorded = ProcessedEvent.objects.count() - before[2]
        assert recorded == (0 if body.get("duplicate") else 1)
    else:
        assert_json_error(response)
        assert response.status_code == 400
        assert snapshot() == before
    # SPEC §6.4: whatever arrives later, a paid order never goes back to failed or pending.
    paid_order.refresh_from_db()
    assert paid_order.status in {Order.Status.PAID, Order.Status.REFUNDED}


# --- Forms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileForm:
    name: str
    # Builds the URL, creating what the form needs (an order to pay…); runs per example.
    path: Callable[[Client], str]
    fields: dict[str, st.SearchStrategy]
    # Whether this submission was a valid one, whose happy path may change the database.
    accepted: Callable[[HttpResponse, dict], bool]
    allowed_statuses: frozenset[int] = frozenset({200, 302, 400, 404})
    # False where every field is optional, so that an empty body is a valid submission.
    raw_bodies_change_nothing: bool = True


def _payable_order(client: Client) -> str:
    """A pending order with its demo PaymentIntent, as the payment page leaves it."""
    order = OrderFactory(payment_intent_id=None)
    assert client.get(f"/commande/{order.public_id}/paiement/").status_code == 200
    return f"/commande/{order.public_id}/paiement/"


def _paid_order_of_this_browser(client: Client) -> str:
    """A paid order whose intake form this browser may open (it bought the order)."""
    order = OrderFactory(paid=True)
    session = client.session
    session[SESSION_KEY] = [str(order.public_id)]
    session.save()
    return f"/commande/{order.public_id}/formulaire/"


def _desk(action: str, status: str) -> Callable[[Client], str]:
    """A desk action on an order in `status`, claimed by the logged-in expert."""

    def path(client: Client) -> str:
        expert = ExpertFactory()
        client.force_login(expert.user)
        order = OrderFactory(paid=True, status=status, assigned_expert=expert)
        return f"/desk/commande/{order.public_id}/{action}/"

    return path


def _logged_in_client(path: str, shown_on: str = "") -> Callable[[Client], str]:
    """`path` for a logged-in client, to whom the page with its form (`shown_on`, by default
    `path` itself) opens: not the login page."""

    def logged_in(client: Client) -> str:
        client.force_login(UserFactory())
        assert client.get(shown_on or path).status_code == 200
        return path

    return logged_in


def _desk_new_password(client: Client) -> str:
    """The page an expert's reset link opens, where the new password is typed twice."""
    user = ExpertFactory().user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = f"/desk/mot-de-passe/{uid}/{default_token_generator.make_token(user)}/"
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "new_password1" in page.content.decode()
    return page.redirect_chain[-1][0]


FORMS = [
    HostileForm(
        "checkout",
        path=lambda client: "/commande/",
        fields={
            "offer": slugs,
            "level": digits,
            "service": st.sampled_from(["basic", "advanced", "premium", "vip"]),
            "email": st.emails(),
            "first_name": form_values,
            "last_name": form_values,
            "expert": slugs,
        },
        accepted=lambda response, data: response.status_code == 302,
    ),
    HostileForm(
        "demo card",
        path=_payable_order,
        fields={
            "card_number": st.sampled_from(
                ["4242 4242 4242 4242", "4000000000000002", "4000 0000 0000 9995", "1234"]
            )
            | digits,
            "expiry": st.sampled_from(["12/34", "1/99", "13/30", "01/20"]),
            "cvc": st.sampled_from(["123", "1234", "12"]) | digits,
            "accept_terms": st.sampled_from(["on", ""]),
            "waive_withdrawal": st.sampled_from(["on", ""]),
        },
        # A well-formed card may be declined: the order then fails, as the SPEC wants. Without
        # both consent boxes nothing is charged.
        accepted=lambda response, data: (
            DemoCardForm(as_query(data)).is_valid() and ConsentForm(as_query(data)).is_valid()
        ),
    ),
    HostileForm(
        "sanctuaire login",
        path=lambda client: "/sanctuaire/connexion/",
        fields={"email": st.emails(), "next": text},
        accepted=lambda response, data: False,  # a login request never touches an order
        # Examples share one database: past ten requests from this address, the limit answers.
        allowed_statuses=frozenset({200, 302, 400, 429}),
    ),
    HostileForm(
        "intake",
        path=_paid_order_of_this_browser,
        fields={
            "date_of_birth": st.dates().map(str) | text,
            "birth_time": st.sampled_from(["08:30", "25:00", "x"]) | text,
            "birth_place": form_values,
            "question": form_values,
            "life_question": form_values,
            "specific_context": form_values,
            "audio_voice": st.sampled_from(["feminine", "masculine", "robot"]),
            "delivery_format": st.sampled_from(["email", "whatsapp", "fax"]),
            "phone": form_values,
        },
        # A valid submission saves the answers (updated_at moves); nothing else may change.
        accepted=lambda response, data: response.status_code == 302,
        allowed_statuses=frozenset({200, 302, 400}),
    ),
    HostileForm(
        "desk content",
        path=_desk("contenu", Order.Status.PROCESSING),
        fields={
            **dict.fromkeys(["archetype", "reading", "ritual", "mandala"], form_values),
            # "Enregistrer et soumettre" with content missing: the editor again, as a 400.
            "action": st.sampled_from(["save", "submit"]),
        },
        # Saved (302); or saved, then refused for what is still missing (a 400 that says so).
        accepted=lambda response, data: (
            response.status_code == 302 or "il reste à compléter" in response.content.decode()
        ),
        allowed_statuses=frozenset({200, 302, 400}),
        raw_bodies_change_nothing=False,  # an expert may save an empty draft
    ),
    HostileForm(
        "desk password reset",
        path=lambda client: "/desk/mot-de-passe/",
        fields={"email": st.emails()},
        accepted=lambda response, data: False,  # a reset request never touches an order
        allowed_statuses=frozenset({302, 400}),  # sent (whatever the address), or refused
    ),
    HostileForm(
        "desk login",
        path=lambda client: "/desk/connexion/",
        fields={"username": st.emails(), "password": form_values},
        accepted=lambda response, data: False,  # a login never touches an order
        # No drawn password is an expert's: always the form again, with its message (a
        # lock-out after 20 failures included).
        allowed_statuses=frozenset({400}),
    ),
    HostileForm(
        "sanctuaire profile",
        path=_logged_in_client("/sanctuaire/profil/"),
        fields={
            "first_name": form_values,
            "last_name": form_values,
            "date_of_birth": st.dates().map(str) | text,
        },
        accepted=lambda response, data: False,  # the profile is not an order
        allowed_statuses=frozenset({302, 400}),
    ),
    HostileForm(
        "sanctuaire deletion",
        path=_logged_in_client("/sanctuaire/mes-donnees/suppression/", "/sanctuaire/mes-donnees/"),
        fields={"confirm": st.sampled_from(["on", "", "false"])},
        accepted=lambda response, data: False,  # a request, recorded apart from the orders
        allowed_statuses=frozenset({302, 400}),
    ),
    HostileForm(
        "desk new password",
        path=_desk_new_password,
        fields={"new_password1": form_values, "new_password2": form_values},
        accepted=lambda response, data: False,  # a password is not an order
        allowed_statuses=frozenset({302, 400}),
    ),
    HostileForm(
        "desk reject",
        path=_desk("rejeter", Order.Status.AWAITING_VALIDATION),
        fields={"reason": form_values},
        accepted=lambda response, data: bool(str(data.get("reason", "")).strip()),
        allowed_statuses=frozenset({200, 302, 400}),
    ),
]


def as_query(data: dict) -> MultiValueDict:
    """The form data as the view reads it (a list value posts one field per item)."""
    return MultiValueDict(
        {key: value if isinstance(value, list) else [value] for key, value in data.items()}
    )


def form_data(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    value = st.one_of(form_values, st.lists(form_values, max_size=3))
    return st.builds(
        lambda known, extra: {**extra, **known},
        st.fixed_dictionaries(
            {}, optional={key: strategy | nasty | value for key, strategy in fields.items()}
        ),
        st.dictionaries(text, value, max_size=2),
    )


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_forms_refuse_any_data_without_a_500_or_a_change(form, house_expert):
    @HYPOTHESIS
    @given(data=form_data(form.fields), extra=headers)
    def hostile(data: dict, extra: dict[str, str]) -> None:
        client = Client()
        path = form.path(client)
        before = snapshot()
        response = client.post(path, data, headers=extra)
        assert response.status_code in form.allowed_statuses
        if not form.accepted(response, data):
            assert snapshot() == before

    hostile()


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_forms_survive_raw_bodies_of_any_encoding(form, house_expert):
    @HYPOTHESIS
    @given(body=st.binary(max_size=120), content_type=content_types)
    def hostile(body: bytes, content_type: str) -> None:
        client = Client()
        path = form.path(client)
        before = snapshot()
        response = client.post(path, body, content_type=content_type)
        # Random bytes are never a complete valid submission: nothing may change.
        assert response.status_code in form.allowed_statuses
        if form.raw_bodies_change_nothing:
            assert snapshot() == before
        else:
            assert snapshot()[0][0][1] == before[0][0][1]  # at least the status stays

    hostile()


PAGES_WITH_QUERIES = {
    "/": {},
    "/commande/": {
        "offer": slugs,
        # "²" is a digit to str.isdigit() but not to int(); "٣" is an Arabic-Indic three.
        "level": digits | st.sampled_from(["1", "2", "3", "4", "-1", "1e3", "²", "٣"]),
        "service": st.sampled_from(["basic", "advanced", "premium", "vip"]),
    },
    "/confirmation/": {"order_id": st.uuids().map(str)},
}


@HYPOTHESIS
@given(
    path=st.sampled_from(list(PAGES_WITH_QUERIES)),
    data=st.data(),
    extra=headers,
)
def test_pages_answer_any_query_string_without_a_500_or_a_change(path, data, extra, pending_order):
    query = data.draw(form_data(PAGES_WITH_QUERIES[path]))
    client = Client()
    before = snapshot()
    response = client.get(path, query, headers=extra)
    assert response.status_code in {200, 400, 404}
    assert snapshot() == before


# NUL in a string is what PostgreSQL refuses (a DataError, so a 500 if a query gets it): every
# field meets it here for sure, not only when hypothesis happens to draw it.
VALID_INTENT_BODY = {"offer": "mystique", "customerEmail": "lea@example.com", "expertId": ""}


@pytest.mark.parametrize("key", [*VALID_INTENT_BODY, "customerName", "level", "service"])
def test_nul_in_any_create_intent_field_is_a_json_error(key, house_expert):
    before = snapshot()
    response = Client().post(
        "/api/payments/create-payment-intent",
        {**VALID_INTENT_BODY, key: "mystique\x00"},
        content_type="application/json",
    )
    assert_json_error(response)
    assert snapshot() == before


def test_nul_in_the_payment_intent_id_is_a_json_error(pending_order):
    before = snapshot()
    response = Client().post(
        "/api/payments/confirm-payment",
        {"paymentIntentId": "pi_hostile_pending\x00"},
        content_type="application/json",
    )
    assert_json_error(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    [{"offer": "mystique\x00"}, {"service": "premium\x00"}, {"level": "2\x00"}],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_nul_in_the_tunnel_offer_is_a_4xx(method, query, house_expert):
    before = snapshot()
    data = {**query, "email": "lea@example.com", "first_name": "Léa", "last_name": "Martin"}
    response = getattr(Client(), method)("/commande/", data)
    assert response.status_code in {400, 404}
    assert snapshot() == before


# --- CSRF: what the pages' JSON calls and forms rely on (SPEC §6.2) ---------------------------

POSTED_PATHS = [endpoint.path for endpoint in JSON_ENDPOINTS] + ["/commande/"]


@HYPOTHESIS
@given(
    path=st.sampled_from(POSTED_PATHS),
    body=json_bodies(JSON_ENDPOINTS[0].fields),
    content_type=content_types,
    extra=headers,
)
def test_posts_without_a_csrf_token_are_refused_without_a_change(
    path, body, content_type, extra, pending_order, house_expert
):
    client = Client(enforce_csrf_checks=True)
    before = snapshot()
    response = client.post(path, body, content_type=content_type, headers=extra)
    assert response.status_code == 403
    assert snapshot() == before


def test_a_valid_purchase_still_passes_the_hostile_oracles(house_expert):
    """The happy paths the oracles allow really exist (else the tests above prove little)."""
    client = Client()
    response = client.post(
        "/api/payments/create-payment-intent",
        {"offer": "mystique", "customerEmail": "lea@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 200
    order = Order.objects.get(public_id=uuid.UUID(response.json()["orderId"]))
    path = f"/commande/{order.public_id}/paiement/"
    data = {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123", **CONSENT}
    assert DemoCardForm(data).is_valid()
    assert client.post(path, data).status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
