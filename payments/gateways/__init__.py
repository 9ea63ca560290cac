"""`get_gateway()` reads the settings at call time, so `override_settings` switches it."""

from django.conf import settings

from payments.gateways.base import Gateway, GatewayConfigError


def get_gateway() -> Gateway:
    if settings.STRIPE_SECRET_KEY:
        from payments.gateways.stripe import StripeGateway

        return StripeGateway()
    if settings.DEBUG or settings.PAYMENTS_DEMO:
        from payments.gateways.demo import DemoGateway

        return DemoGateway()
    raise GatewayConfigError("no Stripe key and demo payments are off")


def is_demo() -> bool:
    return not settings.STRIPE_SECRET_KEY
