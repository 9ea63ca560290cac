"""lumira.sessions: Django's database sessions, read with plain SQL. Run on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from lumira.sessions import SessionStore
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_project_uses_this_store():
    assert settings.SESSION_ENGINE == "lumira.sessions"


def test_a_saved_session_reads_back():
    store = SessionStore()
    store["answer"] = {"level": 4, "name": "Élise"}
    store.create()
    again = SessionStore(store.session_key)
    assert again["answer"] == {"level": 4, "name": "Élise"}
    assert again.session_key == store.session_key


def test_an_expired_session_is_empty_and_its_key_is_not_reused():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    # One second past its expiry date: the comparison must hold on the stored datetime format.
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.get("answer") is None
    assert expired.session_key is None
    # Still valid a minute from now: read back.
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    assert SessionStore(store.session_key)["answer"] == 42


def test_an_unknown_key_is_an_empty_session():
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_logout_ends_the_session_for_a_copied_cookie(client):
    user = factories.UserFactory()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(cookie).get("_auth_user_id") == str(user.pk)
    client.logout()
    assert SessionStore(cookie).load() == {}
