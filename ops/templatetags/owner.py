from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import pgettext

from orders.models import format_cents

register = template.Library()


def _english() -> bool:
    return (translation.get_language() or "fr").startswith("en")


@register.filter
def euros(cents: int | None) -> str:
    """Money in the reader's language (orders.models.format_cents), "—" for none."""
    return "—" if cents is None else format_cents(cents)


@register.filter
def percent(rate: float | None) -> str:
    """0.8 → '80,0 %' in French, '80.0%' in English."""
    if rate is None:
        return "—"
    figure = number_format(rate * 100, 1)
    return f"{figure}%" if _english() else f"{figure}\u00a0%"


@register.filter
def duration(hours: float | None) -> str:
    """Hours as '2 j 4 h' or '5 h 12 min' ('2 d 4 h' in English)."""
    if hours is None:
        return "—"
    minutes = round(hours * 60)
    days, minutes = divmod(minutes, 24 * 60)
    whole_hours, minutes = divmod(minutes, 60)
    if days:
        day = pgettext("days, abbreviated", "j")
        return f"{days}\u00a0{day} {whole_hours}\u00a0h"
    return f"{whole_hours}\u00a0h {minutes:02d}\u00a0min"


@register.filter
def share(part: int, whole: int) -> int:
    """A bar's width in percent of the largest value."""
    return round(100 * part / whole) if whole else 0
