from django.contrib import admin

from legacy.models import LegacyFile


@admin.register(LegacyFile)
class LegacyFileAdmin(admin.ModelAdmin):
    list_display = ["order", "kind", "path", "state", "reason", "done_at"]
    list_filter = ["state", "kind"]
    search_fields = ["order__number", "path"]
    raw_id_fields = ["order"]
    readonly_fields = [f.name for f in LegacyFile._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
