"""The old system's stored files, as the import found them (SPEC §10, §11).

One row per file a legacy order referenced (an intake photo, the reading's audio or PDF): the
import writes it in the order's batch transaction with the download task, and the task records
there what became of it. A stored or refused row is never fetched again by the same task; a
stored one never again at all, so a re-run of the import stores each file once.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order


class LegacyFile(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        AUDIO = "audio", _("audio")
        PDF = "pdf", _("PDF")

    class State(models.TextChoices):
        PENDING = "pending", _("à télécharger")
        STORED = "stored", _("enregistré")
        REFUSED = "refused", _("refusé")
        SKIPPED = "skipped", _("ignoré")

    order = models.ForeignKey(
        Order, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="legacy_files"
    )
    kind = models.CharField(_("nature"), max_length=8, choices=Kind.choices)
    # The file's path on the old storage (its `key`, else its URL's path).
    path = models.CharField(_("chemin d’origine"), max_length=500)
    state = models.CharField(_("état"), max_length=8, choices=State.choices, default=State.PENDING)
    reason = models.CharField(_("raison"), max_length=255, blank=True)
    stored_name = models.CharField(_("fichier enregistré"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    done_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("fichier de l’ancien système")
        verbose_name_plural = _("fichiers de l’ancien système")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "path"], name="legacy_file_once_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.path}"
