"""The JSON endpoints kept from the original API (SPEC §6.2)."""

import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, JsonResponse

from experts.models import Expert
from lumira.jsonapi import (
    BadRequest,
    ErrorCode,
    json_error,
    json_methods,
    optional_str,
    read_json,
    required_str,
)
from orders.access import client_owns_order, remember_order
from orders.catalogue import OfferMismatch, OfferNotFound, resolve_offer
from orders.models import Order
from payments.checkout import start_checkout
from payments.gateways import get_gateway
from payments.gateways.base import GatewayConfigError, GatewayError, PaymentDeclined
from payments.reconcile import apply_intent

logger = logging.getLogger(__name__)


def _scalar(data: dict, key: str) -> object:
    value = data.get(key)
    if value is not None and (isinstance(value, (dict, list, bool, float))):
        raise BadRequest(f"Le champ « {key} » a un type invalide.", ErrorCode.INVALID_PARAMETER)
    return value


def _find_expert(expert_id: str) -> Expert | None:
    if not expert_id:
        return Expert.house()
    experts = Expert.objects.filter(is_active=True)
    try:
        return experts.filter(public_id=uuid.UUID(expert_id)).first()
    except ValueError:
        return experts.filter(slug=expert_id).first()


@json_methods("POST")
def create_payment_intent(request: HttpRequest) -> JsonResponse:
    try:
        data = read_json(request)
        email = required_str(data, "customerEmail", max_length=254).lower()
        name = optional_str(data, "customerName", max_length=160)
        expert_id = optional_str(data, "expertId", max_length=64)
        level, service, slug = (
            _scalar(data, "level"),
            _scalar(data, "service"),
            _scalar(data, "offer"),
        )
        if all(value in (None, "") for value in (level, service, slug)):
            raise BadRequest(
                "Précisez l’offre (« level », « service » ou « offer »).",
                ErrorCode.MISSING_PARAMETER,
            )
        try:
            validate_email(email)
        except ValidationError:
            raise BadRequest("Adresse e-mail invalide.", ErrorCode.INVALID_EMAIL) from None
        try:
            offer = resolve_offer(slug=slug, level=level, service=service)
        except OfferNotFound:
            raise BadRequest("Offre introuvable.", ErrorCode.OFFER_NOT_FOUND, 404) from None
        except OfferMismatch:
            raise BadRequest(
                "Le niveau et le service demandés ne correspondent pas à la même offre.",
                ErrorCode.OFFER_MISMATCH,
            ) from None
        expert = _find_expert(expert_id)
        if expert is None:
            raise BadRequest("Expert introuvable.", ErrorCode.EXPERT_NOT_FOUND, 404)
    except BadRequest as error:
        return error.response()

    first_name, _, last_name = name.partition(" ")
    try:
        # Any "amount" in the body is ignored: the price is the catalogue's (SPEC §4).
        order, intent = start_checkout(
            offer,
            email=email,
            first_name=first_name,
            last_name=last_name,
            expert=expert,
            user=request.user,
        )
    except GatewayConfigError:
        return json_error(
            "Le paiement n’est pas configuré sur ce serveur.", ErrorCode.STRIPE_CONFIG_ERROR, 503
        )
    except PaymentDeclined as error:
        return json_error(error.message_fr, ErrorCode.PAYMENT_FAILED, 402)
    except GatewayError:
        return json_error(
            "Le service de paiement est momentanément indisponible. Réessayez dans un instant.",
            ErrorCode.PAYMENT_FAILED,
            502,
        )
    remember_order(request, order)
    return JsonResponse(
        {
            "clientSecret": intent.client_secret,
            "orderId": str(order.public_id),
            "paymentIntentId": intent.id,
            "amount": order.price_cents,
            "currency": order.currency,
            "expertName": expert.name,
        }
    )


@json_methods("POST")
def confirm_payment(request: HttpRequest) -> JsonResponse:
    """Re-read the PaymentIntent from the gateway and apply it (the webhook may be late)."""
    try:
        data = read_json(request)
        intent_id = required_str(data, "paymentIntentId")
    except BadRequest as error:
        return error.response()
    order = Order.objects.only(*Order.SUMMARY_FIELDS).filter(payment_intent_id=intent_id).first()
    if order is None:
        return json_error("Commande introuvable.", ErrorCode.ORDER_NOT_FOUND, 404)
    try:
        intent = get_gateway().retrieve_intent(intent_id)
    except GatewayConfigError:
        return json_error(
            "Le paiement n’est pas configuré sur ce serveur.", ErrorCode.STRIPE_CONFIG_ERROR, 503
        )
    except GatewayError:
        return json_error(
            "Impossible de joindre le service de paiement.", ErrorCode.PAYMENT_FAILED, 502
        )
    apply_intent(order, intent, source="confirm-payment")
    order.refresh_from_db()
    return JsonResponse(
        {
            "success": order.is_paid,
            "order": {
                "id": str(order.public_id),
                "status": order.status,
                "paymentStatus": order.payment_status,
                "amount": order.price_cents,
                "service": order.service,
            },
        }
    )


# The payment page polls this endpoint: one literal query (SPEC §14, docs/performance.md) for
# what the JSON shows and ownership is checked with.
ORDER_JSON_SQL = """
    SELECT o.id, o.public_id, o.number, o.status, o.payment_status, o.price_cents, o.currency,
        o.service, o.level, o.level_name, o.created_at, o.paid_at, o.email, o.first_name,
        o.last_name, o.user_id, e.name AS expert_name
    FROM orders_order o LEFT OUTER JOIN experts_expert e ON e.id = o.expert_id
    WHERE o.public_id = %s
"""


@json_methods("GET")
def order_detail(request: HttpRequest, public_id: str) -> JsonResponse:
    try:
        # 32 hex digits: how SQLite stores a UUID, and a uuid PostgreSQL reads.
        digits = uuid.UUID(public_id).hex
    except ValueError:
        return json_error("Commande introuvable.", ErrorCode.ORDER_NOT_FOUND, 404)
    order = next(iter(Order.objects.raw(ORDER_JSON_SQL, [digits])), None)
    if order is None:
        return json_error("Commande introuvable.", ErrorCode.ORDER_NOT_FOUND, 404)
    body = {
        "id": str(order.public_id),
        "orderNumber": order.number,
        "status": order.status,
        "paymentStatus": order.payment_status,
        "amount": order.price_cents,
        "currency": order.currency,
        "service": order.service,
        "level": order.level,
        "levelName": order.level_name,
        "expertName": order.expert_name or "",
        "createdAt": order.created_at.isoformat(),
        "paidAt": order.paid_at.isoformat() if order.paid_at else None,
    }
    if client_owns_order(request, order) or request.user.is_staff:
        body.update(customerEmail=order.email, customerName=order.client_name)
    return JsonResponse({"order": body})
