from django.urls import path

from payments import api, webhooks

app_name = "payments"

urlpatterns = [
    path("create-payment-intent", api.create_payment_intent, name="create_intent"),
    path("confirm-payment", api.confirm_payment, name="confirm_payment"),
    path("order/<str:public_id>", api.order_detail, name="order_detail"),
    path("webhook", webhooks.stripe_webhook, name="webhook"),
]
