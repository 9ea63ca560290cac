"""Notices by WhatsApp to a client who chose it (SPEC §9); the e-mail goes to everyone.

Idempotent: a notice recorded as sent is not sent again, so a retried run sends nothing twice.
"""

import logging

from django.conf import settings
from django.urls import reverse

from orders import whatsapp
from orders.models import Notice, Order

logger = logging.getLogger(__name__)

TEMPLATES = {
    Notice.Kind.PAYMENT: "WHATSAPP_TEMPLATE_PAYMENT",
    Notice.Kind.DELIVERY: "WHATSAPP_TEMPLATE_DELIVERY",
}


def wants_whatsapp(order: Order) -> bool:
    """The client chose WhatsApp and it is configured (checked first: it costs no query)."""
    return (
        whatsapp.is_configured()
        and order.delivery_format == Order.DeliveryFormat.WHATSAPP
        and bool(whatsapp.recipient(order.phone))
        and order.anonymised_at is None
    )


def send_whatsapp_notice(order_id: int, kind: str) -> bool:
    """The template message for `kind`; False when the client did not choose WhatsApp or it was
    already sent. Raises WhatsAppError for the caller to retry."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or not wants_whatsapp(order):
        return False
    if Notice.objects.filter(order=order, kind=kind, channel=Notice.Channel.WHATSAPP).exists():
        return False
    path = (
        reverse("sanctuaire:order", args=[order.public_id])
        if kind == Notice.Kind.DELIVERY
        else reverse("sanctuaire:dashboard")
    )
    template = getattr(settings, TEMPLATES[kind])
    reference = whatsapp.send_template(
        order.phone, template, [order.first_name or "", settings.SITE_URL + path]
    )
    record(order, kind, Notice.Channel.WHATSAPP, reference)
    logger.info("order %s: %s notice sent by WhatsApp", order.number, kind)
    return True


def record(order: Order, kind: str, channel: str, reference: str = "") -> None:
    """The channel was used for this notice (a second run changes nothing)."""
    Notice.objects.get_or_create(
        order=order, kind=kind, channel=channel, defaults={"reference": reference}
    )
