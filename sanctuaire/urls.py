from django.urls import path

from sanctuaire import views

app_name = "sanctuaire"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("connexion/", views.login_request, name="login"),
    path("connexion/envoye/", views.login_sent, name="login_sent"),
    path("connexion/<str:token>/", views.magic_link, name="magic_link"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("profil/", views.profile, name="profile"),
    path("commandes/<uuid:public_id>/", views.order_detail, name="order"),
    path("commandes/<uuid:public_id>/audio/", views.audio, name="audio"),
    path("commandes/<uuid:public_id>/pdf/", views.pdf, name="pdf"),
    path("commandes/<uuid:public_id>/mandala.svg", views.mandala, name="mandala"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("factures/<uuid:public_id>/", views.invoice_download, name="invoice"),
    path("avoirs/<uuid:public_id>/", views.credit_note_download, name="credit_note"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/export.json", views.export_data, name="export"),
    path("mes-donnees/suppression/", views.request_deletion, name="deletion"),
]
