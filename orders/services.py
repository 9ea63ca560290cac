"""Every change of an order's status happens here, through `_move` (SPEC §5).

Services are verbs named after the business event. Each runs in a transaction and records an
`OrderEvent`; a payment, a failure, a flag, a dispute or a delivery is also announced
(orders/signals.py) in that transaction to the apps above, whose receivers do their part there
(billing numbers the invoice, ops records the alert) or enqueue the side effects (the client
e-mails) as background tasks: the change and its consequences commit together or not at all.
This module knows none of those apps: refunds, whose records are billing's, come back here
through `apply_refund`.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from operations.tasks import enqueue
from orders import signals, tasks
from orders.bulk import insert_rows
from orders.exceptions import (
    ClaimRefused,
    ContentIncomplete,
    TransitionRefused,
    ValidationRefused,
)
from orders.models import (
    UNPAID_STATUSES,
    Offer,
    Order,
    OrderEvent,
    Reading,
    ReadingVersion,
    format_cents,
    missing_sections,
)
from orders.sections import FILE_SECTIONS, Kind, sections_for_level

logger = logging.getLogger(__name__)

Status = Order.Status
# How long an order stays reserved to the expert its client chose (SPEC §8.2).
RESERVATION = timedelta(hours=24)


def _move(
    order: Order,
    to: str,
    *,
    actor: AbstractBaseUser | None = None,
    source: str = "",
    note: str = "",
    **fields,
) -> None:
    """Move `order` to `to` if the machine allows it and nobody moved it first."""
    if not order.can_move_to(to):
        raise TransitionRefused(order.status, to)
    with transaction.atomic():
        # The WHERE on the old status lets the database pick one winner, on SQLite and
        # PostgreSQL alike (select_for_update does nothing on SQLite).
        won = Order.objects.filter(pk=order.pk, status=order.status).update(
            status=to, updated_at=timezone.now(), **fields
        )
        if not won:
            raise TransitionRefused(order.status, to, stale=True)
        OrderEvent.objects.create(
            order=order,
            from_status=order.status,
            to_status=to,
            actor=actor if actor is not None and actor.is_authenticated else None,
            source=source,
            note=note,
        )
    order.refresh_from_db()


def lock_order(order: Order) -> Order:
    """The order's row, locked until the transaction ends (PostgreSQL; SQLite serialises)."""
    return Order.objects.select_for_update().only(*Order.SUMMARY_FIELDS).get(pk=order.pk)


# --- Checkout ---------------------------------------------------------------------------------


def create_order(
    offer: Offer,
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    expert=None,
    user=None,
) -> Order:
    """A new pending order whose price is the catalogue's, snapshotted now."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    offer=offer,
                    level=offer.level,
                    level_name=offer.level_name,
                    offer_name=offer.name,
                    service=offer.service,
                    price_cents=offer.price_cents,
                    currency=offer.currency,
                    duration_minutes=offer.duration_minutes,
                    delivery_hours=offer.delivery_hours,
                    email=email.strip().lower(),
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    expert=expert,
                    user=user if user is not None and user.is_authenticated else None,
                    # The language the client is reading the site in (LocaleMiddleware).
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                )
                OrderEvent.objects.create(
                    order=order,
                    to_status=Status.PENDING,
                    source="checkout",
                    note=_offer_note(offer),
                )
            return order
        except IntegrityError:
            # 31^5 numbers a day: a collision is rare, a second one rarer still.
            logger.warning("order number collision, drawing another")
    raise RuntimeError("could not allocate an order number")


def _offer_note(offer: Offer) -> str:
    """What was bought, at what price, as the history shows it to the team (in French)."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{offer.name}, {format_cents(offer.price_cents, offer.currency)}"


def attach_payment_intent(order: Order, payment_intent_id: str, payment_status: str) -> None:
    """Remember the PaymentIntent so that a retry reuses it instead of creating another."""
    Order.objects.filter(pk=order.pk).update(
        payment_intent_id=payment_intent_id,
        payment_status=payment_status,
        updated_at=timezone.now(),
    )
    order.payment_intent_id = payment_intent_id
    order.payment_status = payment_status


def record_consent(order: Order, *, terms_version: int | None) -> bool:
    """The client ticked both boxes of the payment step (SPEC §6.1): CGV accepted in this
    version, and the express request to start at once, waiving the withdrawal right.
    False when the order is no longer awaiting payment (nothing recorded)."""
    now = timezone.now()
    updated = Order.objects.filter(pk=order.pk, status__in=UNPAID_STATUSES).update(
        terms_accepted_at=now,
        terms_version=terms_version,
        withdrawal_waived_at=now,
        updated_at=now,
    )
    if updated:
        order.terms_accepted_at = order.withdrawal_waived_at = now
        order.terms_version = terms_version
    return bool(updated)


