from django.contrib import admin

from lumira.admin import ReadOnlyAdmin
from ops.models import Alert, LoginFailure
from ops.throttle import ThrottledAdminAuthenticationForm


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    deletable = True
    list_display = ["created_at", "kind", "subject"]
    list_filter = ["kind"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Deleting an account's failures lifts its lock before it ends."""

    deletable = True

    list_display = ["created_at", "username", "ip_address"]
    search_fields = ["username", "ip_address"]


admin.site.site_header = "Oracle Lumira · administration"
admin.site.site_title = "Oracle Lumira"
admin.site.index_title = "Tableau de bord"
admin.site.login_form = ThrottledAdminAuthenticationForm
