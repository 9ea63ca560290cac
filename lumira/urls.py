from django.contrib import admin
from django.urls import include, path

from lumira import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/payments/", include("payments.urls")),
    path("desk/", include("experts.urls")),
    path("api/generation/", include("experts.api_urls")),
    path("sanctuaire/", include("sanctuaire.urls")),
    path("", include("orders.urls")),
]
