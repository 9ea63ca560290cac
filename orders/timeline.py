"""The steps of an order as the client sees them (confirmation page, Sanctuaire)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
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


@dataclass(frozen=True)
class ClientStatus:
    """Where an order stands and what happens next, in the client's words (SPEC §9)."""

    headline: str
    next_step: str


def _day(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F")


def client_status(order: Order) -> ClientStatus:
    due = (
        _("Votre lecture vous sera remise au plus tard le %(date)s.") % {"date": _day(order.due_at)}
        if order.due_at
        else ""
    )
    if order.status == Status.PENDING:
        return ClientStatus(
            _("Paiement en cours de confirmation"),
            _("Nous attendons la réponse de votre banque ; cette page se met à jour toute seule."),
        )
    if order.status == Status.FAILED:
        return ClientStatus(
            _("Paiement refusé : aucune somme n’a été prélevée"),
            _("Vous pouvez réessayer avec la même carte ou une autre."),
        )
    if order.status == Status.PAID and order.intake_submitted_at is None:
        return ClientStatus(
            _("Paiement reçu : à vous de nous parler de vous"),
            " ".join(
                filter(
                    None,
                    [
                        _("Remplissez votre formulaire : votre expert commence dès sa réception."),
                        due,
                    ],
                )
            ),
        )
    if order.status == Status.PAID:
        return ClientStatus(
            _("Formulaire reçu : un expert va prendre votre lecture en main"),
            " ".join(filter(None, [_("Vous pouvez encore modifier vos réponses jusque-là."), due])),
        )
    if order.status == Status.PROCESSING:
        return ClientStatus(_("Un expert prépare votre lecture"), due)
    if order.status == Status.AWAITING_VALIDATION:
        return ClientStatus(
            _("Votre lecture est écrite : un second expert la relit"),
            due,
        )
    if order.status == Status.COMPLETED:
        return ClientStatus(
            _("Votre lecture est arrivée"),
            _("Elle reste à votre disposition dans votre Sanctuaire."),
        )
    return ClientStatus(
        _("Commande remboursée"),
        _("Le remboursement apparaît sur votre compte sous quelques jours."),
    )
