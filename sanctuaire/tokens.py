"""Magic links into the Sanctuaire (SPEC §9): signed, expiring, single use.

The link carries `signing.dumps({"e": email, "s": secret})`; the database keeps only the
SHA-256 of the secret, so neither a database leak nor a forged email opens an account.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sanctuaire.models import LoginToken

SALT = "sanctuaire.login"
LIFETIME = timedelta(minutes=30)


class LinkRefused(Exception):
    """The link cannot log anyone in. `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email  # known only when the signature was good, to offer a new link


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(email: str, next_url: str = "") -> str:
    """A fresh single-use token for `email`, valid for LIFETIME."""
    email = email.strip().lower()
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    LoginToken.objects.create(
        email=email,
        token_hash=_digest(secret),
        next_url=next_url[:200],
        created_at=now,
        expires_at=now + LIFETIME,
    )
    return signing.dumps({"e": email, "s": secret}, salt=SALT)


def login_url(email: str, next_url: str = "") -> str:
    """The absolute magic link to put in an email."""
    return settings.SITE_URL + reverse("sanctuaire:magic_link", args=[issue(email, next_url)])


def check(token: str) -> LoginToken:
    """The token's row if the link may still log in; LinkRefused otherwise. Consumes nothing."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=LIFETIME)
    except signing.SignatureExpired:
        raise LinkRefused("expired", email=_signed_email(token)) from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    if not (
        isinstance(payload, dict)
        and isinstance(payload.get("e"), str)
        and isinstance(payload.get("s"), str)
    ):
        raise LinkRefused("invalid")
    row = LoginToken.objects.filter(token_hash=_digest(payload["s"])).first()
    # The signed email must be the one the token was issued for: a link never opens
    # another client's account, even with a valid signature.
    if row is None or row.email != payload["e"]:
        raise LinkRefused("invalid")
    if row.used_at is not None:
        raise LinkRefused("used", email=row.email)
    if row.expires_at <= timezone.now():
        raise LinkRefused("expired", email=row.email)
    return row


def consume(token: str) -> LoginToken:
    """Check the token and mark it used; of two simultaneous uses, exactly one wins."""
    row = check(token)
    with transaction.atomic():
        won = LoginToken.objects.filter(pk=row.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
    if not won:
        raise LinkRefused("used", email=row.email)
    return row


def _signed_email(token: str) -> str:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return ""
    return payload.get("e", "") if isinstance(payload, dict) else ""
