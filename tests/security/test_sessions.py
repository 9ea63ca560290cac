"""Sessions: Django's database engine, cached only in front of a cache every server shares."""

from importlib import import_module

import pytest
from django.conf import settings

from tests import factories
from tests.production import run_with_production_settings

PRINT_ENGINE = [
    "-c",
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SESSION_ENGINE)",
]


def engine(**environment: str) -> str:
    result = run_with_production_settings(PRINT_ENGINE, **environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sessions_stay_in_the_database_unless_the_cache_is_shared():
    # A per-process cache in front of the sessions would let one server keep a session the
    # other has ended (logout): only a shared cache may sit in front of the database.
    assert engine() == "django.contrib.sessions.backends.db"
    assert engine(CACHE_URL="locmemcache://") == "django.contrib.sessions.backends.db"
    assert (
        engine(CACHE_URL="redis://127.0.0.1:6379/1") == "django.contrib.sessions.backends.cached_db"
    )


@pytest.mark.django_db
def test_logout_ends_the_session_for_a_copied_cookie(client):
    store = import_module(settings.SESSION_ENGINE).SessionStore
    user = factories.UserFactory()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert store(cookie).get("_auth_user_id") == str(user.pk)
    client.logout()
    assert store(cookie).load() == {}
