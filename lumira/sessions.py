"""Sessions in the database, as Django keeps them, read with one plain query.

Every logged-in page starts by reading its session. Django's database backend builds that
query with the ORM on each request, which costs more than running it (a tenth of a desk page,
measured with `make bench`), and the SQL never changes: it is written once per database
(lumira.plainsql). Creating, saving, expiring and deleting sessions stay Django's own code, on
the same table.
"""

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from lumira import plainsql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(
                _session_sql(self.model, alias),
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # unknown or expired: a new session gets a new key
            return None
        return self.model(session_key=self.session_key, session_data=row[0])


@cache
def _session_sql(model, alias: str) -> str:
    def column(name: str) -> str:
        return plainsql.column(model, name, alias)

    return (
        f"SELECT {column('session_data')} FROM {plainsql.table(model, alias)} "  # noqa: S608
        f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s"
    )
