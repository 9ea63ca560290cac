"""The generator's signed callback (SPEC §8.3): JSON in, JSON out, never a 500."""

import logging
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from experts import generation
from lumira.jsonapi import (
    BadRequest,
    ErrorCode,
    json_error,
    json_methods,
    optional_str,
    read_body,
    read_json,
)
from orders.exceptions import ContentIncomplete, TransitionRefused
from orders.models import Order
from orders.sections import FILE_SECTIONS, TEXT_SECTIONS, Kind
from orders.svg import InvalidSvg, sanitize_svg

logger = logging.getLogger(__name__)


def _read_content(data: dict) -> dict[str, str]:
    """The text-like sections the generator sent, by section name (orders.sections)."""
    content = {}
    for section in TEXT_SECTIONS:
        if section.name not in data:
            continue
        value = optional_str(data, section.name, max_length=section.max_length)
        if section.kind == Kind.SVG:
            try:
                value = sanitize_svg(value)
            except InvalidSvg:
                raise BadRequest(
                    f"Le champ « {section.name} » n’est pas un SVG lisible.",
                    ErrorCode.INVALID_PARAMETER,
                ) from None
        content[section.name] = value
    return content


def _read_file_urls(data: dict) -> dict[str, str]:
    """The files the generator hands over as URLs: "audio_url", "pdf_url" (HTTPS)."""
    urls = {}
    for section in FILE_SECTIONS:
        key = f"{section.name}_url"
        if key not in data:
            continue
        value = optional_str(data, key, max_length=2000)
        local = settings.GENERATION_FILES_ALLOW_LOCAL and value.lower().startswith("http://")
        if value and not value.lower().startswith("https://") and not local:
            raise BadRequest(
                f"Le champ « {key} » doit être une adresse https://.", ErrorCode.INVALID_PARAMETER
            )
        if value:
            urls[section.name] = value
    return urls


@csrf_exempt
@json_methods("POST")
def callback(request: HttpRequest, public_id: UUID) -> JsonResponse:
    try:
        body = read_body(request)
        # The signature is checked before anything else, even whether the order exists.
        if not generation.verify(
            body,
            request.headers.get(generation.SIGNATURE_HEADER, ""),
            request.headers.get(generation.TIMESTAMP_HEADER, ""),
        ):
            return json_error(
                "Signature absente, invalide ou expirée.", ErrorCode.INVALID_SIGNATURE
            )
        data = read_json(request)
        content = _read_content(data)
        file_urls = _read_file_urls(data)
    except BadRequest as error:
        return error.response()
    order = Order.objects.filter(public_id=public_id).first()
    if order is None:
        return json_error("Commande introuvable.", ErrorCode.ORDER_NOT_FOUND, 404)
    signature = request.headers[generation.SIGNATURE_HEADER]
    try:
        outcome = generation.apply_callback(
            order, content, file_urls=file_urls, signature=signature
        )
    except TransitionRefused:
        order.refresh_from_db()
        return json_error(
            f"Cette commande n’attend pas de contenu (statut : {order.status}).",
            ErrorCode.INVALID_STATE,
            409,
        )
    except ContentIncomplete as error:
        return json_error(
            generation.record_incomplete(order, error.missing), ErrorCode.INVALID_PARAMETER
        )
    if outcome is None:
        logger.info("order %s: generation callback replayed", order.number)
        return JsonResponse({"status": "duplicate", "duplicate": True})
    logger.info("order %s: generated content received (%s)", order.number, outcome)
    return JsonResponse({"status": outcome, "duplicate": False})
