from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Commandes"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from orders.catalogue import forget_rendered_offers
        from orders.models import Offer

        post_save.connect(forget_rendered_offers, sender=Offer)
        post_delete.connect(forget_rendered_offers, sender=Offer)
