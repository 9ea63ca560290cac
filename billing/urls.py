from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path(
        "admin/facturation/factures/<uuid:public_id>/",
        views.admin_invoice,
        name="admin_invoice",
    ),
    path(
        "admin/facturation/avoirs/<uuid:public_id>/",
        views.admin_credit_note,
        name="admin_credit_note",
    ),
    path("admin/facturation/export/", views.export, name="export"),
]
