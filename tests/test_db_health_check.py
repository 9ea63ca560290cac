"""The PostgreSQL health check (lumira/db/postgresql/base.py) asks the socket, not the server.

Each test opens its own connections beside the test's: one is terminated, listened on or left
in a transaction, and the test's connection watches it through ``pg_stat_activity``, whose
``query`` column holds the last statement a connection ran.
"""

import select

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from tests.conftest import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db]


@pytest.fixture
def open_connection():
    opened = []

    def open_one():
        wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
        wrapper.ensure_connection()
        opened.append(wrapper)
        return wrapper

    yield open_one
    for wrapper in opened:
        wrapper.close()


def backend_pid(wrapper) -> int:
    return wrapper.connection.info.backend_pid


def last_statement(wrapper) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [backend_pid(wrapper)])
        return cursor.fetchone()[0]


def run(wrapper, sql):
    with wrapper.cursor() as cursor:
        cursor.execute(sql)


def test_the_project_uses_the_backend():
    connection.ensure_connection()
    assert type(connections[DEFAULT_DB_ALIAS]).__module__ == "lumira.db.postgresql.base"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.connection.info.get_parameters()["keepalives_idle"] == "30"


def test_an_idle_connection_is_usable_without_a_statement(open_connection):
    other = open_connection()
    run(other, "SELECT 'lumira-marker'")

    assert other.is_usable() is True
    assert last_statement(other) == "SELECT 'lumira-marker'"


def test_a_terminated_connection_is_not_usable_and_the_next_request_reconnects(open_connection):
    other = open_connection()
    old_pid = backend_pid(other)
    with connection.cursor() as cursor:
        # The second argument waits (up to 5 s) until the backend has exited.
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [old_pid])
        assert cursor.fetchone()[0] is True

    assert other.is_usable() is False

    # What Django does at the start of the next request, then that request's first query.
    other.close_if_unusable_or_obsolete()
    run(other, "SELECT 'after the restart'")
    assert backend_pid(other) != old_pid
    assert last_statement(other) == "SELECT 'after the restart'"


def test_a_pending_notification_falls_back_to_select_1(open_connection):
    listener, notifier = open_connection(), open_connection()
    run(listener, "LISTEN lumira_health")
    run(notifier, "NOTIFY lumira_health")  # autocommit: sent at once
    assert select.select([listener.connection.fileno()], [], [], 5)[0], "no notification came"

    # Something waits on the socket: the stock SELECT 1 decides, and the connection is fine.
    assert listener.is_usable() is True
    assert last_statement(listener) == "SELECT 1"


def test_an_open_transaction_falls_back_to_select_1(open_connection):
    other = open_connection()
    other.set_autocommit(False)
    run(other, "SELECT 'in a transaction'")

    assert other.is_usable() is True
    assert last_statement(other) == "SELECT 1"
    other.rollback()
    other.set_autocommit(True)
