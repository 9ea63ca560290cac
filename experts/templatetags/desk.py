from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def age(moment: datetime | None, now: datetime | None = None) -> str:
    """'il y a 3 heures', or 'à l’instant' rather than 'il y a 0 minute'."""
    if moment is None:
        return "—"
    now = now or timezone.now()
    if (now - moment).total_seconds() < 60:
        return _("à l’instant")
    return _("il y a %(duration)s") % {"duration": timesince(moment, now)}
