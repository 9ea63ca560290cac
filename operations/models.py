"""What the background work remembers: the e-mails sent and when each recurring job last ran."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SentEmail(models.Model):
    """One row per e-mail a task sent, so that a task run twice sends it once.

    `key` names the e-mail and its occasion (`payment_received:42`). A row is claimed before the
    send (`sent_at` empty) and completed after it; a claim left by a worker that died is taken
    over once it is older than the task deadline.
    """

    key = models.CharField(_("clé"), max_length=200, unique=True)
    template = models.CharField(_("modèle"), max_length=64)
    claimed_at = models.DateTimeField(_("réservé le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")

    def __str__(self) -> str:
        return self.key


class ScheduledJob(models.Model):
    """When a recurring job (settings.SCHEDULED_JOBS) is next due; one worker wins each run."""

    name = models.CharField(_("tâche"), max_length=200, unique=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"))
    last_run_at = models.DateTimeField(_("dernière exécution"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tâche planifiée")
        verbose_name_plural = _("tâches planifiées")

    def __str__(self) -> str:
        return self.name
