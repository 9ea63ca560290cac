"""The intake form's logic (SPEC §5, §6.1): photo checks, the email link's key, saving.

None of this changes an order's status; the save is conditional on the order still being
`paid`, so an expert's claim and a late amendment cannot both win.
"""

import io
import logging
import warnings
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from orders import signals
from orders.intake_keys import intake_key, key_opens  # noqa: F401 (the form's link, used here)
from orders.models import Order, OrderPhoto

logger = logging.getLogger(__name__)

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Refused before any pixel is decoded: a tiny file that inflates to gigabytes (a
# "decompression bomb") never reaches memory. 40 MP covers every phone's default output.
MAX_PHOTO_PIXELS = 40_000_000
# Pillow format name → (content type, stored extension).
PHOTO_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


class PhotoRefused(Exception):
    """The upload is not a photo we accept; `message` is French, for the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean_photo(upload: UploadedFile) -> CleanPhoto:
    """Decode the upload for real and re-encode it: metadata (EXIF, GPS, XMP) is left behind."""
    name = upload.name or _("photo")
    if upload.size is None or upload.size > MAX_PHOTO_BYTES:
        raise PhotoRefused(_("« %(name)s » dépasse 10 Mo.") % {"name": name})
    not_an_image = PhotoRefused(
        _("« %(name)s » n’est pas une image JPEG, PNG, GIF ou WebP lisible.") % {"name": name}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=list(PHOTO_FORMATS)) as probe:
                _check_pixels(probe, name)
                probe.verify()  # structure and checksums, without decoding
            upload.seek(0)
            with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
                _check_pixels(image, name)
                image_format = image.format
                image.load()  # a truncated file fails here
                clean = _strip(image, image_format)
                content = _encode(clean, image_format)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_big(name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None
    content_type, extension = PHOTO_FORMATS[image_format]
    return CleanPhoto(content, content_type, extension, clean.width, clean.height)


def _too_big(name: str) -> PhotoRefused:
    return PhotoRefused(
        _("« %(name)s » est trop grande (plus de 40 millions de pixels).") % {"name": name}
    )


def _check_pixels(image: Image.Image, name: str) -> None:
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PHOTO_PIXELS:
        raise _too_big(name)


def _strip(image: Image.Image, image_format: str) -> Image.Image:
    """The pixels alone, upright: orientation applied, then every metadata block dropped."""
    if image_format == "JPEG":
        image = ImageOps.exif_transpose(image)
    if image.mode not in {"RGB", "RGBA", "L", "LA", "P", "1"}:
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    if image_format == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    clean = image.copy()  # only the first frame of an animation: these are photos
    transparency = image.info.get("transparency")
    clean.info = {"transparency": transparency} if transparency is not None else {}
    clean.getexif().clear()
    return clean


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(image_format, {})
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def store_photo(order: Order, photo: CleanPhoto) -> OrderPhoto:
    record = OrderPhoto(
        order=order,
        content_type=photo.content_type,
        size_bytes=len(photo.content),
        width=photo.width,
        height=photo.height,
    )
    # upload_photo draws a random name; only the extension of this one is kept.
    record.file.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
    record.save()
    return record


# --- Saving -----------------------------------------------------------------------------------

# What the client tells about themselves; with their preferences below, the intake form's fields.
INTAKE_ANSWERS = (
    "date_of_birth",
    "birth_time",
    "birth_place",
    "question",
    "life_question",
    "specific_context",
)
INTAKE_FIELDS = [
    *INTAKE_ANSWERS,
    "audio_voice",
    "delivery_format",
    "phone",
]


def can_amend(order: Order) -> bool:
    """Open from payment until an expert claims the order (SPEC §6.1)."""
    return order.status == Order.Status.PAID and order.anonymised_at is None


def save_intake(
    order: Order, data: dict, photos: list[CleanPhoto], remove: list[OrderPhoto]
) -> bool:
    """Store the answers and photos; False (nothing saved) if an expert claimed it meanwhile.

    The first filling makes the order workable: the expert it is reserved to hears of it.
    """
    with transaction.atomic():
        now = timezone.now()
        fields = {name: data[name] for name in INTAKE_FIELDS}
        workable = Order.objects.filter(
            pk=order.pk, status=Order.Status.PAID, anonymised_at__isnull=True
        )
        # Its own UPDATE so that of two first submissions only one counts as the first.
        first = workable.filter(intake_submitted_at__isnull=True).update(intake_submitted_at=now)
        won = workable.update(
            intake_submitted_at=now,
            updated_at=now,
            data_consent_at=now,  # the form refuses to validate without it
            keep_photos=bool(data.get("keep_photos")),
            **fields,
        )
        if not won:
            return False
        if first and order.reserved_until is not None and order.reserved_until > now:
            signals.reserved_order_ready.send(sender=Order, order=order)
        for photo in remove:
            photo.delete()
        for photo in photos:
            store_photo(order, photo)
        # Files of removed photos go only once the rows are surely gone.
        names = [photo.file.name for photo in remove]
        transaction.on_commit(lambda: _delete_files(names))
    order.refresh_from_db()
    logger.info("order %s: intake saved (%d new photos)", order.number, len(photos))
    return True


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


# --- Retention (SPEC §13) ---------------------------------------------------------------------

PHOTO_RETENTION = timedelta(days=90)


def purge_photos(now=None) -> int:
    """Delete the photos of orders delivered more than 90 days ago, unless the client asked to
    keep them; returns how many photos went. Safe to run as often as one likes."""
    now = now or timezone.now()
    orders = Order.objects.filter(
        reading__delivered_at__lt=now - PHOTO_RETENTION, keep_photos=False, photos__isnull=False
    ).distinct()
    purged = 0
    for order in orders:
        with transaction.atomic():
            photos = list(OrderPhoto.objects.filter(order=order))
            names = [photo.file.name for photo in photos]
            OrderPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
            Order.objects.filter(pk=order.pk).update(photos_purged_at=now)
            transaction.on_commit(lambda names=names: _delete_files(names))
        purged += len(photos)
        logger.info(
            "order %s: %d photos purged (delivered over 90 days ago)", order.number, len(photos)
        )
    return purged
