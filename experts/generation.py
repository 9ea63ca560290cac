"""The external content generator (SPEC §8.3, the n8n flow of the original).

Both directions are signed the same way: header `X-Lumira-Timestamp: <unix seconds>` and
`X-Lumira-Signature: sha256=<hex>`, the HMAC-SHA256 with GENERATION_WEBHOOK_SECRET of
`"<timestamp>." + raw body`. The timestamp bounds a replay to a few minutes; inside that window
a callback already applied is recognised by its signature and changes nothing.

The payload's `sections` lists the text-like sections of the order's level (orders.sections:
short text, text, SVG) by name; the callback carries each as a string under that same name.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from experts import downloads
from experts.models import Expert, GenerationCallback
from experts.services import WorkRefused, ensure_can_work, still_mine
from operations.tasks import enqueue, retried_task
from orders import services as order_services
from orders.exceptions import ContentIncomplete, TransitionRefused
from orders.models import Order, Reading, missing_sections
from orders.sections import BY_NAME, Section, text_sections_for_level

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Lumira-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TIMESTAMP_HEADER = "X-Lumira-Timestamp"
TOLERANCE_SECONDS = 300


def is_configured() -> bool:
    return bool(settings.GENERATION_WEBHOOK_URL and settings.GENERATION_WEBHOOK_SECRET)


def sign(body: bytes, timestamp: int, secret: str) -> str:
    """The signature header value for `body` sent at `timestamp`."""
    message = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, timestamp: str, *, now: float | None = None) -> bool:
    """True when the signature is ours and recent; compared in constant time."""
    secret = settings.GENERATION_WEBHOOK_SECRET
    if (
        not secret
        or not signature
        or not (timestamp.isascii() and timestamp.isdigit())
        or len(timestamp) > 12
    ):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = sign(body, int(timestamp), secret)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))


# --- Outbound: "Générer" ------------------------------------------------------------------------


def ensure_can_generate(order: Order, expert: Expert) -> None:
    """A generator is configured and the expert may work on the order, or why not."""
    if not is_configured():
        raise WorkRefused(
            _("Aucun générateur n’est configuré : rédigez le contenu dans l’éditeur.")
        )
    ensure_can_work(order, expert)


def request_generation(order: Order, *, expert: Expert, instructions: str) -> None:
    """Record the request and the expert's instructions; a background task makes the call."""
    ensure_can_generate(order, expert)
    with transaction.atomic():
        still_mine(order, expert)
        Reading.objects.filter(pk=order_services.reading_of(order).pk).update(
            instructions=instructions,
            generation_requested_at=timezone.now(),
            generation_error="",
            updated_at=timezone.now(),
        )
        enqueue(call_generator, order.pk)
    order.refresh_from_db()


def build_payload(order: Order) -> dict:
    """What the generator needs to write the reading; no email, phone or payment data."""
    return {
        "order": str(order.public_id),
        "number": order.number,
        "level": order.level,
        "level_name": order.level_name,
        "offer": order.offer_name,
        "sections": [section.name for section in text_sections_for_level(order.level)],
        "client": {
            "first_name": order.first_name,
            "date_of_birth": order.date_of_birth.isoformat() if order.date_of_birth else None,
            "birth_time": order.birth_time.strftime("%H:%M") if order.birth_time else None,
            "birth_place": order.birth_place,
            "question": order.question,
            "life_question": order.life_question,
            "specific_context": order.specific_context,
            "audio_voice": order.audio_voice,
        },
        "instructions": order.reading.instructions,
        "callback_url": settings.SITE_URL + reverse("generation:callback", args=[order.public_id]),
    }


class GeneratorUnavailable(Exception):
    """The generator did not answer, or answered 5xx: worth another attempt later."""


def idempotency_key(order: Order) -> str:
    """Same request, same key: a retried call never starts a second generation."""
    requested = order.reading.generation_requested_at
    return f"{order.public_id}:{requested.isoformat() if requested else ''}"


def send_generation_request(order_id: int) -> None:
    """POST the signed payload; a failure is written on the reading for the expert to see.

    Raises GeneratorUnavailable when another attempt may succeed (timeout, unreachable, 5xx).
    """
    order = Order.objects.select_related("reading").get(pk=order_id)
    if order.status != Order.Status.PROCESSING or order.reading.generation_requested_at is None:
        return  # the order moved on since the request: nothing to generate
    url = settings.GENERATION_WEBHOOK_URL
    body = json.dumps(build_payload(order), ensure_ascii=False).encode("utf-8")
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked just below
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "OracleLumira/1.0",
            TIMESTAMP_HEADER: str(timestamp),
            IDEMPOTENCY_HEADER: idempotency_key(order),
            SIGNATURE_HEADER: sign(body, timestamp, settings.GENERATION_WEBHOOK_SECRET),
        },
    )
    retry = False
    if not url.lower().startswith(("http://", "https://")):
        error = _("Adresse du générateur invalide (http ou https attendu).")
    else:
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.GENERATION_TIMEOUT_SECONDS
            ) as response:
                response.read(4096)
        except urllib.error.HTTPError as failure:
            error = _("Le générateur a refusé la demande (HTTP %(status)s).") % {
                "status": failure.code
            }
            retry = failure.code >= 500
        except TimeoutError:
            error = _("Le générateur n’a pas répondu à temps : réessayez plus tard.")
            retry = True
        except (urllib.error.URLError, OSError) as failure:
            retry = True
            reason = getattr(failure, "reason", failure)
            error = (
                _("Le générateur n’a pas répondu à temps : réessayez plus tard.")
                if isinstance(reason, TimeoutError)
                else _("Le générateur est injoignable : réessayez plus tard.")
            )
        else:
            logger.info("order %s: generation requested", order.number)
            return
    logger.warning("order %s: generation request failed: %s", order.number, error)
    # Only the request that failed writes its error; a newer request starts clean.
    Reading.objects.filter(
        pk=order.reading.pk, generation_requested_at=order.reading.generation_requested_at
    ).update(generation_error=error[:255])
    if retry:
        raise GeneratorUnavailable(error)


