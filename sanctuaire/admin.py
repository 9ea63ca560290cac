"""Admin for deletion requests (carried out by an action) and client profiles."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sanctuaire import services
from sanctuaire.models import DeletionRequest


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "processed_at", "processed_by", "report"]
    list_filter = [("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["user", "email", "created_at", "processed_at", "processed_by", "report"]
    actions = ["anonymise"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Anonymiser ces clients (garde la comptabilité)"))
    def anonymise(self, request: HttpRequest, queryset: QuerySet[DeletionRequest]) -> None:
        done = 0
        for deletion in queryset.filter(processed_at__isnull=True):
            email = deletion.user.email if deletion.user else deletion.email
            if email:
                services.anonymise_client(email, actor=request.user)
                done += 1
        self.message_user(
            request,
            ngettext("%d client anonymisé.", "%d clients anonymisés.", done) % done,
            messages.SUCCESS if done else messages.WARNING,
        )
