"""Client emails, French, HTML with a plain-text part; each sent after the commit."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from orders.models import Order

logger = logging.getLogger(__name__)


def _send(template: str, order: Order, context: dict) -> None:
    context = {"order": order, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [order.email])
    message.attach_alternative(html, "text/html")
    message.send()
    logger.info("order %s: email %s sent", order.number, template)


def send_payment_received(order_id: int) -> None:
    """Payment confirmed: thank the client and point them to the intake form."""
    order = Order.objects.get(pk=order_id)
    intake_url = settings.SITE_URL + reverse("orders:intake", args=[order.public_id])
    _send("payment_received", order, {"intake_url": intake_url})


def send_delivery(order_id: int) -> None:
    """The reading is validated: tell the client it waits in the Sanctuaire."""
    order = Order.objects.get(pk=order_id)
    _send("delivery", order, {"sanctuaire_url": settings.SITE_URL + "/sanctuaire/"})


def send_sanctuaire_access(order_id: int) -> None:
    """A fresh way into the Sanctuaire (admin action, and after payment)."""
    order = Order.objects.get(pk=order_id)
    _send("sanctuaire_access", order, {"sanctuaire_url": settings.SITE_URL + "/sanctuaire/"})
