"""The Stripe webhook (SPEC §6.4): verify, then apply each event exactly once.

The demo gateway's event-delivery task hands its signed events to `receive()` too, so both
paths run this code. (The demo imports this module; this module never imports the demo.)
"""

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from billing.models import Refund
from billing.refunds import confirm_refund, record_external_refund
from lumira.jsonapi import BadRequest, ErrorCode, json_error, json_methods, read_body
from ops import alerts
from orders import services
from orders.models import Order
from payments.intents import Intent
from payments.models import ProcessedEvent
from payments.reconcile import (
    apply_intent,
    changes_nothing,
    find_order,
    order_of_intent_id,
    payment_facts,
)

logger = logging.getLogger(__name__)
Outcome = ProcessedEvent.Outcome


class InvalidEvent(Exception):
    """Signature, encoding or shape is wrong: answer 400 before any write."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.INVALID_EVENT) -> None:
        super().__init__(message)
        self.code = code


def demo_webhook_secret() -> str:
    """The secret demo events are signed with: configured, or derived from SECRET_KEY."""
    if settings.DEMO_WEBHOOK_SECRET:
        return settings.DEMO_WEBHOOK_SECRET
    digest = hashlib.sha256(f"lumira-demo-webhook:{settings.SECRET_KEY}".encode()).hexdigest()
    return f"whsec_{digest[:32]}"


def webhook_secret() -> str:
    if settings.STRIPE_WEBHOOK_SECRET:
        return settings.STRIPE_WEBHOOK_SECRET
    return demo_webhook_secret() if not settings.STRIPE_SECRET_KEY else ""


def verify(payload: bytes, signature: str | None, secret: str) -> dict:
    """The event as a dict, once Stripe's library has checked its signature and freshness."""
    if not signature:
        raise InvalidEvent("Missing Stripe-Signature header", ErrorCode.INVALID_SIGNATURE)
    if not secret:
        raise InvalidEvent("No webhook secret configured", ErrorCode.STRIPE_CONFIG_ERROR)
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidEvent("Body is not UTF-8", ErrorCode.INVALID_JSON) from None
    if not signature.isascii():
        # The library compares with hmac.compare_digest, which raises on non-ASCII text.
        raise InvalidEvent("Invalid signature", ErrorCode.INVALID_SIGNATURE)
    try:
        stripe.WebhookSignature.verify_header(
            text, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
    except stripe.SignatureVerificationError:
        raise InvalidEvent("Invalid signature", ErrorCode.INVALID_SIGNATURE) from None
    if _signed_at(signature) > time.time() + stripe.Webhook.DEFAULT_TOLERANCE:
        # The library only bounds the past; a signature from the future is as suspect.
        raise InvalidEvent("Timestamp outside the tolerance", ErrorCode.INVALID_SIGNATURE)
    try:
        event = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidEvent("Body is not JSON", ErrorCode.INVALID_JSON) from None
    # stripe-python 16 events are not dicts: we keep the verified body as plain JSON.
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and event["id"]
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
        and isinstance(event["data"]["object"].get("id"), str)
    ):
        raise InvalidEvent("Not a Stripe event")
    return event


def _signed_at(signature: str) -> int:
    for part in signature.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t" and value.strip().isdigit():
            return int(value)
    return 0


# --- Handlers: plain functions keyed by event type, each ending in an orders.services call ----


def _intent_of(event: dict) -> Intent:
    intent = Intent.from_stripe(event["data"]["object"])
    if event.get("livemode") is True and not intent.livemode:
        # Either flag saying "live" makes it live: a test key must never apply it.
        intent = replace(intent, livemode=True)
    return intent


