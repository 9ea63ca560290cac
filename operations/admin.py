"""The queue in the admin: what failed, why and when, with a "retry now" action; queue health."""

from datetime import datetime

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks.base import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from operations.models import ScheduledJob, SentEmail
from operations.queue import queue_health

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(DBTaskResultAdmin):
    list_display = ("task", "status", "error", "arguments", "enqueued_at", "finished_at")
    list_filter = ("status", "queue_name")
    actions = ["retry_now"]
    change_list_template = "admin/operations/task_change_list.html"

    # The package labels its fields in English (locale/fr gives them French) and these three
    # columns in plain English strings, which no catalogue reaches: they are named here.
    @admin.display(description=_("tâche"))
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description=_("trace"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("pas avant"))
    def display_run_after(self, obj: DBTaskResult) -> datetime | str:
        return super().display_run_after(obj)

    @admin.display(description=_("erreur"))
    def error(self, obj: DBTaskResult) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1] if obj.exception_class_path else ""

    @admin.display(description=_("arguments"))
    def arguments(self, obj: DBTaskResult) -> str:
        return str(obj.args_kwargs)[:80]

    @admin.action(description=_("Relancer maintenant les tâches en échec"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> None:
        retried = 0
        for result in queryset.filter(status=TaskResultStatus.FAILED):
            kwargs = {k: v for k, v in result.args_kwargs["kwargs"].items() if k != "attempt"}
            # A fresh run with its full series of retries; the failed row stays as the record.
            result.task.using(run_after=None).enqueue(*result.args_kwargs["args"], **kwargs)
            retried += 1
        self.message_user(
            request,
            ngettext("%d tâche relancée.", "%d tâches relancées.", retried) % retried,
            messages.SUCCESS if retried else messages.WARNING,
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        return super().changelist_view(request, {**(extra_context or {}), "health": queue_health()})


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ("key", "template", "claimed_at", "sent_at")
    search_fields = ("key",)
    readonly_fields = ("key", "template", "claimed_at", "sent_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written by the tasks only


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run_at", "next_run_at")
    readonly_fields = ("name", "last_run_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row per entry of settings.SCHEDULED_JOBS, written by the worker
