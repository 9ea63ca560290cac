"""Catalogue (Offer), Order and its state machine, and the order's history (SPEC §4, §5)."""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from orders.sections import SECTIONS, Kind, Section, required_sections, sections_for_level
from orders.svg import sanitize_svg_or_empty

# Order numbers use a Crockford-style alphabet: no 0/O or 1/I/L to misread over the phone. The
# legacy import and the benchmark seed number their orders with it too.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Offer(models.Model):
    class Service(models.TextChoices):
        BASIC = "basic", _("Basique")
        ADVANCED = "advanced", _("Avancé")
        PREMIUM = "premium", _("Premium")
        VIP = "vip", _("VIP")

    level = models.PositiveSmallIntegerField(_("niveau"), unique=True)
    slug = models.SlugField(_("identifiant"), unique=True)
    name = models.CharField(_("nom affiché"), max_length=80)
    level_name = models.CharField(_("nom du niveau"), max_length=40)
    service = models.CharField(_("service"), max_length=16, choices=Service, unique=True)
    price_cents = models.PositiveIntegerField(_("prix (centimes)"))
    currency = models.CharField(_("devise"), max_length=3, default="eur")
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    # The delivery promise (SPEC §4): the reading is in the Sanctuaire this long after payment.
    delivery_hours = models.PositiveSmallIntegerField(_("délai de livraison (heures)"), default=72)
    features = models.JSONField(_("prestations"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["sort_order", "level"]
        verbose_name = _("offre")
        verbose_name_plural = _("offres")

    def __str__(self) -> str:
        return self.name

    @property
    def price_display(self) -> str:
        return format_cents(self.price_cents, self.currency)


def format_cents(cents: int, currency: str = "eur") -> str:
    """Money as the reader writes it: 123400 → '1 234,00 €' in French, '€1,234.00' in English."""
    symbol = {"eur": "€"}.get(currency.lower(), currency.upper())
    sign = "-" if cents < 0 else ""
    amount = number_format(Decimal(abs(cents)) / 100, 2, force_grouping=True)
    if (translation.get_language() or "fr").startswith("en"):
        return f"{sign}{symbol}{amount}"
    return f"{sign}{amount}\u00a0{symbol}"


def new_order_number() -> str:
    today = timezone.localdate().strftime("%Y%m%d")
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(5))
    return f"LUM-{today}-{suffix}"


def _random_name(folder: str, filename: str) -> str:
    """Random stored names: the client's file name never reaches the disk."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension[:5]}"


def upload_photo(instance: models.Model, filename: str) -> str:
    return _random_name("photos", filename)


def upload_audio(instance: models.Model, filename: str) -> str:
    return _random_name("audio", filename)


def upload_pdf(instance: models.Model, filename: str) -> str:
    return _random_name("pdf", filename)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de paiement")
        PAID = "paid", _("Payée")
        FAILED = "failed", _("Paiement échoué")
        PROCESSING = "processing", _("En préparation")
        AWAITING_VALIDATION = "awaiting_validation", _("En validation")
        COMPLETED = "completed", _("Livrée")
        REFUNDED = "refunded", _("Remboursée")

    # SPEC §5, line for line. Anything missing here is refused.
    TRANSITIONS = {
        Status.PENDING: {Status.PAID, Status.FAILED},
        Status.FAILED: {Status.PAID},
        Status.PAID: {Status.PROCESSING, Status.REFUNDED},
        Status.PROCESSING: {Status.PAID, Status.AWAITING_VALIDATION, Status.REFUNDED},
        Status.AWAITING_VALIDATION: {Status.PROCESSING, Status.COMPLETED, Status.REFUNDED},
        Status.COMPLETED: {Status.REFUNDED},
        Status.REFUNDED: set(),
    }

    class DisputeStatus(models.TextChoices):
        OPEN = "open", _("Litige ouvert")
        WON = "won", _("Litige gagné")
        LOST = "lost", _("Litige perdu")

    class AudioVoice(models.TextChoices):
        FEMININE = "feminine", _("Féminine")
        MASCULINE = "masculine", _("Masculine")

    class DeliveryFormat(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WHATSAPP = "whatsapp", _("WhatsApp")

    # Identity
    public_id = models.UUIDField(
        _("identifiant public"), default=uuid.uuid4, unique=True, editable=False
    )
    number = models.CharField(_("numéro"), max_length=24, unique=True, default=new_order_number)
    status = models.CharField(
        _("statut"), max_length=32, choices=Status, default=Status.PENDING, db_index=True
    )

    # Offer snapshot at purchase time: later catalogue edits never change an old order.
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offre du catalogue"),
        on_delete=models.PROTECT,
        related_name="orders",
        null=True,
    )
    level = models.PositiveSmallIntegerField(_("niveau"))
    level_name = models.CharField(_("nom du niveau"), max_length=40)
    offer_name = models.CharField(_("offre"), max_length=80)
    # The client's language at checkout: their e-mails (and documents) go out in it.
    language = models.CharField(_("langue"), max_length=8, default="fr")
    service = models.CharField(_("service"), max_length=16, choices=Offer.Service)
    price_cents = models.PositiveIntegerField(_("montant (centimes)"))
    currency = models.CharField(_("devise"), max_length=3, default="eur")
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    delivery_hours = models.PositiveSmallIntegerField(_("délai promis (heures)"), default=72)

    # Client
    email = models.EmailField(_("e-mail"), db_index=True)
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    date_of_birth = models.DateField(_("date de naissance"), null=True, blank=True)
    question = models.TextField(_("question"), blank=True)
    audio_voice = models.CharField(
        _("voix audio"), max_length=16, choices=AudioVoice, default=AudioVoice.FEMININE
    )
    delivery_format = models.CharField(
        _("format de livraison"),
        max_length=16,
        choices=DeliveryFormat,
        default=DeliveryFormat.EMAIL,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    # The expert the client chose in the tunnel (the house expert by default).
    expert = models.ForeignKey(
        "experts.Expert",
        verbose_name=_("expert choisi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chosen_orders",
    )

    # Payment
    payment_intent_id = models.CharField(
        _("PaymentIntent"), max_length=255, unique=True, null=True, blank=True
    )
    payment_status = models.CharField(_("statut du paiement"), max_length=40, blank=True)
    paid_at = models.DateTimeField(_("payée le"), null=True, blank=True)
    # paid_at + delivery_hours: the date promised to the client, the desk's sort key.
    due_at = models.DateTimeField(_("à livrer avant"), null=True, blank=True)
    # Until then, only the expert the client chose may claim it (SPEC §8.2); null: open to all.
    reserved_until = models.DateTimeField(_("réservée jusqu’au"), null=True, blank=True)
    failure_code = models.CharField(_("code d’échec"), max_length=64, blank=True)
    failure_message = models.CharField(_("message d’échec"), max_length=255, blank=True)
    # Set when a verified event disagrees with the order (amount, currency): an admin looks.
    payment_flag = models.CharField(_("alerte paiement"), max_length=255, blank=True)
    refunded_at = models.DateTimeField(_("remboursée le"), null=True, blank=True)
    # The sum of the refunds recorded for this order (billing.Refund); `refunded` once it
    # reaches the price (SPEC §5: a partial refund changes no status).
    refunded_cents = models.PositiveIntegerField(_("montant remboursé (centimes)"), default=0)
    dispute_status = models.CharField(
        _("litige"), max_length=16, choices=DisputeStatus, blank=True, db_index=True
    )

    # Consent at the payment step (SPEC §6.1): the CGV, and the express request to start at
    # once with the loss of the withdrawal right (Code de la consommation, art. L221-28 13°).
    terms_accepted_at = models.DateTimeField(_("CGV acceptées le"), null=True, blank=True)
    terms_version = models.PositiveIntegerField(
        _("version des CGV acceptée"), null=True, blank=True
    )
    withdrawal_waived_at = models.DateTimeField(
        _("renonciation au droit de rétractation le"), null=True, blank=True
    )

    # Intake (SPEC §5)
    birth_time = models.TimeField(_("heure de naissance"), null=True, blank=True)
    birth_place = models.CharField(_("lieu de naissance"), max_length=160, blank=True)
    specific_context = models.TextField(_("contexte"), blank=True)
    life_question = models.TextField(_("question de vie"), blank=True)
    intake_submitted_at = models.DateTimeField(_("formulaire reçu le"), null=True, blank=True)
    # SPEC §13: consent to process the birth data and photos; photos are purged 90 days after
    # delivery unless the client asked to keep them.
    data_consent_at = models.DateTimeField(
        _("consentement aux données de naissance et photos le"), null=True, blank=True
    )
    keep_photos = models.BooleanField(_("garder les photos après la livraison"), default=False)
    photos_purged_at = models.DateTimeField(_("photos effacées le"), null=True, blank=True)

    # Expert work (SPEC §5, §8)
    assigned_expert = models.ForeignKey(
        "experts.Expert",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_orders",
        verbose_name=_("expert assigné"),
    )
    assigned_at = models.DateTimeField(_("assignée le"), null=True, blank=True)

    # Personal data erased on request (the accounting stays).
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    # The MongoDB ObjectId of the original system (SPEC §10): re-imports key on it.
    legacy_id = models.CharField(
        _("identifiant d’origine (MongoDB)"),
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )

    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        indexes = [
            # The desk queue: paid orders, due soonest first.
            models.Index(fields=["status", "due_at"], name="order_status_due_at"),
            # "My orders" at the desk: an expert's few open orders among all they ever did.
            models.Index(fields=["assigned_expert", "status"], name="order_expert_status"),
        ]

    def __str__(self) -> str:
        return self.number

    # What the tunnel's pages and the payment code read: loading the whole row (with every
    # content field) costs more than the rest of such a request.
    SUMMARY_FIELDS = (
        "id", "public_id", "number", "status", "offer_name", "level", "level_name", "service",
        "price_cents", "currency", "duration_minutes", "email", "first_name", "last_name",
        "user_id", "expert_id", "payment_intent_id", "payment_status", "paid_at", "due_at",
        "reserved_until", "delivery_hours",
        "failure_code", "failure_message", "refunded_at", "refunded_cents", "payment_flag",
        "dispute_status", "intake_submitted_at", "assigned_at", "created_at",
    )  # fmt: skip

    def save(self, *args, **kwargs) -> None:
        # One spelling per address: the Sanctuaire finds a client's orders by an exact (indexed)
        # match, whoever typed the address (the tunnel, an admin, the import).
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def status_label(self) -> str:
        """get_status_display() without rebuilding the whole choices table (lists call it often)."""
        return str(self.Status(self.status).label)

    @property
    def amount_display(self) -> str:
        return format_cents(self.price_cents, self.currency)

    @property
    def failure_text(self) -> str:
        """Why the payment failed, in the reader's language: the message is recorded in the
        language of the moment it happened (French, unless the client's own request recorded
        it), and the catalogue's messages are translated again when shown."""
        return translation.gettext(self.failure_message) if self.failure_message else ""

    @property
    def refundable_cents(self) -> int:
        return max(self.price_cents - self.refunded_cents, 0)

    @property
    def client_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_paid(self) -> bool:
        """Money was received and not refunded."""
        return self.status in PAID_STATUSES

    @property
    def is_delivered(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_late(self) -> bool:
        """Still not delivered past the promised date (SPEC §4)."""
        return (
            self.due_at is not None
            and self.status in WORK_STATUSES
            and self.due_at < timezone.now()
        )

    def reserved_for_another(self, expert_id: int | None, now=None) -> bool:
        """Reserved to the expert the client chose, and that is not `expert_id` (SPEC §8.2)."""
        now = now or timezone.now()
        return (
            self.reserved_until is not None
            and self.reserved_until > now
            and self.expert_id is not None
            and self.expert_id != expert_id
        )

    @property
    def unlocked_sections(self) -> list[Section]:
        """The reading's sections the client may see: none before delivery (SPEC §9)."""
        return sections_for_level(self.level) if self.is_delivered else []

    @property
    def reading_or_none(self) -> "Reading | None":
        """The order's reading, None until someone started writing it."""
        try:
            return self.reading
        except Reading.DoesNotExist:
            return None


# The orders an expert still owes: paid, and not yet delivered (or refunded).
BACKLOG_STATUSES = frozenset(
    {Order.Status.PAID, Order.Status.PROCESSING, Order.Status.AWAITING_VALIDATION}
)


def due_at(order: Order):
    """When the reading is promised (SPEC §4): the offer's delivery_hours after the payment,
    stored on the order when it is paid (None before)."""
    return order.due_at


def is_late(order: Order, now=None) -> bool:
    due = due_at(order)
    return order.status in BACKLOG_STATUSES and due is not None and due < (now or timezone.now())


def late_orders(now=None) -> models.QuerySet:
    """Orders past their delivery promise, still owed (the (status, due_at) index)."""
    now = now or timezone.now()
    return Order.objects.filter(status__in=BACKLOG_STATUSES, due_at__lt=now)


# Before payment: the order may still be paid. No transition leads back here from a paid state
# (Order.TRANSITIONS), so an order seen outside these stays outside.
UNPAID_STATUSES = frozenset({Order.Status.PENDING, Order.Status.FAILED})
# Paid and not delivered yet: the promise still runs.
WORK_STATUSES = frozenset(
    {Order.Status.PAID, Order.Status.PROCESSING, Order.Status.AWAITING_VALIDATION}
)
# Money was received and not refunded (Order.is_paid).
PAID_STATUSES = frozenset(
    {
        Order.Status.PAID,
        Order.Status.PROCESSING,
        Order.Status.AWAITING_VALIDATION,
        Order.Status.COMPLETED,
    }
)


class OrderPhoto(models.Model):
    """A photo the client gave with the intake form; stored privately under a random name."""

    order = models.ForeignKey(
        Order, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="photos"
    )
    public_id = models.UUIDField(
        _("identifiant public"), default=uuid.uuid4, unique=True, editable=False
    )
    file = models.FileField(_("fichier"), upload_to=upload_photo)
    content_type = models.CharField(_("type"), max_length=32)
    size_bytes = models.PositiveIntegerField(
        _("taille (octets)"),
    )
    width = models.PositiveIntegerField(_("largeur"), default=0)
    height = models.PositiveIntegerField(_("hauteur"), default=0)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.order.number} / {self.public_id}"


class Reading(models.Model):
    """What the expert produces for one order, and its review (SPEC §5).

    The sections are those of `orders.sections`: the text-like ones in `texts`, keyed by section
    name; each file section in the file field of the same name. Created with the first content
    (an expert's save, a generator request or callback, the legacy import), so an order nobody
    worked on has none: `Order.reading_or_none`.
    """

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="reading", verbose_name=_("commande")
    )
    texts = models.JSONField(_("textes"), default=dict, blank=True)
    audio = models.FileField(_("audio"), upload_to=upload_audio, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=upload_pdf, blank=True)

    # The external generator (SPEC §8.3): what the expert asked, when, and what went wrong.
    instructions = models.TextField(_("instructions pour le générateur"), blank=True)
    generation_requested_at = models.DateTimeField(_("générateur appelé le"), null=True, blank=True)
    generation_error = models.CharField(_("erreur du générateur"), max_length=255, blank=True)

    # Review (SPEC §8.4)
    revision_count = models.PositiveIntegerField(_("révisions"), default=0)
    review_notes = models.TextField(_("notes de relecture"), blank=True)
    rejection_reason = models.TextField(_("motif du rejet"), blank=True)
    validation_notes = models.TextField(_("notes de validation"), blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="validated_readings",
        verbose_name=_("validée par"),
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    # Indexed: the desk averages the deliveries of the last days (experts.views.desk_stats).
    delivered_at = models.DateTimeField(_("livrée le"), null=True, blank=True, db_index=True)
    # The version the validator approved: the one the client reads (SPEC §5).
    approved_version = models.ForeignKey(
        "ReadingVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version approuvée"),
    )
    # Everyone who wrote any part of it, whether or not they submitted: none of them may give
    # it its second look (SPEC §8.4).
    writers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="readings_written",
        verbose_name=_("rédigée par"),
    )
    # True when the current PDF was made by the system (made again at each submission); False
    # when an expert uploaded it (kept as it is).
    pdf_generated = models.BooleanField(_("PDF généré"), default=False)

    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")

    def __str__(self) -> str:
        return str(_("Lecture de la commande %(number)s") % {"number": self.order.number})

    def save(self, *args, **kwargs) -> None:
        # SVG sections are sanitised on every write through the model (an admin form, a shell,
        # an import), not only on the desk's and the generator's paths.
        if "texts" not in self.get_deferred_fields():
            for section in SECTIONS:
                if section.kind == Kind.SVG and self.texts.get(section.name):
                    self.texts[section.name] = sanitize_svg_or_empty(self.texts[section.name])
        super().save(*args, **kwargs)

    def text(self, name: str) -> str:
        """A text-like section's content, "" when nothing was written."""
        return self.texts.get(name, "")

    def write_texts(self, texts: dict[str, str]) -> None:
        """Set these text sections (by name); an empty one is removed. Not saved."""
        merged = {**self.texts, **texts}
        self.texts = {name: value for name, value in merged.items() if value}

    def has(self, section: Section) -> bool:
        """Whether the section has content (a file, or text that is not blank)."""
        if section.is_file:
            return bool(getattr(self, section.name))
        return bool(self.text(section.name).strip())

    def client_text(self, name: str) -> str:
        """A text section as the client reads it: from the approved version (SPEC §5)."""
        version = self.approved_version
        return version.text(name) if version is not None else self.text(name)

    def written_by(self, user) -> bool:
        """Whether `user` wrote any part of it, in any version."""
        if user is None or not user.is_authenticated or self.pk is None:
            return False
        return (
            self.writers.filter(pk=user.pk).exists() or self.versions.filter(author=user).exists()
        )


