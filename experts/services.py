"""Desk work that is not a status change: saving an expert's content (SPEC §8.2).

Status changes (claim, return to queue, submit, approve, reject) stay in orders.services; here
the guards are the same idea: the UPDATE carries its own WHERE (still processing, still mine),
so a save cannot land on an order that was submitted, returned or refunded meanwhile.
"""

import logging
from functools import partial

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from experts.models import Expert
from orders.models import Order, Reading
from orders.sections import BY_NAME
from orders.services import reading_of

logger = logging.getLogger(__name__)


class WorkRefused(Exception):
    """The expert may not work on this order now; `message` is French, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def can_work(order: Order, expert: Expert | None) -> bool:
    """Content is written by the expert who claimed the order, while it is in preparation."""
    return (
        expert is not None
        and order.status == Order.Status.PROCESSING
        and order.assigned_expert_id == expert.pk
    )


def ensure_can_work(order: Order, expert: Expert) -> None:
    """`can_work`, or why not."""
    if can_work(order, expert):
        return
    if order.status != Order.Status.PROCESSING:
        raise WorkRefused(_("Le contenu ne se modifie que pendant la préparation de la commande."))
    raise WorkRefused(_("Cette commande est prise en charge par un autre expert."))


def still_mine(order: Order, expert: Expert) -> None:
    """Inside a transaction: hold the order while it is still in preparation by `expert`.

    The UPDATE's WHERE is the guard (SQLite and PostgreSQL alike): a submit, a return to the
    queue or a refund that came first makes it match nothing, and one that comes after waits
    for this transaction. It also moves `updated_at`, which the pages cached by it read.
    """
    won = Order.objects.filter(
        pk=order.pk, status=Order.Status.PROCESSING, assigned_expert=expert
    ).update(updated_at=timezone.now())
    if not won:
        raise WorkRefused(_("Cette commande vient d’être modifiée par quelqu’un d’autre."))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete the replaced file %s", name)


def save_content(
    order: Order,
    *,
    expert: Expert,
    texts: dict[str, str],
    files: dict[str, UploadedFile] | None = None,
) -> None:
    """Store the expert's sections (text by section name, new files by section name)."""
    ensure_can_work(order, expert)
    texts = {name: value for name, value in texts.items() if BY_NAME[name].is_text}
    files = {name: upload for name, upload in (files or {}).items() if BY_NAME[name].is_file}
    reading = reading_of(order)
    stored, replaced = {}, []
    try:
        # Files are written first, outside the transaction; they are removed if it fails.
        for name, upload in files.items():
            field = Reading._meta.get_field(name)
            stored[name] = default_storage.save(
                field.generate_filename(reading, upload.name), upload
            )
        with transaction.atomic():
            still_mine(order, expert)  # from here on, concurrent saves of this order wait
            reading = Reading.objects.get(pk=reading.pk)
            reading.write_texts(texts)
            for name, stored_name in stored.items():
                if getattr(reading, name):
                    replaced.append(getattr(reading, name).name)
                setattr(reading, name, stored_name)
            if "pdf" in stored:
                reading.pdf_generated = False  # the expert's own PDF: kept as it is
            reading.save(update_fields=["texts", *stored, "pdf_generated", "updated_at"])
            if expert.user_id is not None:
                reading.writers.add(expert.user_id)  # never the second look on this reading
            # The old files go only once the new names are committed.
            transaction.on_commit(partial(_delete_files, replaced), robust=True)
    except Exception:
        _delete_files(list(stored.values()))
        raise
    order.refresh_from_db()
