from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "demo_payments": not settings.STRIPE_SECRET_KEY,
        "support_email": settings.SUPPORT_EMAIL,
    }