@retried_task(attempts=3, first_delay=timedelta(seconds=30))
def call_generator(order_id: int) -> None:
    """The background task behind "Générer"; fewer attempts than e-mail (the expert waits)."""
    send_generation_request(order_id)


# --- Inbound: the callback -----------------------------------------------------------------------


def apply_callback(
    order: Order, content: dict[str, str], *, file_urls: dict[str, str], signature: str
) -> str | None:
    """Store the generated sections (text by section name) and submit them when complete.

    Returns the order's status afterwards ("awaiting_validation", or "processing" while files
    are fetched or when a file section is still missing for the expert to add); None when this
    callback was already applied. Raises TransitionRefused when the order no longer waits for
    content, ContentIncomplete when a text section its level needs is missing: in both cases
    nothing is stored.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():  # savepoint: a replay undoes only this insert
                GenerationCallback.objects.create(order=order, signature=signature)
        except IntegrityError:
            return None
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.Status.PROCESSING:
            raise TransitionRefused(order.status, Order.Status.AWAITING_VALIDATION)
        reading = order_services.reading_of(order)
        reading.write_texts(content)
        reading.generation_error = ""
        reading.save(update_fields=["texts", "generation_error", "updated_at"])
        missing = missing_sections(order)
        if any(not section.is_file for section in missing):
            raise ContentIncomplete([section for section in missing if not section.is_file])
        if file_urls:
            # The files come later, fetched and checked by content; the submission follows.
            enqueue(fetch_generated_files, order.pk, file_urls)
            return Order.Status.PROCESSING
        if missing:
            _note_missing(reading, missing)
            return Order.Status.PROCESSING
        order_services.submit_for_validation(order, source="generator")
    return Order.Status.AWAITING_VALIDATION


def _note_missing(reading: Reading, missing: list[Section]) -> None:
    labels = ", ".join(str(section.label) for section in missing)
    Reading.objects.filter(pk=reading.pk).update(
        generation_error=(
            _("Textes reçus du générateur ; il manque encore : %(labels)s.") % {"labels": labels}
        )[:255]
    )


@retried_task(attempts=3, first_delay=timedelta(seconds=30))
def fetch_generated_files(order_id: int, file_urls: dict[str, str]) -> None:
    """Download the generator's files, check them by content and size, store them privately,
    then submit the reading if it is complete. A refused file is reported to the expert."""
    order = Order.objects.select_related("reading").get(pk=order_id)
    reading = order.reading
    stored: dict[str, str] = {}
    errors = []
    for name, url in file_urls.items():
        fetch = downloads.fetch_audio if name == "audio" else downloads.fetch_pdf
        try:
            fetched = fetch(url)
        except downloads.DownloadRefused as refusal:
            logger.warning("order %s: generator %s refused: %s", order.number, name, refusal.reason)
            errors.append(
                _("le fichier %(label)s n’a pas pu être repris (%(reason)s)")
                % {"label": BY_NAME[name].label, "reason": refusal.reason}
            )
            continue
        field = Reading._meta.get_field(name)
        stored[name] = default_storage.save(
            field.generate_filename(reading, f"{name}.{fetched.extension}"),
            ContentFile(fetched.content),
        )
    with transaction.atomic():
        won = Reading.objects.filter(pk=reading.pk, order__status=Order.Status.PROCESSING).update(
            **stored,
            **({"pdf_generated": False} if "pdf" in stored else {}),
            generation_error=("; ".join(errors)[:255] if errors else ""),
        )
        if not won:
            transaction.on_commit(lambda: [default_storage.delete(n) for n in stored.values()])
            return
        order.refresh_from_db()
        missing = missing_sections(order)
        if missing:
            if not errors:
                _note_missing(order.reading, missing)
            return
        order_services.submit_for_validation(order, source="generator")


def record_incomplete(order: Order, missing: list[Section]) -> str:
    """Tell the expert the generator's answer lacked sections; returns the French message."""
    labels = ", ".join(str(section.label) for section in missing)
    message = _("Le générateur a renvoyé un contenu incomplet (manque : %(labels)s).") % {
        "labels": labels
    }
    with transaction.atomic():
        reading = order_services.reading_of(order)
        Reading.objects.filter(pk=reading.pk, order__status=Order.Status.PROCESSING).update(
            generation_error=message[:255]
        )
    return message
