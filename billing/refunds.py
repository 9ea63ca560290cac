"""Refunds (SPEC §5: partial refunds; §7: refund through the gateway): recorded, confirmed,
applied to their order with a credit note.

The order's side of a refund (the amount refunded, its status, its history) is the status
machine's: `orders.services.apply_refund`. The credit note is numbered here, in the same
transaction, before `refund_succeeded` tells the apps above (the client's e-mail links it).
"""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import services, signals
from billing.exceptions import RefundRefused
from billing.models import Refund
from orders import services as orders
from orders.models import PAID_STATUSES, Order, format_cents


def request_refund(order: Order, amount_cents: int, *, reason: str, actor) -> Refund:
    """Record a refund an admin asks for, `pending` until the gateway confirms it.

    Refused (RefundRefused, French) unless the order is paid and the amount fits in what is
    left once the refunds done and under way are counted.
    """
    with transaction.atomic():
        order = orders.lock_order(order)
        if order.status not in PAID_STATUSES:
            raise RefundRefused(_("Seule une commande payée peut être remboursée."))
        if amount_cents <= 0:
            raise RefundRefused(_("Le montant à rembourser doit être supérieur à 0 €."))
        under_way = (
            Refund.objects.filter(order=order, status=Refund.Status.PENDING).aggregate(
                total=Sum("amount_cents")
            )["total"]
            or 0
        )
        available = order.price_cents - order.refunded_cents - under_way
        if amount_cents > available:
            raise RefundRefused(
                _(
                    "Remboursement refusé : %(amount)s dépasse ce qui reste remboursable "
                    "sur cette commande (%(available)s)."
                )
                % {
                    "amount": format_cents(amount_cents, order.currency),
                    "available": format_cents(max(available, 0), order.currency),
                }
            )
        return Refund.objects.create(
            order=order,
            amount_cents=amount_cents,
            currency=order.currency,
            reason=reason.strip()[:255],
            actor=actor if actor is not None and actor.is_authenticated else None,
            source="admin",
        )


def refund_failed(refund: Refund, error: str) -> None:
    """The gateway refused or could not be reached: the amount is free again."""
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.FAILED, error=error[:255]
    )


def confirm_refund(refund: Refund, *, stripe_refund_id: str, source: str) -> bool:
    """A pending refund is done (the gateway's answer or its event, whichever comes first)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == Refund.Status.SUCCEEDED:
            return False
        refund.status = Refund.Status.SUCCEEDED
        refund.stripe_refund_id = stripe_refund_id or None
        refund.succeeded_at = timezone.now()
        refund.error = ""
        refund.save(update_fields=["status", "stripe_refund_id", "succeeded_at", "error"])
        _apply_refund(refund, source=source)
    return True


def record_external_refund(
    order: Order, *, amount_cents: int, stripe_refund_id: str, source: str, reason: str = ""
) -> bool:
    """A refund Stripe reports that we did not ask for (made in Stripe's dashboard).

    Idempotent by the Stripe refund id: a second report of the same refund changes nothing.
    """
    if amount_cents <= 0:
        return False
    with transaction.atomic():
        order = orders.lock_order(order)  # two reports of one refund at once: the second waits
        if Refund.objects.filter(stripe_refund_id=stripe_refund_id).exists():
            return False
        refund = Refund.objects.create(
            order=order,
            amount_cents=amount_cents,
            currency=order.currency,
            reason=reason[:255],
            source=source,
            status=Refund.Status.SUCCEEDED,
            stripe_refund_id=stripe_refund_id,
            succeeded_at=timezone.now(),
        )
        _apply_refund(refund, source=source)
    return True


def _apply_refund(refund: Refund, *, source: str) -> None:
    """Add a succeeded refund to its order (amount, status, history), then its credit note,
    then tell the apps above (the e-mail)."""
    note = _("Remboursement de %(amount)s%(reason)s") % {
        "amount": refund.amount_display,
        "reason": f" : {refund.reason}" if refund.reason else "",
    }
    order = orders.apply_refund(
        refund.order, amount_cents=refund.amount_cents, note=note, actor=refund.actor, source=source
    )
    services.issue_credit_note(refund)
    signals.refund_succeeded.send(sender=Refund, order=order, refund=refund)
