"""System checks for the payment settings (SPEC §3): a bad key is reported before any request."""

import re

from django.conf import settings
from django.core.checks import Error, register

SECRET_KEY_RE = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9]{10,}$")
PUBLISHABLE_KEY_RE = re.compile(r"^pk_(test|live)_[A-Za-z0-9]{10,}$")
WEBHOOK_SECRET_RE = re.compile(r"^whsec_[A-Za-z0-9+/=]{10,}$")


def _mode(key: str) -> str:
    return "live" if "_live_" in key else "test"


@register("payments")
def check_stripe_settings(app_configs=None, **kwargs) -> list[Error]:
    errors: list[Error] = []
    secret = settings.STRIPE_SECRET_KEY
    publishable = settings.STRIPE_PUBLISHABLE_KEY
    webhook_secret = settings.STRIPE_WEBHOOK_SECRET

    if secret:
        if secret.startswith("pk_"):
            errors.append(
                Error(
                    "STRIPE_SECRET_KEY holds a publishable key (pk_…).",
                    hint="Use the secret key (sk_test_…, sk_live_… or rk_…) from the Stripe "
                    "dashboard; the pk_ key goes in STRIPE_PUBLISHABLE_KEY.",
                    id="payments.E001",
                )
            )
        elif not SECRET_KEY_RE.match(secret):
            errors.append(
                Error(
                    "STRIPE_SECRET_KEY is malformed.",
                    hint="Expected sk_test_…, sk_live_… or rk_…, with no spaces or quotes.",
                    id="payments.E001",
                )
            )
        if not webhook_secret:
            errors.append(
                Error(
                    "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set.",
                    hint="Copy the whsec_… secret of your endpoint (or of `stripe listen`).",
                    id="payments.E003",
                )
            )
        if not publishable:
            errors.append(
                Error(
                    "STRIPE_PUBLISHABLE_KEY is required when STRIPE_SECRET_KEY is set.",
                    hint="The payment page needs the pk_… key to show Stripe's Payment Element.",
                    id="payments.E006",
                )
            )
    if publishable and not PUBLISHABLE_KEY_RE.match(publishable):
        errors.append(
            Error(
                "STRIPE_PUBLISHABLE_KEY is malformed.",
                hint="Expected pk_test_… or pk_live_…, with no spaces or quotes.",
                id="payments.E002",
            )
        )
    if webhook_secret and not WEBHOOK_SECRET_RE.match(webhook_secret):
        errors.append(
            Error(
                "STRIPE_WEBHOOK_SECRET is malformed.",
                hint="Expected whsec_…, with no spaces or quotes.",
                id="payments.E003",
            )
        )
    if (
        SECRET_KEY_RE.match(secret)
        and secret.startswith("sk_")
        and PUBLISHABLE_KEY_RE.match(publishable)
        and _mode(secret) != _mode(publishable)
    ):
        errors.append(
            Error(
                "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are from different modes.",
                hint="Use both test keys or both live keys.",
                id="payments.E005",
            )
        )
    if not secret and not settings.DEBUG and not settings.PAYMENTS_DEMO:
        errors.append(
            Error(
                "Demo payment mode is refused with DEBUG off.",
                hint="Set STRIPE_SECRET_KEY (and its companions), or PAYMENTS_DEMO=1 for a "
                "demonstration server that takes no real money.",
                id="payments.E004",
            )
        )
    return errors
