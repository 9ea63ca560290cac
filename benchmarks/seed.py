"""Seed a benchmark database fast (bulk_create) and describe what the load generator may ask for.

Run by benchmarks/run.py in a subprocess, with DJANGO_SETTINGS_MODULE=benchmarks.settings:

    python -m benchmarks.seed --orders 1000 --out fixtures.json
    python -m benchmarks.seed --pending-pool 5000 --out pool.json   (unpaid orders to pay)
    python -m benchmarks.seed --drop-pool --out pool-report.json    (what became of them)

The first call seeds the live pipeline (what the desk works on: a fixed number of paid,
processing and awaiting-validation orders) plus history; later calls add history only
(completed, refunded, failed and abandoned orders), as a real shop grows. So the desk queue
holds the same orders at 1,000 and at 100,000 rows, and any slow-down is the query's fault.
"""

import argparse
import json
import os
import random
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.middleware.csrf import CSRF_SECRET_LENGTH  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from experts.models import Expert  # noqa: E402
from orders.models import NUMBER_ALPHABET, Offer, Order, OrderEvent, Reading  # noqa: E402
from sanctuaire.models import ClientProfile  # noqa: E402

S = Order.Status
EXPERT_EMAIL = "bench.expert@example.com"
CLIENT_EMAIL = "bench.client@example.com"
# The live pipeline, seeded once: it does not grow with the history.
PIPELINE = {S.PAID: 40, S.PROCESSING: 15, S.AWAITING_VALIDATION: 10}
# The history: what 100,000 orders mostly are.
HISTORY = [(S.COMPLETED, 80), (S.REFUNDED, 3), (S.FAILED, 5), (S.PENDING, 12)]
READING = (
    "Votre chemin traverse une saison de seuils : ce qui se ferme laisse passer la lumière. " * 9
)
BATCH = 2_000


def session_cookie(user: User) -> str:
    """A `Cookie` header value logging `user` in, made as django.contrib.auth.login would.

    It carries a CSRF cookie too, as any logged-in browser's does: it loaded the login form, and
    each page with a form (every Sanctuaire and desk page has the logout form) sets it. Without
    it, every request would mint a new CSRF secret and answer a `Set-Cookie`, a first visit's
    cost that a logged-in client never pays twice.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf_secret = get_random_string(CSRF_SECRET_LENGTH)  # letters and digits, as Django's
    return (
        f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf_secret}"
    )


def _number(index: int) -> str:
    digits = ""
    while True:
        index, rest = divmod(index, len(NUMBER_ALPHABET))
        digits = NUMBER_ALPHABET[rest] + digits
        if not index:
            break
    return f"LUM-BENCH-{digits.rjust(6, NUMBER_ALPHABET[0])}"


def _order(index: int, offer: Offer, status: str, *, expert: Expert, owner: User | None) -> Order:
    rng = random.Random(index)
    created = timezone.now() - timedelta(days=rng.uniform(0 if status in PIPELINE else 3, 1000))
    paid = status not in {S.PENDING, S.FAILED}
    email = owner.email if owner else f"client{index % 40_000}@example.com"
    order = Order(
        number=_number(index),
        status=status,
        offer=offer,
        level=offer.level,
        level_name=offer.level_name,
        offer_name=offer.name,
        service=offer.service,
        price_cents=offer.price_cents,
        currency=offer.currency,
        duration_minutes=offer.duration_minutes,
        email=email,
        first_name="Camille",
        last_name=f"Client {index}",
        user=owner,
        expert=expert,
        payment_intent_id=f"pi_bench_{index:08d}",
        payment_status="succeeded" if paid else "requires_payment_method",
        paid_at=created + timedelta(minutes=3) if paid else None,
        created_at=created,
    )
    if status in {S.PROCESSING, S.AWAITING_VALIDATION, S.COMPLETED, S.REFUNDED}:
        order.assigned_expert = expert
        order.assigned_at = created + timedelta(hours=2)
    if status == S.FAILED:
        order.failure_code = "card_declined"
        order.failure_message = "Votre carte a été refusée."
    return order


def _reading(order: Order) -> Reading | None:
    """What the expert wrote, for the orders that went that far."""
    if order.status not in {S.PROCESSING, S.AWAITING_VALIDATION, S.COMPLETED, S.REFUNDED}:
        return None
    reading = Reading(order=order)
    if order.status != S.PROCESSING:
        reading.texts = {
            "archetype": "L’Éclaireuse",
            "reading": READING,
            "ritual": "Allumez une bougie blanche au lever du jour.",
        }
    if order.status == S.COMPLETED:
        reading.delivered_at = order.created_at + timedelta(days=2)
        reading.validated_at = reading.delivered_at
    return reading


def _events(order: Order, *, full: bool) -> list[OrderEvent]:
    """The order's history: every step for live orders, the last one for old ones (speed)."""
    path = {
        S.PENDING: [S.PENDING],
        S.FAILED: [S.PENDING, S.FAILED],
        S.PAID: [S.PENDING, S.PAID],
        S.PROCESSING: [S.PENDING, S.PAID, S.PROCESSING],
        S.AWAITING_VALIDATION: [S.PENDING, S.PAID, S.PROCESSING, S.AWAITING_VALIDATION],
        S.COMPLETED: [S.PENDING, S.PAID, S.PROCESSING, S.AWAITING_VALIDATION, S.COMPLETED],
        S.REFUNDED: [S.PENDING, S.PAID, S.PROCESSING, S.REFUNDED],
    }[order.status]
    steps = list(enumerate(zip(["", *path], path, strict=False)))
    return [
        OrderEvent(
            order=order,
            from_status=previous,
            to_status=status,
            source="bench",
            created_at=order.created_at + timedelta(minutes=step),
        )
        for step, (previous, status) in (steps if full else steps[-1:])
    ]


