"""One legacy document → the fields of our models, or `Rejected` with the reason (SPEC §10).

Field names on the left are those of the original Mongoose documents (camelCase). Nothing here
touches the database: the importer passes in what it already loaded (offers, experts, users),
so a document is validated in full before anything is written.
"""

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from bson import ObjectId
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Model

from orders.intake import INTAKE_ANSWERS
from orders.models import NUMBER_ALPHABET, Offer, Order
from orders.sections import BY_NAME, required_sections

Status = Order.Status
PARIS = ZoneInfo("Europe/Paris")

# Legacy status → ours. `completed` is decided by `order_status`: the old webhook set it on
# payment, before any expert work. Anything else is rejected, never guessed.
LEGACY_STATUSES = {
    "pending": Status.PENDING,
    "paid": Status.PAID,
    "processing": Status.PROCESSING,
    "awaiting_validation": Status.AWAITING_VALIDATION,
    "completed": Status.COMPLETED,
    "failed": Status.FAILED,
    "refunded": Status.REFUNDED,
}
APPROVED = {"approved", "validated"}
# productorders.productId is the slug of our offer.
PRODUCT_IDS = {"initie", "mystique", "profond", "integrale"}
MONEY_STATUSES = {
    Status.PAID,
    Status.PROCESSING,
    Status.AWAITING_VALIDATION,
    Status.COMPLETED,
    Status.REFUNDED,
}
# Statuses at which an expert has started the reading: the import gives those orders one.
WORKED_STATUSES = {Status.PROCESSING, Status.AWAITING_VALIDATION, Status.COMPLETED}
# generatedContent.<key> → the reading's text section of that name (orders.sections).
GENERATED_CONTENT = {
    "archetype": "archetype",
    "reading": "reading",
    "ritual": "ritual",
    "blockages_analysis": "blockagesAnalysis",
    "soul_profile": "soulProfile",
    "mandala": "mandalaSvg",
}
AUDIO_VOICES = frozenset(Order.AudioVoice.values)
DELIVERY_FORMATS = frozenset(Order.DeliveryFormat.values)
_HEX_ID = re.compile(r"^[0-9a-f]{24}$")
_CURRENCY = re.compile(r"^[a-z]{3}$")


class Rejected(Exception):
    """This document cannot be imported as it is; the message is the reason in the report."""


@dataclass
class Context:
    """What the mapping may look up: loaded once per run (offers, experts) or as it goes."""

    offers_by_level: dict[int, Offer]
    offers_by_slug: dict[str, Offer]
    # Expert legacy id → (Expert pk, its auth.User pk or None).
    experts: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    # Legacy user id → lower-cased email, from the `users` collection of this run.
    user_emails: dict[str, str] = field(default_factory=dict)


@dataclass
class Mapped:
    """A document that passed validation: what to write, and under which legacy key."""

    key: str
    fields: dict[str, object]
    status: str = ""
    note: str = ""
    # An order's Reading fields, None when nobody worked on it (no content, no review).
    reading: dict[str, object] | None = None
    # Set by the importer when the row exists already: the row, and the fields that differ.
    instance: Model | None = None
    changed: list[str] = field(default_factory=list)
    reading_changed: list[str] = field(default_factory=list)


# --- Scalars ----------------------------------------------------------------------------------


def legacy_key(document: dict) -> str:
    """The document's ObjectId as 24 lower-case hex digits: our `legacy_id`."""
    value = document.get("_id")
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, str) and _HEX_ID.match(value.lower()):
        return value.lower()
    raise Rejected(f"_id absent ou qui n’est pas un ObjectId : {value!r}"[:200])


@functools.cache
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _lookup(document: dict, path: str) -> object:
    """`formData.preferences.audioVoice` → the value, None when any step is missing."""
    parts = _parts(path)
    value = document.get(parts[0])
    for index in range(1, len(parts)):
        if value is None:
            return None
        if not isinstance(value, dict):
            raise Rejected(f"{'.'.join(parts[:index])} n’est pas un objet")
        value = value.get(parts[index])
    return value


def text(document: dict, path: str, max_length: int | None = None, *, required=False) -> str:
    value = _lookup(document, path)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Rejected(f"{path} n’est pas un texte : {value!r}"[:200])
    if "\x00" in value:
        value = value.replace("\x00", "")  # NUL carries no text, and PostgreSQL refuses it
    value = value.strip()
    if required and not value:
        raise Rejected(f"{path} manquant")
    if max_length is not None and len(value) > max_length:
        raise Rejected(f"{path} dépasse {max_length} caractères ({len(value)})")
    return value


