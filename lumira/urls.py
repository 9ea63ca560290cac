from django.contrib import admin
from django.urls import include, path

from lumira import jsonapi, views
from ops.views import owner_view

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("", include("billing.urls")),  # before admin/: its admin pages live under it
    path("admin/vue-d-ensemble/", admin.site.admin_view(owner_view), name="owner_view"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/payments/", include("payments.urls")),
    path("desk/", include("experts.urls")),
    path("api/generation/", include("experts.api_urls")),
    path("sanctuaire/", include("sanctuaire.urls")),
    path("legal/", include("legal.urls")),
    path("", include("shop.urls")),
]

handler404 = jsonapi.page_not_found
