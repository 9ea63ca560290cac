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


def span(seconds: float) -> str:
    """'2 j 4 h', '3 h 12 min', '25 min': precise enough to plan a day's work."""
    minutes = max(int(seconds // 60), 1)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d j %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def time_left(due_at: datetime | None, now: datetime | None = None) -> str:
    """'reste 1 j 4 h' before the promised date, 'en retard de 3 h 05 min' after it."""
    if due_at is None:
        return ""
    now = now or timezone.now()
    seconds = (due_at - now).total_seconds()
    if seconds >= 0:
        return _("reste %(span)s") % {"span": span(seconds)}
    return _("en retard de %(span)s") % {"span": span(-seconds)}
