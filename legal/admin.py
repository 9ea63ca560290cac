from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal.models import LegalPage, LegalPageVersion
from lumira.admin import ReadOnlyAdmin


class LegalPageVersionInline(admin.TabularInline):
    model = LegalPageVersion
    extra = 0
    can_delete = False
    fields = ["number", "title", "created_at", "created_by"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    """Each save with a new text publishes the next version; old versions stay readable."""

    list_display = ["title", "slug", "version", "updated_at", "complete"]
    fields = ["slug", "title", "body", "version", "updated_at"]
    readonly_fields = ["version", "updated_at"]
    inlines = [LegalPageVersionInline]

    @admin.display(boolean=True, description=gettext_lazy("complète"))
    def complete(self, page: LegalPage) -> bool:
        return page.is_complete

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """Says which pages still hold the first texts' « à compléter » before the shop opens."""
        incomplete = [page.title for page in LegalPage.objects.all() if not page.is_complete]
        if incomplete:
            messages.warning(
                request,
                _(
                    "Ces pages contiennent encore « à compléter » : %(pages)s. Remplacez ces "
                    "mentions par vos informations (identité de l’entreprise, hébergeur, "
                    "médiateur) avant d’ouvrir la boutique."
                )
                % {"pages": ", ".join(incomplete)},
            )
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: LegalPage, form, change: bool) -> None:
        obj.publish(author=request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an order may point at its CGV version


@admin.register(LegalPageVersion)
class LegalPageVersionAdmin(ReadOnlyAdmin):
    list_display = ["page", "number", "created_at", "created_by"]
    list_filter = ["page"]
    readonly_fields = ["page", "number", "title", "body", "created_at", "created_by"]
