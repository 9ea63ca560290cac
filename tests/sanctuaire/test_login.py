import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone

from orders.models import Order
from sanctuaire import tokens
from sanctuaire.models import LoginToken
from tests.factories import ExpertFactory, OrderFactory, UserFactory
from tests.sanctuaire.helpers import link_in, make_client

pytestmark = pytest.mark.django_db

User = get_user_model()


def _ask(client, email: str, **extra):
    return client.post("/sanctuaire/connexion/", {"email": email}, **extra)


def _link(client, mailoutbox, email: str = "lea@example.com") -> str:
    _ask(client, email)
    return link_in(mailoutbox[-1], "/sanctuaire/connexion/")


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _unmasked(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_the_answer_is_the_same_for_known_and_unknown_emails(client, mailoutbox):
    OrderFactory(paid=True, email="lea@example.com")
    known = _ask(client, "lea@example.com")
    unknown = _ask(client, "personne@example.com")
    assert (known.status_code, known["Location"]) == (302, "/sanctuaire/connexion/envoye/")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    known_page, unknown_page = client.get(known["Location"]), client.get(unknown["Location"])
    # The same bytes but for the CSRF token of the language switch, masked afresh each time.
    assert _unmasked(known_page.content) == _unmasked(unknown_page.content)
    assert "Vérifiez vos e-mails" in known_page.content.decode()
    assert [message.to for message in mailoutbox] == [["lea@example.com"]]


def test_a_bad_email_gets_a_french_message(client, mailoutbox):
    response = _ask(client, "pas-une-adresse")
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Cette adresse e-mail n’est pas valide."]
    assert mailoutbox == []


def test_the_link_logs_in_once_and_links_every_order_of_that_email(client, mailoutbox):
    first = OrderFactory(
        paid=True, email="lea@example.com", date_of_birth=datetime.date(1990, 5, 17)
    )
    second = OrderFactory(email="LEA@example.com")  # bought later, capitals and all
    other = OrderFactory(paid=True, email="marc@example.com")
    link = _link(client, mailoutbox)
    assert LoginToken.objects.get().token_hash not in link  # only a hash is stored

    # A mail scanner's GETs do not spend the link.
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert not _logged_in(client)

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/sanctuaire/"
    user = User.objects.get(username="lea@example.com")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not user.has_usable_password()
    assert {o.pk for o in Order.objects.filter(user=user)} == {first.pk, second.pk}
    other.refresh_from_db()
    assert other.user is None
    page = client.get("/sanctuaire/").content.decode()
    assert first.number in page
    assert second.number in page
    assert other.number not in page

    again = client.__class__()
    response = again.post(link)
    assert response.status_code == 400
    assert "Ce lien a déjà servi" in response.content.decode()
    assert not _logged_in(again)
    assert again.get(link).status_code == 400


def test_an_expired_link_fails_with_a_clear_page(client, mailoutbox, time_machine):
    OrderFactory(paid=True, email="lea@example.com")
    link = _link(client, mailoutbox)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=31))
    response = client.post(link)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce lien a expiré" in body
    assert 'value="lea@example.com"' in body  # a new link is one click away
    assert not _logged_in(client)


def test_a_link_still_works_just_before_thirty_minutes(client, mailoutbox, time_machine):
    OrderFactory(paid=True, email="lea@example.com")
    link = _link(client, mailoutbox)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=29))
    assert client.post(link).status_code == 302
    assert _logged_in(client)


