"""The version of what the shop's public pages show: the offers and the experts on offer.

The landing and the tunnel render the same content for every visitor until an offer or an
expert changes. Their cached parts and the tunnel's resolved offer are kept under this version,
read from the database on every request: a write made by any app server changes it, so no page
shows stale data and nothing has to be invalidated.

Every page view reads it, so it is one literal query (SPEC §14): the ORM spent several times
longer building the two statements it replaces than the database spent answering them
(docs/performance.md). Writes go through `save()` (the admin, the legacy import sets
`updated_at` itself); a bare `update()` that changes what a page shows must set `updated_at`
too, as any withdrawal is seen by the counts of active rows.
"""

from django.db import connection

CATALOGUE_VERSION_SQL = """
    SELECT
        (SELECT MAX(updated_at) FROM orders_offer),
        (SELECT COUNT(*) FROM orders_offer WHERE is_active),
        (SELECT MAX(updated_at) FROM experts_expert),
        (SELECT COUNT(*) FROM experts_expert WHERE is_active)
"""


def catalogue_version() -> tuple:
    """(offers' last change, active offers, experts' last change, active experts)."""
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE_VERSION_SQL)
        return cursor.fetchone()
