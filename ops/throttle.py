"""Password logins (desk and admin) throttled against guessing (SPEC §12).

Failures are counted in the database per account and client address (lumira.clientip), so the
limit holds across processes. Twenty failures for one account from one address within 15
minutes lock that pair until the oldest of them is 15 minutes old; a correct password is
refused meanwhile. One address failing on many accounts is locked too, at 100. A success clears
the pair's failures.
"""

from datetime import timedelta

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumira.clientip import client_ip
from ops.models import LoginFailure

ACCOUNT_LIMIT = 20
ADDRESS_LIMIT = 100
WINDOW = timedelta(minutes=15)
LOCKED = _(
    "Trop de tentatives de connexion échouées. Par sécurité, ce compte est bloqué depuis votre "
    "adresse pendant 15 minutes."
)


def _normalise(username: str) -> str:
    return username.strip().lower()[:150]


def is_locked(username: str, ip_address: str | None, now=None) -> bool:
    since = (now or timezone.now()) - WINDOW
    recent = LoginFailure.objects.filter(created_at__gte=since, ip_address=ip_address)
    return (
        recent.filter(username=_normalise(username)).count() >= ACCOUNT_LIMIT
        or recent.count() >= ADDRESS_LIMIT
    )


def record_failure(username: str, ip_address: str | None) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    LoginFailure.objects.create(
        username=_normalise(username), ip_address=ip_address, created_at=now
    )


def clear(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.filter(username=_normalise(username), ip_address=ip_address).delete()


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuse while locked, count each failure, clear on success."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None:
            # Refused at the field (missing, or text no database column holds, such as a NUL
            # byte): not a password tried, and nothing to look up.
            return super().clean()
        ip_address = client_ip(self.request) if self.request is not None else None
        if is_locked(username, ip_address):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(username, ip_address)
            raise
        clear(username, ip_address)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
