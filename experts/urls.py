from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LogoutView
from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("validation/", views.validation_queue, name="validation"),
    path("connexion/", views.DeskLoginView.as_view(), name="login"),
    path("deconnexion/", LogoutView.as_view(next_page="experts:login"), name="logout"),
    # "Mot de passe oublié ?": Django's password reset views, in the desk's look.
    path("mot-de-passe/", views.DeskPasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="experts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.DeskPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/fait/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="experts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("commande/<uuid:public_id>/", views.order_detail, name="order"),
    path("commande/<uuid:public_id>/prendre/", views.claim_order, name="claim"),
    path("commande/<uuid:public_id>/rendre/", views.release_order, name="release"),
    path("commande/<uuid:public_id>/contenu/", views.save_order_content, name="content"),
    path("commande/<uuid:public_id>/generer/", views.generate_content, name="generate"),
    path("commande/<uuid:public_id>/soumettre/", views.submit_order, name="submit"),
    path("commande/<uuid:public_id>/valider/", views.approve_order, name="approve"),
    path("commande/<uuid:public_id>/rejeter/", views.reject_order, name="reject"),
    path("commande/<uuid:public_id>/photos/<uuid:photo_id>/", views.order_photo, name="photo"),
    path("commande/<uuid:public_id>/audio/", views.order_audio, name="audio"),
    path("commande/<uuid:public_id>/pdf/", views.order_pdf, name="pdf"),
    path("commande/<uuid:public_id>/mandala.svg", views.order_mandala, name="mandala"),
]