def test_a_tampered_link_fails(client, mailoutbox):
    OrderFactory(paid=True, email="lea@example.com")
    link = _link(client, mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    for bad in [f"/sanctuaire/connexion/{flipped}/", "/sanctuaire/connexion/n-importe-quoi/"]:
        response = client.post(bad)
        assert response.status_code == 400
        assert "Ce lien n’est pas valide" in response.content.decode()
    assert not _logged_in(client)
    assert client.post(link).status_code == 302  # the genuine link was not spent


def test_a_link_never_opens_another_email_account(client, mailoutbox):
    OrderFactory(paid=True, email="lea@example.com")
    marc_order = OrderFactory(paid=True, email="marc@example.com")
    link = _link(client, mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    payload = signing.loads(token, salt="sanctuaire.login")
    # Even a correctly signed token (a leaked key, say) fails when its email is not the
    # one the stored secret was issued for.
    forged = signing.dumps({**payload, "e": "marc@example.com"}, salt="sanctuaire.login")
    response = client.post(f"/sanctuaire/connexion/{forged}/")
    assert response.status_code == 400
    assert not _logged_in(client)
    assert not User.objects.filter(username="marc@example.com").exists()
    marc_order.refresh_from_db()
    assert marc_order.user is None


def test_login_requests_are_limited_per_email(client, mailoutbox, time_machine):
    OrderFactory(paid=True, email="lea@example.com")
    for _ in range(3):
        assert _ask(client, "lea@example.com").status_code == 302
    response = _ask(client, "lea@example.com")
    assert response.status_code == 429
    assert "Trop de demandes de lien" in response.content.decode()
    assert len(mailoutbox) == 3
    # The same refusal for an unknown email: the limit says nothing about who is a client.
    for _ in range(3):
        _ask(client, "personne@example.com", REMOTE_ADDR="10.0.0.9")
    assert _ask(client, "personne@example.com", REMOTE_ADDR="10.0.0.9").status_code == 429

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16))
    assert _ask(client, "lea@example.com").status_code == 302
    assert len(mailoutbox) == 4


def test_login_requests_are_limited_per_address(client, mailoutbox):
    for n in range(10):
        assert (
            _ask(client, f"visiteur{n}@example.com", REMOTE_ADDR="203.0.113.7").status_code == 302
        )
    OrderFactory(paid=True, email="lea@example.com")
    response = _ask(client, "lea@example.com", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert mailoutbox == []
    assert _ask(client, "lea@example.com", REMOTE_ADDR="198.51.100.1").status_code == 302
    assert len(mailoutbox) == 1


def test_staff_accounts_never_log_in_by_link(client, mailoutbox):
    expert = ExpertFactory(user=UserFactory(username="selene@example.com", is_staff=True))
    OrderFactory(paid=True, email=expert.user.email)  # an expert who bought a reading
    _ask(client, "selene@example.com")
    assert mailoutbox == []  # same answer page, no link

    token = tokens.issue("selene@example.com")
    response = client.post(f"/sanctuaire/connexion/{token}/")
    assert response.status_code == 403
    assert "mot de passe" in response.content.decode()
    assert not _logged_in(client)


def test_the_link_returns_to_the_page_that_asked_for_it(client, mailoutbox):
    order = OrderFactory(paid=True, email="lea@example.com")
    make_client("lea@example.com")
    target = f"/sanctuaire/commandes/{order.public_id}/"
    response = client.get("/sanctuaire/?x=1")
    assert response.status_code == 302
    assert response["Location"] == "/sanctuaire/connexion/?next=%2Fsanctuaire%2F%3Fx%3D1"
    client.post("/sanctuaire/connexion/", {"email": "lea@example.com", "next": target})
    link = link_in(mailoutbox[-1], "/sanctuaire/connexion/")
    assert client.post(link)["Location"] == target


def test_an_outside_next_is_ignored(client, mailoutbox):
    OrderFactory(paid=True, email="lea@example.com")
    make_client("lea@example.com")
    client.post(
        "/sanctuaire/connexion/", {"email": "lea@example.com", "next": "https://evil.example/"}
    )
    link = link_in(mailoutbox[-1], "/sanctuaire/connexion/")
    assert client.post(link)["Location"] == "/sanctuaire/"


def test_logout_ends_the_session(client):
    client.force_login(make_client())
    assert client.get("/sanctuaire/").status_code == 200
    assert client.get("/sanctuaire/deconnexion/").status_code == 405  # POST only
    response = client.post("/sanctuaire/deconnexion/")
    assert response["Location"] == "/sanctuaire/connexion/"
    assert client.get("/sanctuaire/").status_code == 302
