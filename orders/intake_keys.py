"""The intake form's link in the payment e-mail: a signed key that opens the form elsewhere.

Its own module so that the e-mails can build the link without importing the intake's saving
(which sends e-mails itself).
"""

from datetime import timedelta

from django.core import signing

from orders.models import Order

KEY_SALT = "orders.intake"
KEY_LIFETIME = timedelta(days=30)


def intake_key(order: Order) -> str:
    """Signed proof that the holder received the order's email (opens the form elsewhere)."""
    return signing.dumps(str(order.public_id), salt=KEY_SALT)


def key_opens(order: Order, key: str) -> bool:
    try:
        value = signing.loads(key, salt=KEY_SALT, max_age=KEY_LIFETIME)
    except signing.BadSignature:
        return False
    return value == str(order.public_id)
