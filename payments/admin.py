from django.contrib import admin

from lumira.admin import ReadOnlyAdmin
from payments.models import ProcessedEvent


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(ReadOnlyAdmin):
    """The webhook log is evidence: read-only."""

    list_display = ["event_id", "type", "outcome", "payment_intent_id", "processed_at"]
    list_filter = ["type", "outcome", "livemode"]
    search_fields = ["event_id", "payment_intent_id"]
    readonly_fields = [f.name for f in ProcessedEvent._meta.fields]
