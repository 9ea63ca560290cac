"""Client emails, in the client's language, HTML with a plain-text part.

Each is sent by a background task (sanctuaire/tasks.py), never in a request: a send that fails
raises here, the task retries it, and only its last failure is recorded as an `EmailFailure`.
They live in the Sanctuaire because all but the intake reminder carry a login link into it.
"""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from billing.models import CreditNote, Invoice, Refund
from experts.models import Expert
from orders import notices
from orders.intake_keys import intake_key
from orders.models import EmailFailure, Notice, Order
from sanctuaire import tokens

logger = logging.getLogger(__name__)


def _send(
    template: str,
    recipient: str,
    context: dict,
    *,
    order: Order | None = None,
    language: str | None = None,
) -> bool:
    """Render the subject, the plain text and the HTML in the client's language, and send."""
    context = {
        "order": order,
        "site_url": settings.SITE_URL,
        "support_email": settings.SUPPORT_EMAIL,
        **context,
    }
    language = language or (order.language if order else None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        context["subject"] = subject
        # Tags and includes leave blank lines behind in plain text: at most one in a row.
        text = re.sub(r"\n{3,}", "\n\n", render_to_string(f"emails/{template}.txt", context))
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient])
    message.attach_alternative(html, "text/html")
    message.send()
    logger.info("email %s sent (order %s)", template, order.number if order else "-")
    return True


def record_failure(template: str, recipient: str, error: BaseException, order_id=None) -> None:
    """The last attempt failed: keep it for an admin (EmailFailure, listed in the admin)."""
    EmailFailure.objects.create(
        template=template,
        recipient=recipient,
        order=Order.objects.filter(pk=order_id).first() if order_id else None,
        error=f"{type(error).__name__}: {error}"[:255],
    )


def _order(order_id: int) -> Order | None:
    """The order to write about, or None once its personal data has been erased."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.anonymised_at is not None:
        return None
    return order


def _delivery_hours(order: Order) -> int | None:
    """The delivery promise of the order's offer (SPEC §4)."""
    return order.offer.delivery_hours if order.offer_id else None


def _intake_url(order: Order) -> str:
    path = reverse("orders:intake", args=[order.public_id])
    return f"{settings.SITE_URL}{path}?cle={intake_key(order)}"


def _invoice_url(order: Order) -> str:
    """The invoice's download in the Sanctuaire (a sign-in first, then the PDF), once issued."""
    invoice = Invoice.objects.filter(order=order).only("public_id").first()
    if invoice is None:
        return ""
    return f"{settings.SITE_URL}{reverse('sanctuaire:invoice', args=[invoice.public_id])}"


def send_payment_received(order_id: int) -> bool:
    """Payment confirmed: the intake form link and a way into the Sanctuaire."""
    order = _order(order_id)
    if order is None:
        return False
    context = {
        "intake_url": _intake_url(order),
        "login_url": tokens.login_url(order.email, reverse("sanctuaire:dashboard")),
        "link_minutes": int(tokens.LIFETIME.total_seconds() // 60),
        "delivery_hours": _delivery_hours(order),
        "invoice_url": _invoice_url(order),
    }
    sent = _send("payment_received", order.email, context, order=order)
    if sent:
        notices.record(order, Notice.Kind.PAYMENT, Notice.Channel.EMAIL)
    return sent


def send_delivery(order_id: int) -> bool:
    """The reading is validated: a link straight to it in the Sanctuaire."""
    order = _order(order_id)
    if order is None:
        return False
    next_url = reverse("sanctuaire:order", args=[order.public_id])
    context = {
        "login_url": tokens.login_url(order.email, next_url),
        "sanctuaire_url": settings.SITE_URL + reverse("sanctuaire:login"),
        "link_minutes": int(tokens.LIFETIME.total_seconds() // 60),
    }
    sent = _send("delivery", order.email, context, order=order)
    if sent:
        notices.record(order, Notice.Kind.DELIVERY, Notice.Channel.EMAIL)
    return sent


def send_sanctuaire_access(order_id: int) -> bool:
    """A fresh way into the Sanctuaire (the admin's "resend access" action)."""
    order = _order(order_id)
    if order is None:
        return False
    context = {
        "login_url": tokens.login_url(order.email, reverse("sanctuaire:dashboard")),
        "sanctuaire_url": settings.SITE_URL + reverse("sanctuaire:login"),
        "link_minutes": int(tokens.LIFETIME.total_seconds() // 60),
        "delivery_hours": (
            None if order.status == Order.Status.COMPLETED else _delivery_hours(order)
        ),
    }
    return _send("sanctuaire_access", order.email, context, order=order)


def _desk_url(order: Order) -> str:
    return settings.SITE_URL + reverse("experts:order", args=[order.public_id])


def send_order_ready_to_expert(order_id: int) -> bool:
    """The client who chose this expert has filled the form: the reserved order can start."""
    order = Order.objects.select_related("expert").filter(pk=order_id).first()
    if order is None or order.expert is None or not order.expert.email:
        return False
    context = {"expert": order.expert, "desk_url": _desk_url(order)}
    # The desk works in French, whatever the client's language.
    return _send(
        "expert_order_ready",
        order.expert.email,
        context,
        order=order,
        language=settings.LANGUAGE_CODE,
    )


def send_rejection_to_expert(order_id: int) -> bool:
    """A second look sent the reading back: its author reads why (SPEC §8.2)."""
    order = Order.objects.select_related("assigned_expert").filter(pk=order_id).first()
    if order is None or order.assigned_expert is None or not order.assigned_expert.email:
        return False
    context = {
        "expert": order.assigned_expert,
        "desk_url": _desk_url(order),
        "reason": order.reading.rejection_reason,
    }
    return _send(
        "expert_rejection",
        order.assigned_expert.email,
        context,
        order=order,
        language=settings.LANGUAGE_CODE,
    )


def send_order_taken_back_to_expert(order_id: int, expert_id: int) -> bool:
    """An admin put the order this expert held back in the queue: they hear it from us."""
    order = Order.objects.filter(pk=order_id).first()
    expert = Expert.objects.filter(pk=expert_id).first()
    if order is None or expert is None or not expert.email:
        return False
    return _send(
        "expert_order_taken_back",
        expert.email,
        {"expert": expert},
        order=order,
        language=settings.LANGUAGE_CODE,
    )


def send_intake_reminder(order_id: int) -> bool:
    """Paid a day ago and the intake form is still empty: the link to it, once."""
    order = _order(order_id)
    if order is None or order.intake_submitted_at is not None:
        return False
    return _send("intake_reminder", order.email, {"intake_url": _intake_url(order)}, order=order)


def send_login_link(email: str, next_url: str = "", language: str | None = None) -> bool:
    """The link a client asked for on the Sanctuaire login page, in the page's language."""
    context = {
        "login_url": tokens.login_url(email, next_url),
        "link_minutes": int(tokens.LIFETIME.total_seconds() // 60),
    }
    return _send("login_link", email, context, language=language or translation.get_language())


def send_refund(refund_id: int) -> bool:
    """Money given back: the amount, the reason and where to find the credit note."""
    refund = Refund.objects.filter(pk=refund_id).first()
    order = _order(refund.order_id) if refund is not None else None
    if order is None:
        return False
    next_url = reverse("sanctuaire:order", args=[order.public_id])
    context = {
        "refund": refund,
        "credit_note": CreditNote.objects.filter(refund=refund).first(),
        "sanctuaire_url": settings.SITE_URL + f"{reverse('sanctuaire:login')}?next={next_url}",
    }
    return _send("refund", order.email, context, order=order)