def integer(document: dict, path: str, *, minimum: int, default: int | None = None) -> int:
    value = _lookup(document, path)
    if value is None and default is not None:
        return default
    # JavaScript numbers may arrive as BSON doubles: 4700.0 is 4700 cents, 47.5 is not cents.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Rejected(f"{path} n’est pas un entier : {value!r}"[:200])
    if value < minimum or value > 2_147_483_647:
        raise Rejected(f"{path} hors limites : {value}")
    return value


def instant(document: dict, path: str) -> datetime | None:
    """A BSON date (or an ISO 8601 string) as an aware UTC datetime; the instant is kept."""
    value = _lookup(document, path)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise Rejected(f"{path} n’est pas une date : {value!r}"[:200]) from None
    if not isinstance(value, datetime):
        raise Rejected(f"{path} n’est pas une date valide : {value!r}"[:200])
    if value.tzinfo is None:
        # BSON dates are UTC; a naive one comes from a client that dropped the zone.
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def calendar_date(document: dict, path: str) -> date | None:
    """A date of birth: 'YYYY-MM-DD', 'DD/MM/YYYY', or a BSON date read in Paris time."""
    value = _lookup(document, path)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        # The old front end stored local midnight: 1990-05-12 Paris is 1990-05-11T22:00Z.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(PARIS).date()
    if isinstance(value, str):
        raw = value.strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 (a calendar date)
            except ValueError:
                pass
        try:
            return datetime.fromisoformat(raw).date()
        except ValueError:
            pass
    raise Rejected(f"{path} n’est pas une date : {value!r}"[:200])


def clock_time(document: dict, path: str) -> time | None:
    value = _lookup(document, path)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Rejected(f"{path} n’est pas une heure : {value!r}"[:200])


def email(document: dict, *paths: str, required: bool = True) -> str:
    """The first non-empty of `paths`, lower-cased: our accounts are keyed by it."""
    for path in paths:
        value = text(document, path, 254).lower()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise Rejected(f"{path} n’est pas une adresse e-mail : {value!r}"[:200]) from None
            return value
    if required:
        raise Rejected(f"{' / '.join(paths)} manquant")
    return ""


def reference(document: dict, path: str) -> str:
    """Another document's id (an ObjectId, or its hex string) as our legacy keys spell it."""
    value = _lookup(document, path)
    if isinstance(value, ObjectId):
        return str(value)
    return value.strip().lower() if isinstance(value, str) else ""


def currency(document: dict) -> str:
    value = text(document, "currency") or "eur"
    value = value.lower()
    if not _CURRENCY.match(value):
        raise Rejected(f"currency invalide : {value!r}"[:200])
    return value


def created(document: dict, key: str) -> datetime:
    """createdAt, or the instant the ObjectId was generated (it carries it)."""
    return instant(document, "createdAt") or ObjectId(key).generation_time


def choice(document: dict, path: str, allowed: frozenset[str], default: str) -> str:
    value = text(document, path).lower()
    if not value:
        return default
    if value not in allowed:
        raise Rejected(f"{path} inconnu : {value!r}"[:200])
    return value


def legacy_status(legacy: object) -> str:
    if not isinstance(legacy, str) or legacy.strip().lower() not in LEGACY_STATUSES:
        raise Rejected(f"statut inconnu : {legacy!r}"[:200])
    return LEGACY_STATUSES[legacy.strip().lower()]


def order_status(legacy: object, *, approved: bool, has_content: bool) -> tuple[str, str]:
    """Our status for a legacy one, with a note when the rule changed it."""
    status = legacy_status(legacy)
    if status != Status.COMPLETED:
        return status, ""
    if approved and has_content:
        return Status.COMPLETED, ""
    # The old webhook marked orders completed on payment: without validated content, the
    # reading was never delivered and goes back to the desk queue.
    why = "contenu non validé" if has_content else "contenu incomplet"
    return Status.PAID, f"statut d’origine « completed » ({why}) : importée comme payée"


# --- Orders -----------------------------------------------------------------------------------


