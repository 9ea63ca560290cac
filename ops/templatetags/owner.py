from django import template

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """1234567 → '12 345,67 €' (no-break spaces)."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    whole = f"{cents // 100:,}".replace(",", "\u202f")
    return f"{sign}{whole},{cents % 100:02d}\u00a0€"


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}\u00a0%".replace(".", ",")


@register.filter
def duration(hours: float | None) -> str:
    """Hours as '2 j 4 h' or '5 h 12 min'."""
    if hours is None:
        return "—"
    minutes = round(hours * 60)
    days, minutes = divmod(minutes, 24 * 60)
    whole_hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}\u00a0j {whole_hours}\u00a0h"
    return f"{whole_hours}\u00a0h {minutes:02d}\u00a0min"


@register.filter
def share(part: int, whole: int) -> int:
    """A bar's width in percent of the largest value."""
    return round(100 * part / whole) if whole else 0