def _user(email: str, *, is_staff: bool) -> User:
    user, _created = User.objects.get_or_create(
        username=email, defaults={"email": email, "is_staff": is_staff}
    )
    return user


def seed(total: int) -> dict:
    """Bring the database to `total` orders; returns what the load generator needs."""
    offers = list(Offer.objects.filter(is_active=True).order_by("level"))
    expert_user = _user(EXPERT_EMAIL, is_staff=True)
    expert, _created = Expert.objects.get_or_create(
        slug="bench-expert",
        defaults={"user": expert_user, "name": "Expert Banc", "email": EXPERT_EMAIL},
    )
    client = _user(CLIENT_EMAIL, is_staff=False)
    # A complete profile, or the Sanctuaire answers with the profile form instead.
    User.objects.filter(pk=client.pk).update(first_name="Léa", last_name="Banc")
    ClientProfile.objects.get_or_create(user=client, defaults={"date_of_birth": date(1990, 5, 17)})
    start = Order.objects.count()
    plan: list[tuple[str, User | None]] = []
    if start == 0:
        plan += [(status, None) for status, count in PIPELINE.items() for _ in range(count)]
        # The client the Sanctuaire target logs in as: a few orders at every stage.
        plan += [(status, client) for status in (S.COMPLETED, S.COMPLETED, S.PROCESSING, S.PAID)]
    weights = [weight for _status, weight in HISTORY]
    rng = random.Random(total)
    while start + len(plan) < total:
        plan.append((rng.choices([s for s, _w in HISTORY], weights)[0], None))
    for offset in range(0, len(plan), BATCH):
        with transaction.atomic():
            orders = Order.objects.bulk_create(
                _order(
                    start + offset + i,
                    offers[(start + offset + i) % len(offers)],
                    status,
                    expert=expert,
                    owner=owner,
                )
                for i, (status, owner) in enumerate(plan[offset : offset + BATCH])
            )
            OrderEvent.objects.bulk_create(
                [
                    event
                    for order in orders
                    for event in _events(order, full=order.status in PIPELINE or order.user_id)
                ],
                batch_size=BATCH,
            )
            Reading.objects.bulk_create(
                [reading for order in orders if (reading := _reading(order)) is not None],
                batch_size=BATCH,
            )
    sample = list(
        Order.objects.filter(status=S.COMPLETED).order_by("?").values("public_id")[:200]
    ) or list(Order.objects.values("public_id")[:200])
    paid = Order.objects.filter(status__in=[S.PAID, S.COMPLETED]).order_by("?")[:200]
    return {
        "orders": Order.objects.count(),
        "order_ids": [str(row["public_id"]) for row in sample],
        # Already-paid intents: a redelivered `succeeded` event is a lookup plus one insert.
        "paid_intents": [
            {
                "id": order.payment_intent_id,
                "amount": order.price_cents,
                "currency": order.currency,
                "order_id": str(order.public_id),
            }
            for order in paid
        ],
        "sessions": {"expert": session_cookie(expert_user), "client": session_cookie(client)},
    }


