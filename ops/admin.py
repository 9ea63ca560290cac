from django.contrib import admin
from django.http import HttpRequest

from ops.models import Alert, LoginFailure
from ops.throttle import ThrottledAdminAuthenticationForm


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "subject"]
    list_filter = ["kind"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Deleting an account's failures lifts its lock before it ends."""

    list_display = ["created_at", "username", "ip_address"]
    search_fields = ["username", "ip_address"]


admin.site.site_header = "Oracle Lumira · administration"
admin.site.site_title = "Oracle Lumira"
admin.site.index_title = "Tableau de bord"
admin.site.login_form = ThrottledAdminAuthenticationForm
