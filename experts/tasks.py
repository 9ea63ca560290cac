"""The desk's background task: the password-reset e-mail (SPEC §11).

The reset page queues the same task for any address and answers at once, so it tells nobody
which addresses are experts' and never waits on the mail server; the worker sends Django's
reset e-mail, retried like every e-mail, once per request and at most `RESETS_PER_HOUR` times an
hour to one address (a script posting the page cannot flood an expert's inbox).
"""

import hashlib
import logging
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation

from experts.forms import DeskPasswordResetForm
from operations.models import SentEmail
from operations.tasks import EMAIL_RETRIES, retried_task, send_once
from orders.models import EmailFailure

logger = logging.getLogger(__name__)


def _gave_up(error: BaseException, email: str, *args, **kwargs) -> None:
    EmailFailure.objects.create(
        template="password_reset", recipient=email, error=f"{type(error).__name__}: {error}"[:255]
    )


# However often the page is posted for one address, it receives at most this many an hour.
RESETS_PER_HOUR = 3


@retried_task(**EMAIL_RETRIES, give_up=_gave_up)
def send_password_reset_email(email: str, request_id: str, language: str = "") -> bool:
    """The reset link, to the accounts Django's form finds for `email` (none: nothing sent)."""
    form = DeskPasswordResetForm({"email": email})
    if not form.is_valid() or not any(form.get_users(form.cleaned_data["email"])):
        return False
    # The address appears in the key only as a digest, like the Sanctuaire's login requests.
    digest = hashlib.sha256(form.cleaned_data["email"].lower().encode()).hexdigest()[:24]
    sent = SentEmail.objects.filter(
        key__startswith=f"password_reset:{digest}:",
        sent_at__gte=timezone.now() - timedelta(hours=1),
    )
    if sent.count() >= RESETS_PER_HOUR:
        logger.warning(
            "password reset e-mail refused: %s sent to one address this hour", RESETS_PER_HOUR
        )
        return False
    site = urlsplit(settings.SITE_URL)
    save = partial(
        form.save,
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="experts/emails/password_reset_subject.txt",
        email_template_name="experts/emails/password_reset.txt",
        html_email_template_name="experts/emails/password_reset.html",
        extra_email_context={
            "site_url": settings.SITE_URL,
            "support_email": settings.SUPPORT_EMAIL,
        },
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        return send_once(f"password_reset:{digest}:{request_id}", "password_reset", save)