def _on_intent(event: dict, source: str) -> tuple[str, str]:
    intent = _intent_of(event)
    order = find_order(intent)
    if order is None:
        logger.warning("event %s: unknown PaymentIntent %s", event["id"], intent.id)
        return Outcome.UNKNOWN_INTENT, intent.id
    if event["type"] == "payment_intent.payment_failed" and intent.status == "succeeded":
        return Outcome.NO_CHANGE, intent.id  # a confused payload: never fail a success
    if event["type"] == "payment_intent.payment_failed" and not intent.error:
        intent = replace(intent, error={"code": "card_declined"})
    return apply_intent(order, intent, source=source), intent.id


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _on_charge_refunded(event: dict, source: str) -> tuple[str, str]:
    """Record each refund of the charge once (by its Stripe id); `refunded` once fully refunded.

    Refunds we asked for carry our record's id in their metadata and complete it; others were
    made in Stripe's dashboard and are recorded as they come. When the event does not list the
    refunds (Stripe no longer expands them by default), the amount refunded beyond what we know
    of is recorded as one refund, keyed by the charge and that total.
    """
    charge = event["data"]["object"]
    intent_id = charge.get("payment_intent")
    order = order_of_intent_id(intent_id) if isinstance(intent_id, str) else None
    if order is None:
        return Outcome.UNKNOWN_INTENT, str(intent_id or "")
    refunds = charge.get("refunds")
    listed = refunds.get("data") if isinstance(refunds, dict) else None
    changed = False
    if isinstance(listed, list):
        for item in listed:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            if item.get("status") not in ("succeeded", "pending"):
                continue
            metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
            ours = _our_refund(order, metadata.get("refundId"))
            if ours is not None:
                changed |= confirm_refund(ours, stripe_refund_id=item["id"], source=source)
            else:
                changed |= record_external_refund(
                    order,
                    amount_cents=_int(item.get("amount")),
                    stripe_refund_id=item["id"],
                    source=source,
                    reason=str(item.get("reason") or ""),
                )
    else:
        known = (
            Refund.objects.filter(
                order=order, status__in=[Refund.Status.SUCCEEDED, Refund.Status.PENDING]
            ).aggregate(total=Sum("amount_cents"))["total"]
            or 0
        )
        total = _int(charge.get("amount_refunded"))
        if total > known:
            changed = record_external_refund(
                order,
                amount_cents=total - known,
                stripe_refund_id=f"{charge['id']}:{total}",
                source=source,
            )
    return (Outcome.APPLIED if changed else Outcome.NO_CHANGE), intent_id


def _our_refund(order, refund_id: object) -> Refund | None:
    if not isinstance(refund_id, str):
        return None
    try:
        return Refund.objects.filter(order=order, public_id=uuid.UUID(refund_id)).first()
    except ValueError:
        return None


DISPUTE_OUTCOMES = {"won": "won", "warning_closed": "won", "lost": "lost"}


def _on_dispute(event: dict, source: str) -> tuple[str, str]:
    """charge.dispute.created / .closed: flag the order (open, won, lost), alert the admins."""
    dispute = event["data"]["object"]
    intent_id = dispute.get("payment_intent")
    order = order_of_intent_id(intent_id) if isinstance(intent_id, str) else None
    if order is None:
        return Outcome.UNKNOWN_INTENT, str(intent_id or "")
    if event["type"] == "charge.dispute.created":
        state = Order.DisputeStatus.OPEN
    else:
        outcome = DISPUTE_OUTCOMES.get(str(dispute.get("status") or ""))
        if outcome is None:
            return Outcome.NO_CHANGE, intent_id
        state = Order.DisputeStatus(outcome)
    detail = f"{dispute['id']}, {dispute.get('reason') or '?'}"
    changed = services.record_dispute(order, state, source=source, detail=detail)
    return (Outcome.APPLIED if changed else Outcome.NO_CHANGE), intent_id


HANDLERS: dict[str, Callable[[dict, str], tuple[str, str]]] = {
    "payment_intent.succeeded": _on_intent,
    "payment_intent.payment_failed": _on_intent,
    "payment_intent.canceled": _on_intent,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute,
    "charge.dispute.closed": _on_dispute,
}


def _ignore(event: dict, source: str) -> tuple[str, str]:
    return Outcome.IGNORED, ""