# --- Payment outcomes (called by the webhook handlers only) -----------------------------------


def mark_paid(order: Order, *, source: str, payment_status: str = "succeeded") -> bool:
    """pending|failed → paid, with the invoice. False when the order was already paid (or
    further along, or refunded before this success reached us: no "payment received" e-mail)."""
    if order.status not in UNPAID_STATUSES:
        return False  # never unpaid again (UNPAID_STATUSES): no need to lock the row to know
    with transaction.atomic():
        order = lock_order(order)
        if order.status not in UNPAID_STATUSES:
            return False
        _record_payment(order, source=source, payment_status=payment_status)
        signals.order_paid.send(sender=Order, order=order)
    return True


def _record_payment(order: Order, *, source: str, payment_status: str, note: str = "") -> None:
    """unpaid → paid, announced by `payment_recorded` in this same transaction (billing numbers
    the invoice there).

    The delivery promise starts now (SPEC §4), and a client who named an expert has them for
    24 h (SPEC §8.2).
    """
    now = timezone.now()
    _move(
        order,
        Status.PAID,
        source=source,
        note=note,
        paid_at=now,
        due_at=now + timedelta(hours=order.delivery_hours),
        reserved_until=now + RESERVATION if _chose_a_person(order) else None,
        payment_status=payment_status,
        failure_code="",
        failure_message="",
    )
    signals.payment_recorded.send(sender=Order, order=order)


def _chose_a_person(order: Order) -> bool:
    """The client named an expert who works at the desk (not the house persona)."""
    return Order.objects.filter(
        pk=order.pk,
        expert__is_active=True,
        expert__is_house=False,
        expert__user__isnull=False,
    ).exists()


def mark_failed(
    order: Order, *, code: str, message: str, source: str, payment_status: str = ""
) -> bool:
    """pending → failed, or a new failure on an already failed order. Never touches a paid one."""
    if order.status not in UNPAID_STATUSES:
        return False  # a late failure never undoes a payment (SPEC §6.4)
    with transaction.atomic():
        order = lock_order(order)
        if order.status == Status.FAILED:
            # Another declined card on the same PaymentIntent: keep the latest reason.
            Order.objects.filter(pk=order.pk).update(
                failure_code=code[:64],
                failure_message=message[:255],
                payment_status=payment_status or order.payment_status,
                updated_at=timezone.now(),
            )
            return True
        if order.status != Status.PENDING:
            return False  # a late failure never undoes a payment (SPEC §6.4)
        _move(
            order,
            Status.FAILED,
            source=source,
            note=code,
            failure_code=code[:64],
            failure_message=message[:255],
            payment_status=payment_status or order.payment_status,
        )
        signals.payment_failed.send(sender=Order, order=order)
    return True


EXPIRED_CODE = "expired"


def expire_unpaid(order: Order) -> bool:
    """pending → failed: left unpaid too long (its PaymentIntent is canceled by the caller)."""
    return mark_failed(
        order,
        code=EXPIRED_CODE,
        message=_("Commande expirée : aucun paiement reçu sous 24 heures."),
        source="schedule",
        payment_status="canceled",
    )


def flag_payment(order: Order, reason: str) -> None:
    """Record that a verified event disagrees with the order; `payment_flagged` tells the
    admins (ops alerts them)."""
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(
            payment_flag=reason[:255], updated_at=timezone.now()
        )
        logger.error("order %s: payment flagged: %s", order.number, reason)
        signals.payment_flagged.send(sender=Order, order=order, reason=reason)


# --- Refunds (SPEC §5), the order's side: the Refund records are billing's (billing/refunds.py)


