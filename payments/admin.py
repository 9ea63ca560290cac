from django.contrib import admin
from django.http import HttpRequest

from payments.models import ProcessedEvent


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(admin.ModelAdmin):
    """The webhook log is evidence: read-only."""

    list_display = ["event_id", "type", "outcome", "payment_intent_id", "processed_at"]
    list_filter = ["type", "outcome", "livemode"]
    search_fields = ["event_id", "payment_intent_id"]
    readonly_fields = [f.name for f in ProcessedEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
