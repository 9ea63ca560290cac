"""The legal pages (SPEC §13): editable by an admin without a deploy, every text kept.

Saving a page with a new text makes a new numbered `LegalPageVersion`; an order records the
number of the CGV version its client accepted.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalPage(models.Model):
    class Slug(models.TextChoices):
        MENTIONS = "mentions-legales", _("Mentions légales")
        CGV = "cgv", _("Conditions générales de vente")
        PRIVACY = "confidentialite", _("Politique de confidentialité")
        CONTACT = "contact", _("Contact")

    slug = models.SlugField(_("adresse"), choices=Slug, unique=True)
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(
        _("texte"), help_text=_("Texte brut : une ligne vide sépare deux paragraphes.")
    )
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("page légale")
        verbose_name_plural = _("pages légales")

    def __str__(self) -> str:
        return self.title

    # The first texts (legal/migrations/0002_default_pages.py) mark with this what only the
    # owner can write: the company's identity, the host, the consumer mediator.
    TO_COMPLETE = "à compléter"

    @property
    def is_complete(self) -> bool:
        return self.TO_COMPLETE not in self.body.lower()

    def publish(self, *, author=None) -> "LegalPageVersion | None":
        """Save the page; a changed title or text becomes the next version."""
        with transaction.atomic():
            latest = self.versions.order_by("-number").first() if self.pk else None
            if latest is not None and (latest.title, latest.body) == (self.title, self.body):
                self.save()
                return None
            self.version = (
                (self.versions.aggregate(top=Max("number"))["top"] or 0) if self.pk else 0
            ) + 1
            self.updated_at = timezone.now()
            self.save()
            return LegalPageVersion.objects.create(
                page=self,
                number=self.version,
                title=self.title,
                body=self.body,
                created_by=author if author is not None and author.is_authenticated else None,
                created_at=self.updated_at,
            )


class LegalPageVersion(models.Model):
    """A page's text as it was published: never changed afterwards."""

    page = models.ForeignKey(
        LegalPage, on_delete=models.PROTECT, related_name="versions", verbose_name=_("page")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("texte"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    created_at = models.DateTimeField(_("publiée le"), default=timezone.now)

    class Meta:
        ordering = ["page", "-number"]
        verbose_name = _("version d’une page légale")
        verbose_name_plural = _("versions des pages légales")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="legal_page_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


def current_terms_version() -> int | None:
    """The number of the CGV version a client accepts now (None: no CGV published yet)."""
    return (
        LegalPage.objects.filter(slug=LegalPage.Slug.CGV).values_list("version", flat=True).first()
    )
