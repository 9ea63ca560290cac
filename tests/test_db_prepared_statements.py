"""Prepared statements on PostgreSQL (lumira/settings.py).

A statement a connection runs again and again (the session read, its user with both profiles,
the pages' own reads) is parsed and planned once, then only executed. Django leaves this off;
the settings turn it on for PostgreSQL, with an empty DB_PREPARE_THRESHOLD to turn it off again.
"""

import json

import pytest
from django.db import connection

from tests import factories
from tests.conftest import postgres_only
from tests.production import run_with_production_settings

PRINT_OPTIONS = [
    "-c",
    "import json, django; django.setup(); from django.conf import settings; "
    "options = settings.DATABASES['default']['OPTIONS']; "
    "print(json.dumps([options.get('server_side_binding'), options.get('prepare_threshold')]))",
]


def options(**environment: str) -> list:
    result = run_with_production_settings(PRINT_OPTIONS, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_prepares_a_statement_once_it_has_run_five_times():
    postgres = "postgres://lumira@db.example.com:5432/lumira"
    assert options(DATABASE_URL=postgres) == [True, 5]
    # Behind a pooler that cannot keep them (PgBouncer in transaction mode, before 1.21).
    assert options(DATABASE_URL=postgres, DB_PREPARE_THRESHOLD="") == [True, None]


def test_sqlite_is_left_as_it_was():
    assert options(DATABASE_URL="sqlite:///:memory:") == [None, None]


@postgres_only
@pytest.mark.django_db
def test_a_logged_in_page_runs_its_reads_as_prepared_statements(client):
    client.force_login(factories.UserFactory())
    for _ in range(6):
        assert client.get("/sanctuaire/profil/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "django_session"' in statement for statement in prepared), prepared
    assert any('FROM "auth_user"' in statement for statement in prepared), prepared


def test_postgresql_runs_on_djangos_own_backend_with_health_checks_and_keepalives():
    """A connection the server or the network dropped between requests is noticed: Django
    checks a persistent connection before reusing it, the kernel probes an idle socket."""
    script = [
        "-c",
        "import json, django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db['ENGINE'], db['CONN_HEALTH_CHECKS'], db['OPTIONS'].get('keepalives')]))",
    ]
    result = run_with_production_settings(
        script, DATABASE_URL="postgres://lumira@db.example.com:5432/lumira"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["django.db.backends.postgresql", True, 1]
