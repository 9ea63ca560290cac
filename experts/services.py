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
from orders.models import Order

logger = logging.getLogger(__name__)

CONTENT_FIELDS = ["archetype", "reading", "ritual", "blockages_analysis", "soul_profile"]


class WorkRefused(Exception):
    """The expert may not work on this order now; `message` is French, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ensure_can_work(order: Order, expert: Expert) -> None:
    """Content is written by the expert who claimed the order, while it is in preparation."""
    if order.status != Order.Status.PROCESSING:
        raise WorkRefused(_("Le contenu ne se modifie que pendant la préparation de la commande."))
    if order.assigned_expert_id != expert.pk:
        raise WorkRefused(_("Cette commande est prise en charge par un autre expert."))


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
    content: dict[str, str],
    audio: UploadedFile | None = None,
    pdf: UploadedFile | None = None,
) -> None:
    """Store the expert's sections and files on an order they are preparing."""
    ensure_can_work(order, expert)
    fields = {
        name: value for name, value in content.items() if name in {*CONTENT_FIELDS, "mandala_svg"}
    }
    stored, replaced = [], []
    for field_name, upload in (("audio_file", audio), ("pdf_file", pdf)):
        if upload is None:
            continue
        field = Order._meta.get_field(field_name)
        stored.append(default_storage.save(field.generate_filename(order, upload.name), upload))
        fields[field_name] = stored[-1]
        if getattr(order, field_name):
            replaced.append(getattr(order, field_name).name)
    try:
        with transaction.atomic():
            won = Order.objects.filter(
                pk=order.pk, status=Order.Status.PROCESSING, assigned_expert=expert
            ).update(updated_at=timezone.now(), **fields)
            if not won:
                raise WorkRefused(_("Cette commande vient d’être modifiée par quelqu’un d’autre."))
            # The old files go only once the new names are committed.
            transaction.on_commit(partial(_delete_files, replaced), robust=True)
    except Exception:
        _delete_files(stored)
        raise
    order.refresh_from_db()