POOL_INTENT = "pi_pool_"


def seed_pool(count: int) -> dict:
    """`count` unpaid orders of today, for the webhook target that pays them (one e-mail each).

    Removed again by `drop_pool` right after that target: the desk's queue and the history
    the other targets read stay what `seed` made.
    """
    offers = list(Offer.objects.filter(is_active=True).order_by("level"))
    expert = Expert.objects.get(slug="bench-expert")
    now = timezone.now()
    orders = []
    for i in range(count):
        offer = offers[i % len(offers)]
        order = _order(10_000_000 + i, offer, S.PENDING, expert=expert, owner=None)
        order.number = f"LUM-POOL-{i:07d}"
        order.payment_intent_id = f"{POOL_INTENT}{i:08d}"
        order.created_at = now
        orders.append(order)
    with transaction.atomic():
        Order.objects.bulk_create(orders, batch_size=BATCH)
    return {
        "pending_intents": [
            {
                "id": order.payment_intent_id,
                "amount": order.price_cents,
                "currency": order.currency,
                "order_id": str(order.public_id),
            }
            for order in orders
        ]
    }


def drop_pool() -> dict:
    """What the pool's webhook target did (orders paid, e-mails the worker sent), then remove
    the pool's orders and the tasks left in the queue."""
    from django_tasks_db.models import DBTaskResult

    from billing.models import Invoice
    from operations.models import SentEmail

    pool = Order.objects.filter(payment_intent_id__startswith=POOL_INTENT)
    report = {
        "paid": pool.filter(status=S.PAID).count(),
        "emails_sent": SentEmail.objects.filter(
            template="payment_received", sent_at__isnull=False
        ).count(),
        "tasks_waiting": DBTaskResult.objects.filter(status="READY").count(),
    }
    with transaction.atomic():
        SentEmail.objects.all().delete()
        DBTaskResult.objects.all().delete()
        # Invoices are kept against deletion (legal records): these are the bench's own.
        Invoice.objects.filter(order__in=pool).delete()
        pool.delete()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--orders", type=int, help="total orders wanted")
    what.add_argument("--pending-pool", type=int, help="unpaid orders to add for the webhook")
    what.add_argument("--drop-pool", action="store_true", help="report on the pool, remove it")
    parser.add_argument("--out", type=Path, required=True, help="where to write the fixtures")
    options = parser.parse_args()
    if options.pending_pool is not None:
        result = seed_pool(options.pending_pool)
    elif options.drop_pool:
        result = drop_pool()
    else:
        result = seed(options.orders)
    analyze()
    options.out.write_text(json.dumps(result))


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum does on a live database some time
    after a bulk load. Without it the planner guesses from an empty table: at 100,000 orders it
    chose to scan the index of every order without an account (`user_id IS NULL`) for the
    Sanctuaire's query, 7 ms where 0.2 ms will do, and the bench measured that guess."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
