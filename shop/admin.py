"""Admin for offers and orders (SPEC §7). Actions call services; they never set a status."""

import csv
import logging
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from billing.exceptions import RefundRefused
from billing.models import Invoice, Refund
from operations.tasks import enqueue
from orders import services as order_services
from orders.exceptions import TransitionRefused
from orders.models import (
    EmailFailure,
    Notice,
    Offer,
    Order,
    OrderEvent,
    OrderPhoto,
    Reading,
    format_cents,
    is_late,
    late_orders,
)
from orders.sections import sections_for_level
from payments.gateways.base import GatewayError, PaymentDeclined
from payments.refunds import refund_order
from sanctuaire import services as client_data
from sanctuaire import tasks

logger = logging.getLogger(__name__)


class RefundForm(forms.Form):
    """An amount in euros (what is left to refund by default) and a reason."""

    amount = forms.CharField(
        label=_("Montant à rembourser (€)"),
        max_length=12,
        error_messages={"required": _("Indiquez le montant à rembourser, en euros.")},
    )
    reason = forms.CharField(
        label=_("Motif"),
        help_text=_("Le client le lira dans l’e-mail de remboursement."),
        max_length=255,
        error_messages={
            "required": _("Indiquez le motif du remboursement."),
            "max_length": _("255 caractères au maximum."),
        },
    )

    def __init__(self, *args, order: Order, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        left = order.refundable_cents
        self.fields["amount"].initial = f"{left // 100},{left % 100:02d}"
        self.fields["amount"].help_text = _("Payé : %(paid)s ; déjà remboursé : %(done)s.") % {
            "paid": format_cents(order.price_cents, order.currency),
            "done": format_cents(order.refunded_cents, order.currency),
        }

    def clean_amount(self) -> str:
        text = self.cleaned_data["amount"].strip().replace("\u00a0", "").replace(" ", "")
        text = text.removesuffix("€").replace(",", ".")
        try:
            euros = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Montant invalide : par exemple 12,50.")) from None
        if not euros.is_finite() or euros <= 0:
            raise forms.ValidationError(_("Le montant doit être supérieur à 0 €."))
        if euros != euros.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Deux décimales au plus (les centimes)."))
        if euros > Decimal(self.order.refundable_cents) / 100:
            raise forms.ValidationError(
                _("Remboursement refusé : au plus %(left)s restent remboursables.")
                % {"left": format_cents(self.order.refundable_cents, self.order.currency)}
            )
        self.cleaned_data["amount_cents"] = int(euros * 100)
        return self.cleaned_data["amount"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "level",
        "slug",
        "service",
        "price",
        "duration_minutes",
        "delivery_hours",
        "is_active",
    ]
    list_editable = ["delivery_hours", "is_active"]
    ordering = ["sort_order", "level"]

    @admin.display(description=_("prix"), ordering="price_cents")
    def price(self, offer: Offer) -> str:
        return offer.price_display


# Where a change came from (OrderEvent.source), as the admin reads it.
EVENT_SOURCES = {
    "checkout": _("tunnel de commande"),
    "stripe": _("webhook Stripe"),
    "confirm-payment": _("vérification auprès de Stripe"),
    "demo": _("paiement de démonstration"),
    "admin": _("administration"),
    "generator": _("générateur"),
    "schedule": _("tâche planifiée"),
    "import": _("import de l’ancien système"),
}


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "origin", "note"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("origine"))
    def origin(self, event: OrderEvent) -> str:
        return EVENT_SOURCES.get(event.source, event.source) or "—"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class NoticeInline(admin.TabularInline):
    """Which channels carried the client's notices (SPEC §9)."""

    model = Notice
    extra = 0
    can_delete = False
    fields = ["sent_at", "kind", "channel", "reference"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OrderPhotoInline(admin.TabularInline):
    model = OrderPhoto
    extra = 0
    can_delete = False
    fields = ["public_id", "content_type", "size_bytes", "width", "height", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderPhoto]:
        # Each row is titled with its str(), which names the order.
        return super().get_queryset(request).select_related("order")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadingInline(admin.StackedInline):
    """The expert's work, read-only: it changes at the desk, where every change is guarded."""

    model = Reading
    can_delete = False
    classes = ["collapse"]
    fields = [
        "sections",
        "versions",
        "writers_list",
        "pdf_generated",
        "instructions",
        "generation_requested_at",
        "generation_error",
        "revision_count",
        "review_notes",
        "rejection_reason",
        "validation_notes",
        "validated_by",
        "validated_at",
        "delivered_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("sections"))
    def sections(self, reading: Reading) -> str:
        """Each section of the order's level (orders.sections): its text, or its file's name."""
        rows = []
        for section in sections_for_level(reading.order.level):
            if section.is_file:
                value = getattr(reading, section.name).name or "—"
            else:
                value = reading.text(section.name) or "—"
            rows.append((capfirst(section.label), value))
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", '<dt>{}</dt><dd style="white-space: pre-wrap">{}</dd>', rows),
        )

    @admin.display(description=_("versions soumises"))
    def versions(self, reading: Reading) -> str:
        """Each submission, frozen: who, when, its files, its texts (SPEC §5)."""
        blocks = []
        for version in reading.versions.select_related("author"):
            who = version.author.get_username() if version.author else version.source or "—"
            approved = _(" (approuvée)") if reading.approved_version_id == version.pk else ""
            texts = "\n\n".join(
                f"[{name}] {text}" for name, text in version.texts.items() if name != "mandala"
            )
            files = ", ".join(name.rsplit("/", 1)[-1] for name in version.files.values() if name)
            blocks.append(
                (
                    _("Version %(number)d%(approved)s — %(who)s, %(date)s")
                    % {
                        "number": version.number,
                        "approved": approved,
                        "who": who,
                        "date": date_format(localtime(version.created_at), "j F Y, H:i"),
                    },
                    files or "—",
                    texts or "—",
                )
            )
        if not blocks:
            return "—"
        return format_html_join(
            "",
            '<p><strong>{}</strong><br>{}</p><p style="white-space: pre-wrap">{}</p>',
            blocks,
        )

    @admin.display(description=_("rédigée par"))
    def writers_list(self, reading: Reading) -> str:
        return ", ".join(user.get_username() for user in reading.writers.all()) or "—"


# Stripe's PaymentIntent statuses, and ours after a refund, as an admin reads them.
PAYMENT_STATUS_LABELS = {
    "requires_payment_method": _("en attente d’un moyen de paiement"),
    "requires_confirmation": _("à confirmer"),
    "requires_action": _("authentification demandée (3-D Secure)"),
    "processing": _("en cours de traitement"),
    "requires_capture": _("autorisé, à encaisser"),
    "canceled": _("annulé"),
    "succeeded": _("réussi"),
    "refunded": _("remboursé"),
}
PAYMENT_FIELDS = [
    "payment_intent_id",
    "payment_state",
    "amount",
    "refunded",
    "paid_at",
    "failure_code",
    "failure_message",
    "payment_flag",
    "dispute_status",
    "refunded_at",
    "documents",
]
CONSENT_FIELDS = [
    "terms_accepted_at",
    "terms_version",
    "withdrawal_waived_at",
    "data_consent_at",
    "keep_photos",
    "photos_purged_at",
]


class FlagFilter(admin.SimpleListFilter):
    title = _("alerte")
    parameter_name = "alerte"

    def lookups(self, request: HttpRequest, model_admin):
        return [
            ("any", _("Toutes les alertes")),
            ("money", _("Montant ou devise")),
            ("dispute", _("Litige ouvert")),
            ("dispute_closed", _("Litige clos")),
            ("late", _("En retard")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]):
        money = ~Q(payment_flag="")
        dispute = Q(dispute_status=Order.DisputeStatus.OPEN)
        late = Q(pk__in=late_orders().values("pk"))
        match self.value():
            case "money":
                return queryset.filter(money)
            case "dispute":
                return queryset.filter(dispute)
            case "dispute_closed":
                return queryset.filter(
                    dispute_status__in=[Order.DisputeStatus.WON, Order.DisputeStatus.LOST]
                )
            case "late":
                return queryset.filter(late)
            case "any":
                return queryset.filter(money | dispute | late)
        return queryset


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "amount", "reason", "actor", "source", "status", "stripe_refund_id"]
    readonly_fields = fields
    verbose_name_plural = _("remboursements")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Refund]:
        return super().get_queryset(request).select_related("order", "actor")

    @admin.display(description=_("montant"))
    def amount(self, refund: Refund) -> str:
        return refund.amount_display

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "client",
        "email",
        "offer_name",
        "amount",
        "refunded",
        "status",
        "expert_name",
        "paid_at",
        "flags",
    ]
    list_filter = [
        "status",
        FlagFilter,
        "level",
        "service",
        ("created_at", admin.DateFieldListFilter),
        ("paid_at", admin.DateFieldListFilter),
    ]
    search_fields = ["number", "email", "payment_intent_id", "last_name"]
    list_select_related = ["assigned_expert", "expert", "offer"]
    date_hierarchy = "created_at"
    inlines = [ReadingInline, OrderPhotoInline, RefundInline, OrderEventInline, NoticeInline]
    actions = [
        "refund",
        "resend_access_email",
        "return_to_queue",
        "export_csv",
        "anonymise_client",
    ]
    readonly_fields = [
        "public_id",
        "number",
        "status",
        "offer",
        "level",
        "level_name",
        "offer_name",
        "service",
        "duration_minutes",
        "delivery_hours",
        "due_at",
        "reserved_until",
        *PAYMENT_FIELDS,
        *CONSENT_FIELDS,
        "assigned_expert",
        "assigned_at",
        "anonymised_at",
        "legacy_id",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["public_id", "number", "status", "created_at", "updated_at", "legacy_id"]},
        ),
        (
            _("Offre"),
            {
                "fields": [
                    "offer",
                    "offer_name",
                    "level",
                    "level_name",
                    "service",
                    "duration_minutes",
                    "delivery_hours",
                    "due_at",
                    "reserved_until",
                ]
            },
        ),
        (_("Paiement"), {"fields": PAYMENT_FIELDS}),
        (_("Consentements"), {"fields": CONSENT_FIELDS}),
        (
            _("Client"),
            {
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "phone",
                    "date_of_birth",
                    "user",
                    "audio_voice",
                    "delivery_format",
                    "expert",
                    "anonymised_at",
                ]
            },
        ),
        (
            _("Formulaire"),
            {
                "fields": [
                    "question",
                    "birth_time",
                    "birth_place",
                    "specific_context",
                    "life_question",
                    "intake_submitted_at",
                ]
            },
        ),
        (_("Travail de l’expert"), {"fields": ["assigned_expert", "assigned_at"]}),
    ]

    @admin.display(description=_("client"), ordering="last_name")
    def client(self, order: Order) -> str:
        return order.client_name or "—"

    @admin.display(description=_("expert"))
    def expert_name(self, order: Order) -> str:
        expert = order.assigned_expert or order.expert
        return expert.name if expert else "—"

    @admin.display(description=_("remboursé"), ordering="refunded_cents")
    def refunded(self, order: Order) -> str:
        return format_cents(order.refunded_cents, order.currency) if order.refunded_cents else "—"

    @admin.display(description=_("alertes"))
    def flags(self, order: Order) -> str:
        labels = []
        if order.payment_flag:
            labels.append(str(_("Montant")))
        if order.dispute_status:
            labels.append(order.get_dispute_status_display())
        if is_late(order):
            labels.append(str(_("En retard")))
        return ", ".join(labels) or "—"

    @admin.display(description=_("factures et avoirs"))
    def documents(self, order: Order) -> str:
        invoice = Invoice.objects.filter(order=order).first()
        if invoice is None:
            return "—"
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("billing:admin_invoice", args=[invoice.public_id]),
                _("Facture %s") % invoice.number,
            )
        ]
        for note in invoice.credit_notes.order_by("issued_at"):
            links.append(
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("billing:admin_credit_note", args=[note.public_id]),
                    _("Avoir %s") % note.number,
                )
            )
        return format_html_join(" · ", "{}", ((link,) for link in links))

    @admin.display(description=_("montant"), ordering="price_cents")
    def amount(self, order: Order) -> str:
        return order.amount_display

    @admin.display(description=_("statut du paiement"))
    def payment_state(self, order: Order) -> str:
        """In French, with Stripe's own word beside it to look the payment up there."""
        if not order.payment_status:
            return "—"
        label = PAYMENT_STATUS_LABELS.get(order.payment_status)
        return f"{label} ({order.payment_status})" if label else order.payment_status

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_refund": order is not None and order.is_paid and bool(order.payment_intent_id),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders come from the tunnel (or the legacy import), never by hand

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # nothing is lost: an order is refunded or anonymised, not deleted

    @admin.action(description=_("Rembourser via la passerelle de paiement"))
    def refund(self, request: HttpRequest, queryset: QuerySet[Order]):
        """Opens the refund form (amount in euros, reason) of the one order selected."""
        orders = list(queryset[:2])
        if len(orders) != 1:
            self.message_user(
                request,
                _("Choisissez une seule commande à rembourser : le montant se règle par commande."),
                messages.WARNING,
            )
            return None
        order = orders[0]
        if not order.is_paid or not order.payment_intent_id:
            self.message_user(request, _("Non remboursable : %s") % order.number, messages.WARNING)
            return None
        return redirect("admin:orders_order_refund", order.pk)

    def get_urls(self):
        return [
            path(
                "<int:order_id>/rembourser/",
                self.admin_site.admin_view(self.refund_view),
                name="orders_order_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request: HttpRequest, order_id: int) -> HttpResponse:
        """Refund a chosen amount (the whole remainder by default) with a reason."""
        order = get_object_or_404(Order, pk=order_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        form = RefundForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                refund = refund_order(
                    order,
                    form.cleaned_data["amount_cents"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except RefundRefused as error:
                form.add_error("amount", error.message)
            except (GatewayError, PaymentDeclined) as error:
                logger.error("order %s: refund failed: %s", order.number, error)
                form.add_error(
                    None,
                    _("Le service de paiement n’a pas effectué le remboursement : %s")
                    % getattr(error, "message_fr", str(error)),
                )
            else:
                self.message_user(
                    request,
                    _("Remboursement de %(amount)s effectué sur la commande %(number)s.")
                    % {"amount": refund.amount_display, "number": order.number},
                    messages.SUCCESS,
                )
                return redirect("admin:orders_order_change", order.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rembourser la commande %s") % order.number,
            "opts": self.opts,
            "original": order,
            "order": order,
            "form": form,
            "refunds": order.refunds.select_related("actor"),
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/orders/order/refund.html", context, status=status)

    @admin.action(description=_("Renvoyer l’e-mail d’accès au Sanctuaire"))
    def resend_access_email(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        queued = 0
        with transaction.atomic():
            for order in queryset.filter(anonymised_at__isnull=True):
                enqueue(tasks.send_sanctuaire_access_email, order.pk, uuid.uuid4().hex)
                queued += 1
        if not queued:
            self.message_user(request, _("Aucun e-mail envoyé."), messages.WARNING)
            return
        # The send is a background task: a failure is retried, then listed under
        # "Échecs d’envoi d’e-mails".
        self.message_user(
            request,
            ngettext(
                "%d e-mail en cours d’envoi (avec un lien de connexion valable 30 minutes).",
                "%d e-mails en cours d’envoi (avec un lien de connexion valable 30 minutes).",
                queued,
            )
            % queued,
            messages.SUCCESS,
        )

    @admin.action(description=_("Remettre dans la file (retirer à l’expert)"))
    def return_to_queue(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        """For an expert who cannot finish (away, leaving): their orders in preparation go back
        to the queue, what they wrote kept for whoever takes them."""
        returned = 0
        for order in queryset.filter(status=Order.Status.PROCESSING).select_related(
            "assigned_expert"
        ):
            try:
                order_services.take_back(order, actor=request.user)
            except TransitionRefused:
                continue  # its expert submitted or released it meanwhile
            returned += 1
        if not returned:
            self.message_user(
                request, _("Aucune commande en préparation dans la sélection."), messages.WARNING
            )
            return
        self.message_user(
            request,
            ngettext(
                "%d commande remise dans la file : un autre expert peut la prendre.",
                "%d commandes remises dans la file : d’autres experts peuvent les prendre.",
                returned,
            )
            % returned,
            messages.SUCCESS,
        )

    @admin.action(description=_("Anonymiser le client (garde la comptabilité)"))
    def anonymise_client(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        emails_seen = sorted(
            {
                email.lower()
                for email in queryset.filter(anonymised_at__isnull=True).values_list(
                    "email", flat=True
                )
            }
        )
        orders = 0
        for email in emails_seen:
            orders += client_data.anonymise_client(email, actor=request.user).orders
        self.message_user(
            request,
            ngettext(
                "%(orders)d commande anonymisée (%(clients)d client).",
                "%(orders)d commandes anonymisées (%(clients)d client(s)).",
                orders,
            )
            % {"orders": orders, "clients": len(emails_seen)},
            messages.SUCCESS if orders else messages.WARNING,
        )

    @admin.action(description=_("Exporter en CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="commandes.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
        writer = csv.writer(response)
        writer.writerow(
            [
                "numero",
                "email",
                "offre",
                "niveau",
                "service",
                "montant_centimes",
                "devise",
                "statut",
                "payee_le",
                "payment_intent",
                "creee_le",
            ]
        )
        for order in queryset.order_by("created_at").iterator():
            writer.writerow(
                [
                    order.number,
                    _csv_safe(order.email),
                    _csv_safe(order.offer_name),
                    order.level,
                    order.service,
                    order.price_cents,
                    order.currency,
                    order.status,
                    order.paid_at.isoformat() if order.paid_at else "",
                    order.payment_intent_id or "",
                    order.created_at.isoformat(),
                ]
            )
        return response


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas a client could have typed into a field."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(EmailFailure)
class EmailFailureAdmin(admin.ModelAdmin):
    """Emails that could not be sent: read-only, for an admin to act on (resend, call)."""

    list_display = ["created_at", "template", "recipient", "order", "error"]
    list_filter = ["template", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["recipient", "order__number"]
    list_select_related = ["order"]
    readonly_fields = ["created_at", "template", "recipient", "order", "error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
