"""System checks for the generator settings (SPEC §8.3), reported before any request."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_generation_settings(app_configs=None, **kwargs) -> list[Error]:
    url = settings.GENERATION_WEBHOOK_URL
    errors = []
    if url and not url.lower().startswith(("http://", "https://")):
        errors.append(
            Error(
                "GENERATION_WEBHOOK_URL must be an http:// or https:// URL.",
                hint="Example: https://n8n.example.com/webhook/lumira",
                id="experts.E001",
            )
        )
    if url and not settings.GENERATION_WEBHOOK_SECRET:
        errors.append(
            Error(
                "GENERATION_WEBHOOK_URL is set but GENERATION_WEBHOOK_SECRET is empty.",
                hint="Both directions are HMAC-signed: share a long random secret with the "
                "generator.",
                id="experts.E002",
            )
        )
    return errors