def apply_refund(order: Order, *, amount_cents: int, note: str, source: str, actor=None) -> Order:
    """Add a refund that succeeded to its order: the amount, the status, the history.

    An order still unpaid had its charge refunded, so the money was taken: the success event is
    late (SPEC §6.4) and the payment is recorded first. The refund that reaches the price moves
    the order to refunded; a partial one changes no status, and its history line still says who
    refunded what. Returns the order as it now stands (its row locked until the caller's
    transaction ends).
    """
    with transaction.atomic():
        order = lock_order(order)
        now = timezone.now()
        total = order.refunded_cents + amount_cents
        Order.objects.filter(pk=order.pk).update(refunded_cents=total, updated_at=now)
        order.refunded_cents = total
        full = total >= order.price_cents
        if order.status in UNPAID_STATUSES:
            _record_payment(
                order,
                source=source,
                payment_status="succeeded",
                note=str(_("paiement constaté par son remboursement")),
            )
            if not full:
                signals.order_paid.send(sender=Order, order=order)
        if full and order.status != Status.REFUNDED:
            _move(
                order,
                Status.REFUNDED,
                actor=actor,
                source=source,
                note=note,
                refunded_at=now,
                payment_status="refunded",
            )
        else:
            _history_note(order, note, actor=actor, source=source)
    return order


def _history_note(order: Order, note: str, *, actor=None, source: str = "") -> None:
    """A history line that is not a status change (refund, dispute): from and to are equal."""
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        source=source,
        note=note,
    )


# --- Disputes (SPEC §6.4) ---------------------------------------------------------------------

DISPUTE_NOTES = {
    Order.DisputeStatus.OPEN: gettext_lazy("Litige ouvert par la banque du client"),
    Order.DisputeStatus.WON: gettext_lazy("Litige clos : gagné"),
    Order.DisputeStatus.LOST: gettext_lazy("Litige clos : perdu"),
}


def record_dispute(order: Order, dispute_status: str, *, source: str, detail: str = "") -> bool:
    """Flag the order with its dispute's state; `dispute_changed` tells the admins (ops alerts
    them). False: nothing new."""
    with transaction.atomic():
        order = lock_order(order)
        if order.dispute_status == dispute_status:
            return False
        Order.objects.filter(pk=order.pk).update(
            dispute_status=dispute_status, updated_at=timezone.now()
        )
        note = str(DISPUTE_NOTES[dispute_status]) + (f" ({detail})" if detail else "")
        _history_note(order, note, source=source)
        signals.dispute_changed.send(sender=Order, order=order, note=note)
    return True


# --- Expert desk (SPEC §8) --------------------------------------------------------------------


def claim(order: Order, *, expert, actor) -> None:
    """paid → processing, assigned to `expert`. Of two simultaneous claims, one wins.

    Work starts on a filled form only (the claim locks it), and an order reserved to the expert
    the client chose waits for them until the reservation ends (SPEC §8.2).
    """
    if order.status == Status.PAID and order.intake_submitted_at is None:
        raise ClaimRefused(
            _(
                "Le client n’a pas encore rempli son formulaire : la commande ne peut pas "
                "être prise."
            )
        )
    if order.status == Status.PAID and order.reserved_for_another(expert.pk):
        raise ClaimRefused(
            _("Cette commande est réservée à l’expert choisi par le client jusqu’au %(date)s.")
            % {"date": formats.date_format(timezone.localtime(order.reserved_until), "j F, H:i")}
        )
    _move(
        order,
        Status.PROCESSING,
        actor=actor,
        assigned_expert=expert,
        assigned_at=timezone.now(),
    )


def return_to_queue(order: Order, *, actor, note: str = "") -> None:
    """processing → paid, unassigned, and no longer reserved: whether the expert the client
    chose gave it up or an admin took it from them, it is now anyone's to take."""
    _move(
        order,
        Status.PAID,
        actor=actor,
        note=note,
        assigned_expert=None,
        assigned_at=None,
        reserved_until=None,
    )


def take_back(order: Order, *, actor) -> None:
    """An admin puts an order in preparation back in the queue, for an expert who cannot finish
    it: what they wrote stays for the next one, and they hear of it (order_taken_back)."""
    expert = order.assigned_expert
    note = _("Retirée à %(expert)s") % {"expert": expert.name if expert else ""}
    with transaction.atomic():
        return_to_queue(order, actor=actor, note=note)
        if expert is not None:
            signals.order_taken_back.send(sender=Order, order=order, expert=expert)


def reading_of(order: Order) -> Reading:
    """The order's reading, created empty the first time someone writes to it."""
    reading = order.reading_or_none
    if reading is None:
        reading, _created = Reading.objects.get_or_create(order=order)
        order.reading = reading  # what `order.reading` answers from now on
    return reading


