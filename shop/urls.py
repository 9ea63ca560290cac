from django.urls import path

from shop import views

app_name = "orders"  # the namespace these pages have always had

urlpatterns = [
    path("", views.landing, name="landing"),
    path("commande/", views.checkout, name="checkout"),
    path("commande/<uuid:public_id>/paiement/", views.payment, name="payment"),
    path(
        "commande/<uuid:public_id>/paiement/accord/", views.payment_consent, name="payment_consent"
    ),
    path("commande/<uuid:public_id>/formulaire/", views.intake_form, name="intake"),
    path("commande/<uuid:public_id>/formulaire/envoye/", views.intake_sent, name="intake_sent"),
    path("confirmation/", views.confirmation, name="confirmation"),
]
