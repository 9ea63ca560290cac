"""The old system's files (intake photos, the reading's audio and PDF), brought over when the
import is given a base URL (`import_legacy --files-base-url`, SPEC §10 and §11).

The documents name each file by its path on the old storage (`files[].key`, else the path of
`files[].url`, `generatedContent.audioUrl`, `generatedContent.pdfUrl`); the file is fetched from
`<base URL>/<path>`. Each order's files are one background task, enqueued in the import's
batch transaction; the download reuses the generator's (HTTPS to a public host only, no
redirects, a timeout, a size limit) and the checks of an upload by content: a photo is decoded
and re-encoded as the intake form does, audio and PDF are recognised by their bytes.
"""

import logging
from datetime import timedelta
from urllib.parse import quote, urlsplit

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from experts import downloads
from legacy.models import LegacyFile
from operations.tasks import enqueue, retried_task
from orders.intake import MAX_PHOTO_BYTES, PhotoRefused, clean_photo, store_photo
from orders.models import Order, Reading

logger = logging.getLogger(__name__)

Kind = LegacyFile.Kind
State = LegacyFile.State


def _path(value: object) -> str:
    """A stored file's path on the old storage, from a key or a URL; "" when there is none."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    if "://" in value:
        value = urlsplit(value).path
    return value.lstrip("/")[:500]


def references(document: dict) -> list[tuple[str, str]]:
    """(kind, path) of every file an `orders` document names, in document order."""
    found: list[tuple[str, str]] = []
    files = document.get("files")
    for entry in files if isinstance(files, list) else []:
        if isinstance(entry, dict):
            path = _path(entry.get("key")) or _path(entry.get("url"))
            if path:
                found.append((Kind.PHOTO, path))
    generated = document.get("generatedContent")
    if isinstance(generated, dict):
        for kind, name in ((Kind.AUDIO, "audioUrl"), (Kind.PDF, "pdfUrl")):
            path = _path(generated.get(name))
            if path:
                found.append((kind, path))
    return list(dict.fromkeys(found))


def file_url(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + quote(path, safe="/")


def queue_downloads(files: dict[int, list[tuple[str, str]]], base_url: str) -> int:
    """Record the files of these orders (order pk → references) and enqueue one task per order
    with a file still to fetch; call it inside the transaction that wrote the orders. Returns
    the number of files the tasks will fetch (a file stored by an earlier run is not counted)."""
    if not files:
        return 0
    existing = set(
        LegacyFile.objects.filter(order_id__in=files).values_list("order_id", "kind", "path")
    )
    LegacyFile.objects.bulk_create(
        [
            LegacyFile(order_id=order_id, kind=kind, path=path)
            for order_id, found in files.items()
            for kind, path in found
            if (order_id, kind, path) not in existing
        ]
    )
    # A refused file is tried again by a new run (the old storage may have been fixed).
    waiting = LegacyFile.objects.filter(
        order_id__in=files, state__in=[State.PENDING, State.REFUSED]
    )
    rows = list(waiting.values_list("order_id", flat=True))
    for order_id in sorted(set(rows)):
        enqueue(download_files, order_id, base_url)
    return len(rows)


def _gave_up(error: Exception, order_id: int, base_url: str) -> None:
    LegacyFile.objects.filter(order_id=order_id, state=State.PENDING).update(
        state=State.REFUSED, reason=str(error)[:255], done_at=timezone.now()
    )


@retried_task(attempts=5, first_delay=timedelta(minutes=1), give_up=_gave_up)
def download_files(order_id: int, base_url: str) -> None:
    """Fetch, check and store an order's legacy files not stored yet; each outcome is recorded
    on its row. Raises (so the task is retried) when a file was unreachable for now."""
    transient = []
    for row in LegacyFile.objects.filter(
        order_id=order_id, state__in=[State.PENDING, State.REFUSED]
    ).order_by("pk"):
        try:
            _download(row, file_url(base_url, row.path))
        except downloads.DownloadRefused as refusal:
            if refusal.transient:
                transient.append(f"{row.path}: {refusal.reason}")
                continue
            logger.warning("legacy file %s refused: %s", row.path, refusal.reason)
            _finish(row, State.REFUSED, refusal.reason)
    if transient:
        raise downloads.DownloadRefused("; ".join(transient)[:255], transient=True)


def _finish(row: LegacyFile, state: str, reason: str = "", stored_name: str = "") -> bool:
    """Record the outcome unless another run stored the file first; True when recorded."""
    return bool(
        LegacyFile.objects.filter(pk=row.pk)
        .exclude(state=State.STORED)
        .update(state=state, reason=reason[:255], stored_name=stored_name, done_at=timezone.now())
    )


def _download(row: LegacyFile, url: str) -> None:
    if row.kind == Kind.PHOTO:
        content = downloads.fetch(url, max_bytes=MAX_PHOTO_BYTES)
        try:
            photo = clean_photo(SimpleUploadedFile(row.path.rsplit("/", 1)[-1], content))
        except PhotoRefused as refusal:
            raise downloads.DownloadRefused(refusal.message) from None
        with transaction.atomic():
            if LegacyFile.objects.select_for_update().get(pk=row.pk).state == State.STORED:
                return  # another run stored it meanwhile
            record = store_photo(Order.objects.get(pk=row.order_id), photo)
            _finish(row, State.STORED, stored_name=record.file.name)
        return
    reading = Reading.objects.filter(order_id=row.order_id).first()
    if reading is None:
        _finish(row, State.SKIPPED, "la commande n’a pas de lecture")
        return
    if getattr(reading, row.kind):
        _finish(row, State.SKIPPED, "la lecture a déjà ce fichier")
        return
    fetched = (downloads.fetch_audio if row.kind == Kind.AUDIO else downloads.fetch_pdf)(url)
    field = Reading._meta.get_field(row.kind)
    name = default_storage.save(
        field.generate_filename(reading, f"{row.kind}.{fetched.extension}"),
        ContentFile(fetched.content),
    )
    with transaction.atomic():
        won = Reading.objects.filter(pk=reading.pk, **{row.kind: ""}).update(
            **{row.kind: name}
        ) and _finish(row, State.STORED, stored_name=name)
        if not won:
            transaction.set_rollback(True)  # another run stored it first: keep theirs
    if not won:
        default_storage.delete(name)
