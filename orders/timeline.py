"""The steps of an order as the client sees them (confirmation page, Sanctuaire)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from orders.models import Order

Status = Order.Status


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current", "todo" or "problem"
    at: datetime | None = None


def build_timeline(order: Order) -> list[Step]:
    """Ordered steps with their state; refunds and failures show where they happened.

    The validation and delivery dates are the reading's: load it with the order
    (`select_related("reading")`) where many timelines are built.
    """
    reading = order.reading_or_none
    progress = {
        Status.PENDING: 1,
        Status.FAILED: 1,
        Status.PAID: 2,
        Status.PROCESSING: 3,
        Status.AWAITING_VALIDATION: 4,
        Status.COMPLETED: 6,
        Status.REFUNDED: 2,
    }[order.status]
    if order.status == Status.FAILED:
        payment = Step(_("Paiement refusé"), "problem")
    else:
        payment = Step(
            _("Paiement confirmé"), "done" if progress >= 2 else "current", order.paid_at
        )
    steps = [
        Step(_("Commande créée"), "done", order.created_at),
        payment,
        Step(
            _("Formulaire rempli"),
            "done" if order.intake_submitted_at else "todo",
            order.intake_submitted_at,
        ),
        Step(_("Lecture en préparation"), _state(progress, 3), order.assigned_at),
        Step(
            _("Validation par un second regard"),
            _state(progress, 4),
            reading.validated_at if reading else None,
        ),
        Step(
            _("Livrée dans votre Sanctuaire"),
            _state(progress, 6),
            reading.delivered_at if reading else None,
        ),
    ]
    if order.status == Status.REFUNDED:
        steps.append(Step(_("Remboursée"), "problem", order.refunded_at))
    return steps


def _state(progress: int, step: int) -> str:
    if progress > step or progress == 6:
        return "done"
    return "current" if progress == step else "todo"