def map_order(document: dict, context: Context) -> Mapped:
    """An `orders` document → Order fields, its status and the history note."""
    key = legacy_key(document)
    number = text(document, "orderNumber", 24, required=True)
    level = integer(document, "level", minimum=1)
    offer = context.offers_by_level.get(level)
    if offer is None:
        raise Rejected(f"level inconnu : {level}")
    amount = integer(document, "amount", minimum=1)
    first_name = text(document, "formData.firstName", 80)
    last_name = text(document, "formData.lastName", 80)
    if not (first_name or last_name):
        first_name, _, last_name = text(document, "userName").partition(" ")
        if len(first_name) > 80 or len(last_name.strip()) > 80:
            raise Rejected("userName dépasse 80 caractères")
    client_email = email(
        document, "userEmail", "formData.email", required=False
    ) or context.user_emails.get(reference(document, "userId"), "")
    if not client_email:
        raise Rejected("userEmail / formData.email manquant")

    texts = {
        name: text(document, f"generatedContent.{source}", BY_NAME[name].max_length)
        for name, source in GENERATED_CONTENT.items()
    }
    texts = {name: value for name, value in texts.items() if value}
    validation_status = text(document, "expertValidation.validationStatus").lower()
    # Complete by the old system's measure: the required sections it had.
    has_content = all(
        texts.get(section.name)
        for section in required_sections(level)
        if section.name in GENERATED_CONTENT
    )
    status, status_note = order_status(
        document.get("status"), approved=validation_status in APPROVED, has_content=has_content
    )

    created_at = created(document, key)
    paid_at = instant(document, "paidAt")
    validated_at = instant(document, "expertValidation.validatedAt")
    delivered_at = instant(document, "deliveredAt")
    if status == Status.COMPLETED:
        # Delivered means a delivery instant: the closest one the document has.
        delivered_at = delivered_at or validated_at or instant(document, "updatedAt") or created_at
    else:
        delivered_at = None
    expert = context.experts.get(reference(document, "expertId"))
    validator = context.experts.get(reference(document, "expertValidation.validatorId"))
    payment_intent_id = text(document, "paymentIntentId", 255)

    fields = {
        "legacy_id": key,
        "number": number,
        "offer_id": offer.pk,
        "level": level,
        "level_name": text(document, "levelName", 40) or offer.level_name,
        "offer_name": offer.name,
        "service": offer.service,
        "price_cents": amount,
        "currency": currency(document),
        "duration_minutes": integer(
            document, "duration", minimum=1, default=offer.duration_minutes
        ),
        "email": client_email,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "phone": text(document, "formData.phone", 32),
        "date_of_birth": calendar_date(document, "formData.dateOfBirth"),
        "question": text(document, "formData.specificQuestion"),
        "audio_voice": choice(
            document,
            "formData.preferences.audioVoice",
            AUDIO_VOICES,
            Order.AudioVoice.FEMININE,
        ),
        "delivery_format": choice(
            document,
            "formData.preferences.deliveryFormat",
            DELIVERY_FORMATS,
            Order.DeliveryFormat.EMAIL,
        ),
        "payment_intent_id": payment_intent_id or None,
        "payment_status": _payment_status(status),
        "paid_at": paid_at,
        "refunded_at": instant(document, "refundedAt") if status == Status.REFUNDED else None,
        "birth_time": clock_time(document, "clientInputs.birthTime"),
        "birth_place": text(document, "clientInputs.birthPlace", 160),
        "specific_context": text(document, "clientInputs.specificContext"),
        "life_question": text(document, "clientInputs.lifeQuestion"),
        "assigned_expert_id": expert[0] if expert else None,
        "created_at": created_at,
    }
    # The old system kept the answers but not when they came: the payment (or creation) instant
    # stands for it, so that the answers show as given and the timeline step as done.
    answered = any(fields[name] for name in INTAKE_ANSWERS)
    fields["intake_submitted_at"] = (paid_at or created_at) if answered else None
    reading = {
        "texts": texts,
        "revision_count": integer(document, "revisionCount", minimum=0, default=0),
        "review_notes": text(document, "expertReview.notes"),
        "validation_notes": text(document, "expertValidation.validationNotes"),
        "rejection_reason": text(document, "expertValidation.rejectionReason"),
        "validated_by_id": validator[1] if validator else None,
        "validated_at": validated_at,
        "delivered_at": delivered_at,
    }
    fields.update(_promise(offer, paid_at))
    if status not in WORKED_STATUSES and not any(reading.values()):
        reading = None  # nobody worked on it: no reading, as for an order of this site
    return Mapped(key, fields, status, _history_note(document, key, status_note), reading)


def _promise(offer, paid_at: datetime | None) -> dict:
    """The delivery promise of today's offer, from the legacy payment (SPEC §4)."""
    hours = offer.delivery_hours
    return {
        "delivery_hours": hours,
        "due_at": paid_at + timedelta(hours=hours) if paid_at else None,
    }


def _payment_status(status: str) -> str:
    if status == Status.REFUNDED:
        return "refunded"
    return "succeeded" if status in MONEY_STATUSES else ""


def _history_note(document: dict, key: str, status_note: str) -> str:
    """What the import could not carry into fields, kept in the order's history for an admin."""
    lines = [f"Importée de l’ancien système (document {key})."]
    if status_note:
        lines.append(status_note)
    # Files of the old system live on its own storage: their addresses stay in the history;
    # `import_legacy --files-base-url` also copies them here (legacy.files).
    for path in ("generatedContent.audioUrl", "generatedContent.pdfUrl"):
        url = text(document, path)
        if url:
            lines.append(f"{path} : {url}")
    files = document.get("files")
    if isinstance(files, list) and files:
        lines.append(f"{len(files)} fichier(s) joint(s) dans l’ancien système.")
    return "\n".join(lines)


