"""Admin pieces every app shares."""

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only the code writes (money records, logs, kept versions): listed, never edited here.

    `deletable = True` lets an admin remove a row, where removing is the point (lifting a lock).
    """

    deletable = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)
