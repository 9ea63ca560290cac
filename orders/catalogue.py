"""Finding the offer a request asks for (SPEC §4): by slug, level, service or a consistent pair."""

from orders.models import Offer


class OfferNotFound(Exception):
    pass


class OfferMismatch(Exception):
    """level and service (or slug) name two different offers."""


def resolve_offer(*, slug: object = None, level: object = None, service: object = None) -> Offer:
    """The active offer all given criteria agree on. Raises OfferNotFound or OfferMismatch."""
    criteria: dict[str, object] = {}
    if slug not in (None, ""):
        criteria["slug"] = str(slug).strip().lower()
    if level not in (None, ""):
        try:
            criteria["level"] = int(str(level).strip())
        except ValueError:
            raise OfferNotFound from None
        if isinstance(level, bool) or not 1 <= criteria["level"] <= 32767:
            raise OfferNotFound
    if service not in (None, ""):
        criteria["service"] = str(service).strip().lower()
    if not criteria:
        raise OfferNotFound
    offers = {
        key: Offer.objects.filter(is_active=True, **{key: value}).first()
        for key, value in criteria.items()
    }
    if any(offer is None for offer in offers.values()):
        raise OfferNotFound
    if len({offer.pk for offer in offers.values()}) > 1:
        raise OfferMismatch
    return next(iter(offers.values()))
