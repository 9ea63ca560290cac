"""Sessions in the database, as Django keeps them, read with one plain query.

Every logged-in page starts by reading its session. Django's database backend builds that
query with the ORM on each request, which costs more than running it (a tenth of a desk page,
measured with `make bench`), and the SQL never changes: it is written out here once. Creating,
saving, expiring and deleting sessions stay Django's own code, on the same table.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                # The table is the model's own name, quoted; the values are parameters.
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # unknown or expired: a new session gets a new key
            return None
        return model(session_key=self.session_key, session_data=row[0])
