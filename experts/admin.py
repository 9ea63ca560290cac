"""Admin for experts (SPEC §7): their profile, the orders they hold, the generator's callbacks."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from experts.models import Expert, GenerationCallback
from orders.models import Order


class AssignedOrderInline(admin.TabularInline):
    model = Order
    fk_name = "assigned_expert"
    verbose_name = _("commande assignée")
    verbose_name_plural = _("commandes assignées")
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "status", "level", "assigned_at", "revisions", "delivered_at"]
    readonly_fields = fields
    ordering = ["-assigned_at"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("reading")

    @admin.display(description=_("révisions"))
    def revisions(self, order: Order) -> int:
        reading = order.reading_or_none
        return reading.revision_count if reading else 0

    @admin.display(description=_("livrée le"))
    def delivered_at(self, order: Order):
        reading = order.reading_or_none
        return reading.delivered_at if reading else None

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "slug", "is_active", "is_house", "rating", "last_login_at"]
    list_filter = ["is_active", "is_house"]
    search_fields = ["name", "email", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]
    readonly_fields = ["public_id", "legacy_id", "created_at", "last_login_at"]
    inlines = [AssignedOrderInline]


@admin.register(GenerationCallback)
class GenerationCallbackAdmin(admin.ModelAdmin):
    """Read-only: the log of applied generator callbacks."""

    list_display = ["order", "received_at"]
    list_select_related = ["order"]
    search_fields = ["order__number"]
    readonly_fields = ["order", "signature", "received_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
