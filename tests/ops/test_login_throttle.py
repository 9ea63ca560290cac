"""Password logins throttled by account and address; the address from a trusted proxy (§12)."""

from datetime import timedelta

import pytest
from django.test import Client

from ops.models import LoginFailure
from tests.factories import ExpertFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Trop de tentatives de connexion échouées"
PASSWORD = "motdepasse-lumira"


def _login(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(
    ("url", "make_user"),
    [
        ("/desk/connexion/", lambda: ExpertFactory().user),
        ("/admin/login/", lambda: UserFactory(is_staff=True, is_superuser=True)),
    ],
    ids=["desk", "admin"],
)
def test_twenty_bad_passwords_lock_the_account_from_that_address(
    client, time_machine, url, make_user
):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    user = make_user()
    for _attempt in range(20):
        response = _login(client, url, user.username, "wrong")
        assert LOCKED not in response.content.decode()
    refused = _login(client, url, user.username, PASSWORD)
    # The form again, with the reason: 400 on the desk, like the site's other forms; Django's
    # admin keeps its own 200.
    assert refused.status_code == (400 if url.startswith("/desk/") else 200)
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out of the same account.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(other, url, user.username, PASSWORD).status_code == 302
    # Once the failures are 15 minutes old, the right password works again.
    time_machine.shift(timedelta(minutes=14))
    assert LOCKED in _login(client, url, user.username, PASSWORD).content.decode()
    time_machine.shift(timedelta(minutes=2))
    assert _login(client, url, user.username, PASSWORD).status_code == 302


def test_a_success_clears_the_count(client):
    user = ExpertFactory().user
    for _attempt in range(19):
        _login(client, "/desk/connexion/", user.username, "wrong")
    assert _login(client, "/desk/connexion/", user.username, PASSWORD).status_code == 302
    client.logout()
    _login(client, "/desk/connexion/", user.username, "wrong")
    assert _login(client, "/desk/connexion/", user.username, PASSWORD).status_code == 302


def test_a_spoofed_forwarded_header_changes_nothing_without_a_trusted_proxy(client):
    user = ExpertFactory().user
    for attempt in range(20):
        _login(
            client,
            "/desk/connexion/",
            user.username,
            "x",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
    response = _login(
        client, "/desk/connexion/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert LOCKED in response.content.decode()


def test_behind_a_trusted_proxy_the_real_client_is_counted(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    user = ExpertFactory().user
    proxy = Client(REMOTE_ADDR="10.1.2.3")
    attacker = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"}  # 1.2.3.4 typed by the client
    for _attempt in range(20):
        _login(proxy, "/desk/connexion/", user.username, "x", **attacker)
    locked = _login(proxy, "/desk/connexion/", user.username, PASSWORD, **attacker)
    assert LOCKED in locked.content.decode()
    from ops.models import LoginFailure

    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    # Another client behind the same proxy keeps its own budget.
    honest = _login(
        proxy, "/desk/connexion/", user.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert honest.status_code == 302


def test_the_sanctuaire_link_limit_counts_the_client_behind_the_proxy(settings, client):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for number in range(10):
        response = proxy.post(
            "/sanctuaire/connexion/",
            {"email": f"c{number}@example.com"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
        assert response.status_code == 302
    assert (
        proxy.post(
            "/sanctuaire/connexion/", {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR="203.0.113.5"
        ).status_code
        == 429
    )
    other = proxy.post(
        "/sanctuaire/connexion/", {"email": "y@example.com"}, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("url", "status"), [("/desk/connexion/", 400), ("/admin/login/", 200)], ids=["desk", "admin"]
)
def test_a_username_no_database_can_hold_is_refused_at_the_field(client, url, status):
    """A NUL byte: PostgreSQL refuses it in any query, so the throttle must never look it up."""
    response = _login(client, url, "lea\x00@example.com", "wrong")
    assert response.status_code == status
    assert "Le caractère nul n’est pas autorisé." in response.content.decode()
    assert not LoginFailure.objects.exists()
