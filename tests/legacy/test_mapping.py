"""The mapping rules of SPEC §10 on single documents: no database writes involved."""

import datetime as dt

import pytest

from legacy.mapping import Context, Rejected, map_order, map_product_order, order_status
from orders.models import Offer, Order
from tests.legacy.conftest import content, legacy_order

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def context():
    offers = list(Offer.objects.all())
    return Context(
        offers_by_level={o.level: o for o in offers}, offers_by_slug={o.slug: o for o in offers}
    )


@pytest.mark.parametrize(
    ("legacy", "approved", "has_content", "expected"),
    [
        ("pending", False, False, S.PENDING),
        ("paid", False, False, S.PAID),
        ("processing", False, True, S.PROCESSING),
        ("awaiting_validation", False, True, S.AWAITING_VALIDATION),
        ("completed", True, True, S.COMPLETED),
        ("completed", False, True, S.PAID),
        ("completed", True, False, S.PAID),
        ("failed", False, False, S.FAILED),
        ("refunded", True, True, S.REFUNDED),
        (" Paid ", False, False, S.PAID),
    ],
)
def test_legacy_statuses_map_to_ours(legacy, approved, has_content, expected):
    status, _note = order_status(legacy, approved=approved, has_content=has_content)
    assert status == expected


@pytest.mark.parametrize("legacy", ["shipped", "", None, 3, "delivered"])
def test_unknown_statuses_are_rejected(legacy):
    with pytest.raises(Rejected, match="statut inconnu"):
        order_status(legacy, approved=True, has_content=True)


def test_a_level_four_order_needs_the_soul_profile_to_count_as_delivered(context):
    partial = content(4) | {"soulProfile": ""}
    document = legacy_order(
        level=4,
        amount=14900,
        status="completed",
        generatedContent=partial,
        expertValidation={"validationStatus": "approved"},
    )

    assert map_order(document, context).status == S.PAID
    document["generatedContent"] = content(4)
    mapped = map_order(document, context)
    assert mapped.status == S.COMPLETED
    # No deliveredAt nor validatedAt: updatedAt is the delivery instant.
    assert mapped.reading["delivered_at"] == document["updatedAt"]


@pytest.mark.parametrize(
    ("amount", "expected"), [(4700, 4700), (4700.0, 4700), (2**31 - 1, 2**31 - 1)]
)
def test_amounts_are_whole_positive_cents(context, amount, expected):
    assert map_order(legacy_order(amount=amount), context).fields["price_cents"] == expected


@pytest.mark.parametrize("amount", ["4700", 47.5, 0, -1, True, None, 2**31])
def test_other_amounts_are_rejected(context, amount):
    with pytest.raises(Rejected, match="amount"):
        map_order(legacy_order(amount=amount), context)


def test_currency_is_lower_cased_and_must_be_three_letters(context):
    assert map_order(legacy_order(currency="EUR"), context).fields["currency"] == "eur"
    assert map_order(legacy_order(currency=None), context).fields["currency"] == "eur"
    with pytest.raises(Rejected, match="currency"):
        map_order(legacy_order(currency="euros"), context)


def test_dates_keep_their_instant_in_utc(context):
    paris = dt.timezone(dt.timedelta(hours=1))
    document = legacy_order(paidAt=dt.datetime(2025, 1, 12, 10, 31, tzinfo=paris))

    paid_at = map_order(document, context).fields["paid_at"]

    assert paid_at == dt.datetime(2025, 1, 12, 9, 31, tzinfo=dt.UTC)
    assert paid_at.tzinfo == dt.UTC


def test_the_email_falls_back_to_the_user_document(context):
    document = legacy_order(userEmail="", formData={"firstName": "Ana"})
    context.user_emails[str(document["userId"])] = "ana@example.com"

    assert map_order(document, context).fields["email"] == "ana@example.com"
    context.user_emails.clear()
    with pytest.raises(Rejected, match="manquant"):
        map_order(document, context)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("formData", {"preferences": {"audioVoice": "robot"}}, "audioVoice inconnu"),
        ("formData", {"preferences": {"deliveryFormat": "pigeon"}}, "deliveryFormat inconnu"),
        ("clientInputs", {"birthTime": "vers midi"}, "birthTime n’est pas une heure"),
        ("paidAt", "hier", "paidAt n’est pas une date"),
        ("orderNumber", "X" * 25, "orderNumber dépasse 24"),
        ("level", "3", "level n’est pas un entier"),
        ("_id", "not-an-object-id", "_id absent"),
    ],
)
def test_malformed_fields_are_rejected_with_a_reason(context, field, value, reason):
    with pytest.raises(Rejected, match=reason):
        map_order(legacy_order(**{field: value}), context)


def test_a_productorder_with_an_unknown_product_is_rejected(context):
    with pytest.raises(Rejected, match="productId inconnu"):
        map_product_order(
            {"_id": legacy_order()["_id"], "productId": "vip", "amount": 100}, context
        )
