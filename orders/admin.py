"""Admin for offers and orders (SPEC §7). Actions call services; they never set a status."""

import csv
import logging
import uuid

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from operations.tasks import enqueue
from orders import tasks
from orders.models import EmailFailure, Offer, Order, OrderEvent, OrderPhoto, Reading
from orders.sections import sections_for_level
from payments.gateways import get_gateway
from payments.gateways.base import GatewayError
from sanctuaire import services as client_data

logger = logging.getLogger(__name__)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "level",
        "slug",
        "service",
        "price_cents",
        "duration_minutes",
        "is_active",
    ]
    list_editable = ["is_active"]
    ordering = ["sort_order", "level"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "source", "note"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

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

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadingInline(admin.StackedInline):
    """The expert's work, read-only: it changes at the desk, where every change is guarded."""

    model = Reading
    can_delete = False
    classes = ["collapse"]
    fields = [
        "sections",
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


PAYMENT_FIELDS = [
    "payment_intent_id",
    "payment_status",
    "price_cents",
    "currency",
    "paid_at",
    "failure_code",
    "failure_message",
    "payment_flag",
    "refunded_at",
]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "email", "offer_name", "amount", "status", "paid_at", "created_at"]
    list_filter = [
        "status",
        "level",
        "service",
        ("created_at", admin.DateFieldListFilter),
        "paid_at",
    ]
    search_fields = ["number", "email", "payment_intent_id", "last_name"]
    list_select_related = ["offer"]
    date_hierarchy = "created_at"
    inlines = [ReadingInline, OrderPhotoInline, OrderEventInline]
    actions = ["refund", "resend_access_email", "export_csv", "anonymise_client"]
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
        *PAYMENT_FIELDS,
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
                ]
            },
        ),
        (_("Paiement"), {"fields": PAYMENT_FIELDS}),
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

    @admin.display(description=_("montant"), ordering="price_cents")
    def amount(self, order: Order) -> str:
        return order.amount_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders come from the tunnel (or the legacy import), never by hand

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # nothing is lost: an order is refunded or anonymised, not deleted

    @admin.action(description=_("Rembourser via la passerelle de paiement"))
    def refund(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        gateway, done, refused = get_gateway(), 0, []
        for order in queryset:
            if not order.is_paid or not order.payment_intent_id:
                refused.append(order.number)
                continue
            try:
                gateway.refund(order)
            except GatewayError as error:
                logger.error("order %s: refund failed: %s", order.number, error)
                refused.append(order.number)
                continue
            done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%d remboursement demandé (le statut suit la confirmation de Stripe).",
                    "%d remboursements demandés (le statut suit la confirmation de Stripe).",
                    done,
                )
                % done,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Non remboursables : %s") % ", ".join(refused),
                messages.WARNING,
            )

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