def _without_effect(event: dict) -> tuple[str, str] | None:
    """The outcome of an event that can change nothing, read without a transaction; else None.

    The usual case: a payment event for an order that confirm-payment (or an earlier delivery)
    already moved past payment. Its record alone is written, and the unique event_id still
    decides between two deliveries. Anything else goes through its handler in a transaction.
    """
    if HANDLERS.get(event["type"]) is not _on_intent:
        return None
    intent = _intent_of(event)
    facts = payment_facts(intent.id)
    if facts is None or not changes_nothing(facts, intent):
        return None
    return Outcome.NO_CHANGE, intent.id


def _record(event: dict, outcome: str, intent_id: str) -> None:
    """Insert the event's record; IntegrityError when it exists (a replay or a racing twin)."""
    ProcessedEvent.objects.create(
        event_id=event["id"][:255],
        type=event["type"][:100],
        livemode=event.get("livemode") is True,
        outcome=outcome,
        payment_intent_id=intent_id[:255],
    )


class _AlreadyProcessed(Exception):
    """The event's record exists: leaving the atomic block rolls back what the handler did."""


def process(event: dict, *, source: str = "stripe") -> bool:
    """Apply a verified event once; False means it was already applied.

    The handler runs first and the event's record is inserted last, in the same transaction,
    so the unique event_id decides: a replay, or a second delivery racing the first (on
    PostgreSQL its insert waits for the first transaction), fails on the insert and everything
    its handler did rolls back, e-mails included (they are sent on commit). A handler error
    rolls back too, with no record left: Stripe's retry applies the event. An event that can
    change nothing (`_without_effect`) has no effect to keep in step: its record is inserted
    alone, and the unique event_id still turns a replay away.
    """
    handler = HANDLERS.get(event["type"], _ignore)
    try:
        settled = _without_effect(event)
        if settled is not None:
            # No effect to keep in step with the record: the insert alone, no transaction.
            outcome, intent_id = settled
            try:
                if transaction.get_autocommit():
                    _record(event, outcome, intent_id)
                else:
                    # Inside a caller's transaction (a test's, a task's): a savepoint keeps
                    # it usable when the insert is refused.
                    with transaction.atomic():
                        _record(event, outcome, intent_id)
            except IntegrityError:
                raise _AlreadyProcessed from None
        else:
            with transaction.atomic():
                outcome, intent_id = handler(event, source)
                try:
                    _record(event, outcome, intent_id)
                except IntegrityError:
                    raise _AlreadyProcessed from None
    except _AlreadyProcessed:
        logger.debug("event %s (%s): duplicate", event["id"], event["type"])
        return False
    # Every delivery is kept with its outcome (ProcessedEvent, listed in the admin): the log
    # tells only of those that changed something, not of Stripe's routine redeliveries.
    level = logging.DEBUG if outcome == Outcome.NO_CHANGE else logging.INFO
    logger.log(level, "event %s (%s): %s", event["id"], event["type"], outcome)
    return True


def receive(payload: bytes, signature: str | None, secret: str, *, source: str = "stripe") -> bool:
    """Verify and process one delivery; True when applied now, False for a duplicate."""
    return process(verify(payload, signature, secret), source=source)


@csrf_exempt
@json_methods("POST")
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        payload = read_body(request)
    except BadRequest as error:
        return error.response()
    try:
        applied = receive(payload, request.headers.get("Stripe-Signature"), webhook_secret())
    except InvalidEvent as error:
        logger.warning("webhook refused: %s", error)
        return json_error(str(error), error.code, 400)
    except Exception as error:
        # Nothing was recorded (the handler's transaction rolled back): Stripe retries. The
        # admins hear of it, once an hour at most.
        alerts.raise_alert(
            alerts.WEBHOOK_FAILURE,
            "Le webhook Stripe échoue",
            f"Un événement Stripe n’a pas pu être appliqué ({type(error).__name__}). "
            "Stripe le renverra ; voir les journaux.",
        )
        raise
    if not applied:
        return JsonResponse({"received": True, "duplicate": True})
    return JsonResponse({"received": True})
