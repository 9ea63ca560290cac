"""A client's address changed by an admin cuts off the old mailbox (the account is the client).

When a client account's e-mail changes: its username (what a magic link logs into) follows,
the outstanding links of the old address die, and its orders are written to the new address
(their e-mails, receipts and future links go there). A link asked later for the old address
finds no account and no order of this client.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from orders.models import Order
from sanctuaire.models import LoginToken

User = get_user_model()


def _remember_old_email(sender, instance, **kwargs) -> None:
    instance._lumira_old_email = (
        User.objects.filter(pk=instance.pk).values_list("email", flat=True).first()
        if instance.pk
        else None
    )


def _cut_off_old_mailbox(sender, instance, created: bool, **kwargs) -> None:
    old = (getattr(instance, "_lumira_old_email", None) or "").strip().lower()
    new = (instance.email or "").strip().lower()
    if created or not old or old == new or instance.is_staff or instance.is_superuser:
        return
    LoginToken.objects.filter(email=old, used_at__isnull=True).update(used_at=timezone.now())
    if new and instance.get_username().strip().lower() == old:
        User.objects.filter(pk=instance.pk).update(username=new)
    if new:
        Order.objects.filter(user=instance).update(email=new, updated_at=timezone.now())


pre_save.connect(_remember_old_email, sender=User, dispatch_uid="sanctuaire_old_email")
post_save.connect(_cut_off_old_mailbox, sender=User, dispatch_uid="sanctuaire_cut_off")
