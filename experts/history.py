"""An order's history as the desk reads it: one French sentence per change (SPEC §8.2)."""

from datetime import datetime
from typing import TypedDict

from django.utils.translation import gettext as _

from experts.models import Expert
from orders.models import Order, OrderEvent

Status = Order.Status


class Entry(TypedDict):
    at: datetime
    sentence: str
    note: str


def _who(event: OrderEvent) -> str:
    if event.actor is None:
        return ""
    try:
        return event.actor.expert.name
    except Expert.DoesNotExist:
        return event.actor.get_full_name() or event.actor.get_username()


def sentence(event: OrderEvent) -> str:
    """'Payée par carte (démo)', 'Prise en charge par Séléné', 'Renvoyée à Séléné par Orion'…"""
    who = _who(event)
    by = {"who": who}
    to, source = event.to_status, event.source
    if source == "import":
        return _("Importée de l’ancien système (statut « %(status)s »)") % {
            "status": event.get_to_status_display()
        }
    if to == Status.PENDING:
        return _("Commande créée")
    if to == Status.PAID and event.from_status in {Status.PENDING, Status.FAILED}:
        if source == "demo":
            return _("Payée par carte (démo)")
        return _("Payée par carte")
    if to == Status.FAILED:
        return _("Paiement refusé") if event.from_status == Status.PENDING else _("Paiement annulé")
    if to == Status.PROCESSING and event.from_status == Status.PAID:
        return _("Prise en charge par %(who)s") % by if who else _("Prise en charge")
    if to == Status.PAID and event.from_status == Status.PROCESSING:
        return _("Remise dans la file par %(who)s") % by if who else _("Remise dans la file")
    if to == Status.AWAITING_VALIDATION:
        if source == "generator":
            return _("Envoyée en validation par le générateur")
        return _("Envoyée en validation par %(who)s") % by if who else _("Envoyée en validation")
    if to == Status.PROCESSING and event.from_status == Status.AWAITING_VALIDATION:
        return (
            _("Renvoyée en préparation par %(who)s") % by if who else _("Renvoyée en préparation")
        )
    if to == Status.COMPLETED:
        return _("Validée et livrée par %(who)s") % by if who else _("Validée et livrée")
    if to == Status.REFUNDED:
        return _("Remboursée par %(who)s") % by if who else _("Remboursée")
    return event.get_to_status_display()


# Whose notes the desk shows: a rejection's reason, a validation's or a refund's note.
NOTED = {Status.PROCESSING, Status.COMPLETED, Status.REFUNDED}


def history(order: Order) -> list[Entry]:
    events = order.events.select_related("actor__expert")
    return [
        # The payment events carry a Stripe id or a decline code: not for the desk's eyes.
        Entry(
            at=event.created_at,
            sentence=sentence(event),
            note=event.note if event.to_status in NOTED else "",
        )
        for event in events
    ]
