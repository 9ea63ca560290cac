"""Finding the offer a request asks for (SPEC §4): by slug, level, service or a consistent pair."""

import re

from django.db.models import Q

from orders.models import Offer

IDENTIFIER = re.compile(r"[a-z0-9_-]{1,50}")
LEVEL = re.compile(r"[0-9]{1,4}")


class OfferNotFound(Exception):
    pass


class OfferMismatch(Exception):
    """level and service (or slug) name two different offers."""


def resolve_offer(*, slug: object = None, level: object = None, service: object = None) -> Offer:
    """The active offer all given criteria agree on. Raises OfferNotFound or OfferMismatch."""
    criteria: dict[str, object] = {}
    for key, value in (("slug", slug), ("service", service)):
        if value not in (None, ""):
            text = str(value).strip().lower()
            # Identifiers only: anything else (a NUL byte PostgreSQL refuses…) matches nothing.
            if not IDENTIFIER.fullmatch(text):
                raise OfferNotFound
            criteria[key] = text
    if level not in (None, ""):
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if isinstance(level, bool) or not LEVEL.fullmatch(str(level).strip()):
            raise OfferNotFound
        criteria["level"] = int(str(level).strip())
    if not criteria:
        raise OfferNotFound
    # One query for the rows any criterion names, matched here. (Level, slug and service are
    # each unique: the order of the rows does not matter.)
    named = Q()
    for key, value in criteria.items():
        named |= Q(**{key: value})
    active = list(Offer.objects.filter(named, is_active=True))
    matches = {
        next((offer for offer in active if getattr(offer, key) == value), None)
        for key, value in criteria.items()
    }
    if None in matches:
        raise OfferNotFound
    if len(matches) > 1:
        raise OfferMismatch
    return matches.pop()
