"""What every JSON endpoint shares: one error shape and one way to read a body (SPEC §6.2)."""

import json
from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults


class ErrorCode(StrEnum):
    MISSING_PARAMETER = "MISSING_PARAMETER"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_JSON = "INVALID_JSON"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    OFFER_NOT_FOUND = "OFFER_NOT_FOUND"
    OFFER_MISMATCH = "OFFER_MISMATCH"
    EXPERT_NOT_FOUND = "EXPERT_NOT_FOUND"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    NOT_FOUND = "NOT_FOUND"
    STRIPE_CONFIG_ERROR = "STRIPE_CONFIG_ERROR"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    INVALID_EVENT = "INVALID_EVENT"
    INVALID_STATE = "INVALID_STATE"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CSRF_FAILED = "CSRF_FAILED"


class BadRequest(Exception):
    """Raised while reading a request; the view answers it with `json_error`."""

    def __init__(self, message: str, code: ErrorCode, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def response(self) -> JsonResponse:
        return json_error(self.message, self.code, self.status)


def json_error(message: str, code: ErrorCode, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": str(message), "code": str(code)}, status=status)


def read_body(request: HttpRequest) -> bytes:
    """The raw body; more than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, not a 500."""
    try:
        return request.body
    except RequestDataTooBig:
        raise BadRequest(
            "Requête trop volumineuse (1 Mo au maximum).", ErrorCode.PAYLOAD_TOO_LARGE, 413
        ) from None


def read_json(request: HttpRequest) -> dict:
    """The body as a JSON object; anything else is INVALID_JSON."""
    body = read_body(request)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest(
            "Le corps de la requête n’est pas du JSON valide.", ErrorCode.INVALID_JSON
        ) from None
    if not isinstance(data, dict):
        raise BadRequest("Un objet JSON est attendu.", ErrorCode.INVALID_JSON)
    return data


def optional_str(data: dict, key: str, *, max_length: int = 255) -> str:
    """A string field that may be absent or null; any other type is INVALID_PARAMETER."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"Le champ « {key} » doit être une chaîne.", ErrorCode.INVALID_PARAMETER)
    value = value.strip()
    if "\x00" in value:  # PostgreSQL refuses NUL in text: a query with it would be a 500
        raise BadRequest(f"Le champ « {key} » est invalide.", ErrorCode.INVALID_PARAMETER)
    if len(value) > max_length:
        raise BadRequest(f"Le champ « {key} » est trop long.", ErrorCode.INVALID_PARAMETER)
    return value


def required_str(data: dict, key: str, *, max_length: int = 255) -> str:
    value = optional_str(data, key, max_length=max_length)
    if not value:
        raise BadRequest(f"Le champ « {key} » est obligatoire.", ErrorCode.MISSING_PARAMETER)
    return value


def json_methods(*methods: str) -> Callable:
    """Like require_http_methods, but the refusal is a JSON error too (SPEC §6.2)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = json_error("Méthode non autorisée.", ErrorCode.METHOD_NOT_ALLOWED, 405)
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Unknown addresses: JSON under /api/, the site's 404 page (templates/404.html) elsewhere."""
    if request.path.startswith("/api/"):
        return json_error("Adresse inconnue de l’API.", ErrorCode.NOT_FOUND, 404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF refusals: JSON under /api/, the site's page elsewhere (templates/403_csrf.html)."""
    if request.path.startswith("/api/"):
        return json_error(
            "Jeton CSRF absent ou invalide : rechargez la page.", ErrorCode.CSRF_FAILED, 403
        )
    return csrf.csrf_failure(request, reason=reason)