def missing_sections(order: Order) -> list[Section]:
    """The sections its level requires that the order's reading does not have yet.

    The PDF is made by the system from the text sections at submission, so it is never what
    is missing: the text it would be made from is.
    """
    reading = order.reading_or_none
    return [
        section
        for section in required_sections(order.level)
        if (reading is None or not reading.has(section)) and section.kind != Kind.PDF
    ]


class ReadingVersion(models.Model):
    """A reading as it was submitted, frozen: the texts, the files' names, who, when (SPEC §5)."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    texts = models.JSONField(_("textes"), default=dict, blank=True)
    # File section name → the stored file's name at submission ("" when none).
    files = models.JSONField(_("fichiers"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("soumise par"),
    )
    # Who submitted when it was not a person ("generator").
    source = models.CharField(_("source"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("soumise le"), default=timezone.now)

    class Meta:
        ordering = ["reading", "number"]
        verbose_name = _("version de lecture")
        verbose_name_plural = _("versions de la lecture")
        constraints = [
            models.UniqueConstraint(fields=["reading", "number"], name="reading_version_once")
        ]

    def __str__(self) -> str:
        return str(_("Version %(number)d") % {"number": self.number})

    def text(self, name: str) -> str:
        return self.texts.get(name, "")

    def content(self, section: Section) -> str:
        """What this version holds for a section: its text, or its file's stored name."""
        return self.files.get(section.name, "") if section.is_file else self.text(section.name)