def submit_for_validation(order: Order, *, actor=None, source: str = "") -> None:
    """processing → awaiting_validation, once every section the level requires is there.

    The submission freezes a version (texts, files' names, who, when) for the validator to
    compare; at level 4 the system then typesets the PDF, unless an expert uploaded one.
    """
    missing = missing_sections(order)
    if missing:
        raise ContentIncomplete(missing)
    with transaction.atomic():
        _move(order, Status.AWAITING_VALIDATION, actor=actor, source=source)
        reading = Reading.objects.select_for_update().get(pk=reading_of(order).pk)
        author = actor if actor is not None and actor.is_authenticated else None
        ReadingVersion.objects.create(
            reading=reading,
            number=reading.versions.count() + 1,
            texts=dict(reading.texts),
            files={section.name: getattr(reading, section.name).name for section in FILE_SECTIONS},
            author=author,
            source=source,
        )
        # The submitter, and the expert who holds the order (a generator's content is theirs).
        writers = {
            author.pk if author else None,
            order.assigned_expert.user_id if order.assigned_expert else None,
        }
        reading.writers.add(*(pk for pk in writers if pk is not None))
        if needs_generated_pdf(order, reading):
            enqueue(tasks.make_reading_pdf, reading.pk)


def needs_generated_pdf(order: Order, reading: Reading) -> bool:
    """The level has a PDF and no expert uploaded one: the system makes it."""
    has_pdf = any(section.kind == Kind.PDF for section in sections_for_level(order.level))
    return has_pdf and not (reading.pdf and not reading.pdf_generated)


def ensure_second_look(order: Order, validator) -> None:
    """Nobody validates a reading they wrote any part of, superusers included (SPEC §8.4)."""
    reading = order.reading_or_none
    if reading is not None and reading.written_by(validator):
        raise ValidationRefused(
            _("Un second regard est nécessaire : un autre expert valide cette lecture.")
        )


def reject(order: Order, *, validator, reason: str) -> None:
    """awaiting_validation → processing, with the reason the expert will read."""
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    ensure_second_look(order, validator)
    with transaction.atomic():
        # The reading first: `_move` then reloads the order, its reading included.
        Reading.objects.filter(pk=reading_of(order).pk).update(
            rejection_reason=reason,
            revision_count=F("revision_count") + 1,
            updated_at=timezone.now(),
        )
        _move(order, Status.PROCESSING, actor=validator, note=reason)
        revision = (
            Reading.objects.filter(order=order).values_list("revision_count", flat=True).get()
        )
        signals.reading_rejected.send(sender=Order, order=order, revision=revision)


def approve(order: Order, *, validator, notes: str = "") -> None:
    """awaiting_validation → completed: delivered to the Sanctuaire, client emailed.

    The client reads the version approved here, the last one submitted.
    """
    ensure_second_look(order, validator)
    with transaction.atomic():
        now = timezone.now()
        reading = reading_of(order)
        # The reading first: `_move` then reloads the order, its reading included.
        Reading.objects.filter(pk=reading.pk).update(
            approved_version=reading.versions.order_by("-number").first(),
            validated_by=validator,
            validated_at=now,
            validation_notes=notes,
            delivered_at=now,
            updated_at=now,
        )
        _move(order, Status.COMPLETED, actor=validator, note=notes)
        signals.reading_delivered.send(sender=Order, order=order)


# --- Legacy import (SPEC §10) -----------------------------------------------------------------


def import_orders(entries: list[tuple[dict[str, object], dict | None, str, str]]) -> None:
    """Create orders brought over from the old system at their status, with their readings.

    Each entry is (order fields, reading fields or None, status, history note). The one status
    set outside `_move`: an imported order starts where the legacy one stood, and its history
    says so with a single "import" row. Every entry carries its `legacy_id`.
    """
    for fields, _reading, status, _note in entries:
        if status not in Status.values or not fields.get("legacy_id"):
            raise ValueError(f"not an importable order: {status!r}, {fields.get('legacy_id')!r}")
    with transaction.atomic():
        insert_rows(Order, [{**fields, "status": status} for fields, _r, status, _n in entries])
        ids = dict(
            Order.objects.filter(
                legacy_id__in=[fields["legacy_id"] for fields, _r, _s, _n in entries]
            ).values_list("legacy_id", "pk")
        )
        insert_rows(
            OrderEvent,
            [
                {
                    "order_id": ids[fields["legacy_id"]],
                    "from_status": "",
                    "to_status": status,
                    "source": "import",
                    "note": note,
                }
                for fields, _reading, status, note in entries
            ],
        )
        insert_rows(
            Reading,
            [
                {**reading, "order_id": ids[fields["legacy_id"]]}
                for fields, reading, _status, _note in entries
                if reading is not None
            ],
        )
