from django.contrib import admin

from experts.models import Expert


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "slug", "is_active", "is_house", "rating", "last_login_at"]
    list_filter = ["is_active", "is_house"]
    search_fields = ["name", "email", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]
    readonly_fields = ["public_id", "legacy_id", "created_at", "last_login_at"]