class OrderEvent(models.Model):
    """Append-only history of an order's status changes."""

    order = models.ForeignKey(
        Order, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("de"), max_length=32, choices=Order.Status, blank=True)
    to_status = models.CharField(_("vers"), max_length=32, choices=Order.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # Who acted when it is not a user: "stripe", "demo", "generator", "import".
    source = models.CharField(_("origine"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("événement")
        verbose_name_plural = _("historique")

    def __str__(self) -> str:
        # The admin titles each row of an order's history with this: the statuses' labels.
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("OrderEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("OrderEvent is append-only")


class EmailFailure(models.Model):
    """An email that could not be sent; shown in the admin so someone resends it."""

    template = models.CharField(_("modèle"), max_length=64)
    recipient = models.EmailField(_("destinataire"))
    order = models.ForeignKey(
        Order,
        verbose_name=_("commande"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_failures",
    )
    error = models.CharField(_("erreur"), max_length=255)
    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("échec d’envoi d’e-mail")
        verbose_name_plural = _("échecs d’envoi d’e-mails")

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient}"


class Notice(models.Model):
    """A notice the client was sent, by which channel (SPEC §9): sent once, recorded here."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Paiement reçu")
        DELIVERY = "delivery", _("Lecture livrée")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WHATSAPP = "whatsapp", _("WhatsApp")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("avis"), max_length=16, choices=Kind)
    channel = models.CharField(_("canal"), max_length=16, choices=Channel)
    # The provider's message id (WhatsApp), for support.
    reference = models.CharField(_("référence"), max_length=128, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("avis envoyé")
        verbose_name_plural = _("avis envoyés")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "channel"], name="notice_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()})"
