"""Background tasks of the client area: the login link (SPEC §9, §11)."""

from functools import partial

from operations.tasks import retried_task, send_once
from orders import emails
from orders.tasks import EMAIL_RETRIES
from sanctuaire import services


def _gave_up(error: BaseException, email: str, *args, **kwargs) -> None:
    emails.record_failure("login_link", email, error)


@retried_task(**EMAIL_RETRIES, give_up=_gave_up)
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
