"""PostgreSQL, with a connection health check that needs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before each request's
first query, and the stock backend does it with ``SELECT 1``: a round trip and a statement
on the server for every request. In ``make bench`` that was about 7 % of the CPU of a
PostgreSQL page (the Sanctuaire dashboard, 2026-11-22).

Between requests the connection is idle, and an idle PostgreSQL connection has nothing to
say. When the server ends it (a restart, ``pg_terminate_backend``, ``idle_session_timeout``,
a crashed backend) it sends an error and closes the socket, which then becomes readable. So
the check asks the kernel, without waiting, whether the socket is readable:

- nothing to read and no transaction open: the connection is usable;
- anything else (data or a hang-up on the socket, a transaction left open, a connection
  psycopg already knows is broken): the stock ``SELECT 1`` decides, as before.

What a socket cannot tell is a database host that vanished without closing its connections
(a power cut). TCP keepalives (the ``keepalives_*`` options in settings) make the kernel
notice within a minute, and ``CONN_MAX_AGE`` bounds a connection's life anyway; until then,
the first query on such a connection fails.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE and not _readable(
            connection.fileno()
        ):
            return True
        return super().is_usable()


def _readable(fd: int) -> bool:
    """True when the socket has data or a hang-up waiting (poll with a zero timeout)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
