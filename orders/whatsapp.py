"""WhatsApp Business Cloud API, the one seam the notices go through (SPEC §9).

A template message (the only kind a business may send first) with two body parameters: the
client's first name and the Sanctuaire link. Settings are read at call time, so tests switch the
API to a local fake with override_settings, as the Stripe gateway does.
"""

import json
import logging
import re
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


class WhatsAppError(Exception):
    """The API refused the message or could not be reached; the caller retries later."""


def is_configured() -> bool:
    return bool(settings.WHATSAPP_TOKEN and settings.WHATSAPP_PHONE_NUMBER_ID)


def recipient(phone: str) -> str:
    """'+33 6 12 34 56 78' → '33612345678': the API wants the digits with the country code."""
    return re.sub(r"\D", "", phone)


def send_template(phone: str, template: str, parameters: list[str]) -> str:
    """Send one template message; the API's message id."""
    body = {
        "messaging_product": "whatsapp",
        "to": recipient(phone),
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": "fr"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": value} for value in parameters],
                }
            ],
        },
    }
    url = f"{settings.WHATSAPP_API_BASE.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    request = urllib.request.Request(  # noqa: S310 (the configured API base)
        url,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {settings.WHATSAPP_TOKEN}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.WHATSAPP_TIMEOUT_SECONDS
        ) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise WhatsAppError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise WhatsAppError(f"unreachable: {error}") from None
    try:
        return str(answer["messages"][0]["id"])
    except (KeyError, IndexError, TypeError):
        raise WhatsAppError("unexpected answer") from None
