"""'Mot de passe oublié ?' on the desk: Django's reset views, a French e-mail on the site's URL."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from experts.tasks import RESETS_PER_HOUR
from tests.sanctuaire.helpers import html_of, link_in

pytestmark = pytest.mark.django_db


def test_the_login_page_offers_a_reset(client):
    assert 'href="/desk/mot-de-passe/"' in client.get("/desk/connexion/").content.decode()


@override_settings(SITE_URL="http://127.0.0.1:8123")
def test_an_expert_resets_the_password_from_the_emailed_link(client, expert_user, mailoutbox):
    response = client.post("/desk/mot-de-passe/", {"email": expert_user.email})
    assert response["Location"] == "/desk/mot-de-passe/envoye/"
    assert "Regardez vos e-mails" in client.get(response["Location"]).content.decode()
    (message,) = mailoutbox
    assert message.subject == "Votre nouveau mot de passe Oracle Lumira"
    assert "http://127.0.0.1:8123/desk/mot-de-passe/" in message.body  # the port we run on
    assert "Choisir un nouveau mot de passe" in html_of(message)
    link = link_in(message, "/desk/mot-de-passe/")
    form_page = client.get(link, follow=True)
    assert "Nouveau mot de passe" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "lune-nouvelle-2031", "new_password2": "lune-nouvelle-2031"},
    )
    assert response["Location"] == "/desk/mot-de-passe/fait/"
    client.logout()
    response = client.post(
        "/desk/connexion/", {"username": expert_user.email, "password": "lune-nouvelle-2031"}
    )
    assert response.status_code == 302


@override_settings(SITE_URL="http://127.0.0.1:8123")
def test_a_reset_asked_in_english_is_written_in_english(client, expert_user, mailoutbox):
    client.cookies["django_language"] = "en"
    client.post("/desk/mot-de-passe/", {"email": expert_user.email})
    (message,) = mailoutbox
    assert message.subject == "Your new Oracle Lumira password"
    assert "Bonjour" not in message.body


def test_an_address_gets_at_most_three_reset_emails_an_hour(
    client, expert_user, mailoutbox, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    for _attempt in range(5):
        response = client.post("/desk/mot-de-passe/", {"email": expert_user.email.upper()})
        assert response["Location"] == "/desk/mot-de-passe/envoye/"  # the page says the same
    assert len(mailoutbox) == RESETS_PER_HOUR == 3
    time_machine.shift(timedelta(minutes=61))
    client.post("/desk/mot-de-passe/", {"email": expert_user.email})
    assert len(mailoutbox) == 4


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox):
    response = client.post("/desk/mot-de-passe/", {"email": "personne@example.com"})
    assert response["Location"] == "/desk/mot-de-passe/envoye/"
    assert mailoutbox == []


def test_a_used_link_says_so(client):
    page = client.get("/desk/mot-de-passe/MQ/invalide-token/").content.decode()
    assert "Ce lien a déjà servi ou a expiré." in page


def test_an_empty_login_asks_for_the_email_address(client):
    response = client.post("/desk/connexion/", {"username": "", "password": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Indiquez l’adresse e-mail de votre compte d’expert." in body.replace("&#x27;", "’")


def test_refused_reset_forms_answer_400_with_the_message_at_the_field(client, expert_user):
    response = client.post("/desk/mot-de-passe/", {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert "Cette adresse e-mail n’est pas valide." in response.content.decode()

    client.post("/desk/mot-de-passe/", {"email": expert_user.email})
    form_page = client.get(link_in(mail.outbox[-1], "/desk/mot-de-passe/"), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "lune-nouvelle-2031", "new_password2": "lune-pleine-2031"},
    )
    assert response.status_code == 400
    assert "Les deux mots de passe ne correspondent pas." in response.content.decode()
    expert_user.refresh_from_db()
    assert expert_user.check_password("motdepasse-lumira")  # unchanged


def test_a_new_password_sent_through_a_used_link_is_refused(client, expert_user):
    response = client.post(
        "/desk/mot-de-passe/MQ/invalide-token/",
        {"new_password1": "lune-nouvelle-2031", "new_password2": "lune-nouvelle-2031"},
    )
    assert response.status_code == 400
    assert "Ce lien a déjà servi ou a expiré." in response.content.decode()
    expert_user.refresh_from_db()
    assert expert_user.check_password("motdepasse-lumira")
