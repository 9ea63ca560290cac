"""Background tasks that e-mail the client (SPEC §9, §11).

Each takes ids, re-reads, and sends its e-mail once however often it runs (`send_once`).
E-mail is retried as `operations.tasks.EMAIL_RETRIES` says (about an hour); the last failure
is recorded as an `EmailFailure` and stays failed in the queue, with a retry action in the admin.
"""

from functools import partial

from billing.models import Refund
from operations.tasks import EMAIL_RETRIES, retried_task, send_once
from orders import notices
from orders.models import Order
from sanctuaire import emails, services


def _gave_up(template: str):
    def record(error: BaseException, order_id: int, *args, **kwargs) -> None:
        recipient = Order.objects.filter(pk=order_id).values_list("email", flat=True).first()
        emails.record_failure(template, recipient or "", error, order_id=order_id)

    return record


@retried_task(**EMAIL_RETRIES, give_up=_gave_up("payment_received"))
def send_payment_received_email(order_id: int) -> bool:
    return send_once(
        f"payment_received:{order_id}",
        "payment_received",
        partial(emails.send_payment_received, order_id),
    )


@retried_task(**EMAIL_RETRIES, give_up=_gave_up("delivery"))
def send_delivery_email(order_id: int) -> bool:
    return send_once(f"delivery:{order_id}", "delivery", partial(emails.send_delivery, order_id))


@retried_task(**EMAIL_RETRIES, give_up=_gave_up("intake_reminder"))
def send_intake_reminder_email(order_id: int) -> bool:
    return send_once(
        f"intake_reminder:{order_id}",
        "intake_reminder",
        partial(emails.send_intake_reminder, order_id),
    )


@retried_task(**EMAIL_RETRIES, give_up=_gave_up("sanctuaire_access"))
def send_sanctuaire_access_email(order_id: int, request_id: str) -> bool:
    """The admin's "resend access": each click is its own request, sent once."""
    return send_once(
        f"sanctuaire_access:{request_id}",
        "sanctuaire_access",
        partial(emails.send_sanctuaire_access, order_id),
    )


def _refund_gave_up(error: BaseException, refund_id: int, *args, **kwargs) -> None:
    refund = Refund.objects.filter(pk=refund_id).select_related("order").first()
    order = refund.order if refund is not None else None
    emails.record_failure(
        "refund", order.email if order else "", error, order_id=order.pk if order else None
    )


@retried_task(**EMAIL_RETRIES, give_up=_refund_gave_up)
def send_refund_email(refund_id: int) -> bool:
    """Money given back: the amount, the reason and the credit note (once per refund)."""
    return send_once(f"refund:{refund_id}", "refund", partial(emails.send_refund, refund_id))


def _login_link_gave_up(error: BaseException, email: str, *args, **kwargs) -> None:
    emails.record_failure("login_link", email, error)


@retried_task(**EMAIL_RETRIES, give_up=_login_link_gave_up)
def send_login_link_email(email: str, next_url: str, request_id: str, language: str = "") -> bool:
    """Sent only to an address that may log in (the page said the same to everyone before), in
    the language of the page it was asked from."""
    if not services.may_receive_link(email):
        return False
    return send_once(
        f"login_link:{request_id}",
        "login_link",
        partial(emails.send_login_link, email, next_url, language or None),
    )


# WhatsApp notices (SPEC §9): retried like an e-mail; `send_whatsapp_notice` records what it sent,
# so a second run sends nothing.
@retried_task(**EMAIL_RETRIES)
def send_whatsapp_notice(order_id: int, kind: str) -> bool:
    return notices.send_whatsapp_notice(order_id, kind)


# The desk's e-mails to experts (SPEC §8.2), sent once each like the clients'.
@retried_task(**EMAIL_RETRIES, give_up=_gave_up("expert_order_ready"))
def send_expert_order_ready_email(order_id: int) -> bool:
    return send_once(
        f"expert_order_ready:{order_id}",
        "expert_order_ready",
        partial(emails.send_order_ready_to_expert, order_id),
    )


@retried_task(**EMAIL_RETRIES, give_up=_gave_up("expert_rejection"))
def send_expert_rejection_email(order_id: int, revision: int) -> bool:
    """One per rejection: the revision count tells two rejections of one order apart."""
    return send_once(
        f"expert_rejection:{order_id}:{revision}",
        "expert_rejection",
        partial(emails.send_rejection_to_expert, order_id),
    )


@retried_task(**EMAIL_RETRIES, give_up=_gave_up("expert_order_taken_back"))
def send_expert_taken_back_email(order_id: int, expert_id: int, request_id: str) -> bool:
    """One per take-back (`request_id`): an order may be taken back from two experts in turn."""
    return send_once(
        f"expert_order_taken_back:{order_id}:{request_id}",
        "expert_order_taken_back",
        partial(emails.send_order_taken_back_to_expert, order_id, expert_id),
    )