def map_product_order(document: dict, context: Context) -> Mapped:
    """A `productorders` document (the older one-product checkout) → Order fields."""
    key = legacy_key(document)
    product = text(document, "productId").lower()
    if product not in PRODUCT_IDS or product not in context.offers_by_slug:
        raise Rejected(f"productId inconnu : {document.get('productId')!r}"[:200])
    offer = context.offers_by_slug[product]
    amount = integer(document, "amount", minimum=1)
    status = legacy_status(document.get("status"))
    note = f"Importée de l’ancien système (productorders {key})."
    if status == Status.COMPLETED:
        # A productorder carries no content: `completed` there only ever meant "paid".
        status = Status.PAID
        note += "\nstatut d’origine « completed » (paiement reçu) : importée comme payée"
    created_at = created(document, key)
    fields = {
        "legacy_id": key,
        "offer_id": offer.pk,
        "level": offer.level,
        "level_name": offer.level_name,
        "offer_name": offer.name,
        "service": offer.service,
        "price_cents": amount,
        "currency": currency(document),
        "duration_minutes": offer.duration_minutes,
        "email": email(document, "customerEmail"),
        "first_name": text(document, "metadata.firstName", 80),
        "last_name": text(document, "metadata.lastName", 80),
        "payment_intent_id": text(document, "paymentIntentId", 255) or None,
        "payment_status": _payment_status(status),
        "paid_at": instant(document, "completedAt") if status in MONEY_STATUSES else None,
        "created_at": created_at,
    }
    fields.update(_promise(offer, fields["paid_at"]))
    return Mapped(key, fields, status, note)


def product_order_number(key: str, created_at: datetime, attempt: int = 0) -> str:
    """A stable order number for a productorder (it had none), in our LUM-YYYYMMDD-XXXXX form."""
    digest = hashlib.sha256(f"{key}:{attempt}".encode()).digest()
    suffix = "".join(NUMBER_ALPHABET[byte % len(NUMBER_ALPHABET)] for byte in digest[:5])
    return f"LUM-{created_at.astimezone(PARIS):%Y%m%d}-{suffix}"


# --- Experts, users, processed events ---------------------------------------------------------


def map_expert(document: dict) -> Mapped:
    key = legacy_key(document)
    specialties = document.get("specialties")
    if specialties is None:
        specialties = []
    if not isinstance(specialties, list) or not all(isinstance(s, str) for s in specialties):
        raise Rejected("specialties n’est pas une liste de textes")
    rating = document.get("rating")
    if rating is not None:
        try:
            if isinstance(rating, bool):
                raise InvalidOperation
            rating = Decimal(str(rating)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise Rejected(f"rating n’est pas un nombre : {rating!r}"[:200]) from None
        if not Decimal(0) <= rating <= Decimal(5):
            raise Rejected(f"rating hors de 0 à 5 : {rating}")
    is_active = document.get("isActive", True)
    if not isinstance(is_active, bool):
        raise Rejected(f"isActive n’est pas un booléen : {is_active!r}"[:200])
    fields = {
        "legacy_id": key,
        "name": text(document, "name", 120, required=True),
        "email": email(document, "email"),
        "specialties": [s for s in (s.replace("\x00", "").strip() for s in specialties) if s],
        "rating": rating,
        "is_active": is_active,
        "last_login_at": instant(document, "lastLogin"),
        "created_at": created(document, key),
    }
    return Mapped(key, fields)


def map_user(document: dict) -> Mapped:
    """A client account: email and names only. Password hashes of the old system stay there."""
    key = legacy_key(document)
    address = email(document, "email")
    if len(address) > 150:
        raise Rejected("email dépasse 150 caractères (identifiant de compte)")
    fields = {
        "username": address,
        "email": address,
        "first_name": text(document, "firstName", 150),
        "last_name": text(document, "lastName", 150),
        "date_joined": created(document, key),
    }
    return Mapped(key, fields)


def map_processed_event(document: dict) -> Mapped:
    key = legacy_key(document)
    processed = document.get("processed", True)
    if not isinstance(processed, bool):
        raise Rejected(f"processed n’est pas un booléen : {processed!r}"[:200])
    fields = {
        "event_id": text(document, "eventId", 255, required=True),
        "type": text(document, "eventType", 100, required=True),
        "processed_at": instant(document, "processedAt") or created(document, key),
        "processed": processed,
    }
    return Mapped(key, fields)
