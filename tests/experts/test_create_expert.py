"""`manage.py create_expert`: an account that can enter the desk."""

import io

import pytest
from django.core.management import CommandError, call_command

from experts.management.commands.create_expert import create_expert
from experts.models import Expert
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_new_expert_can_log_in_to_the_desk(client):
    expert = create_expert(" Luna@Example.com ", name="Luna Sélène", password="clair-de-lune-42")
    assert (expert.email, expert.slug, expert.is_active) == (
        "luna@example.com",
        "luna-selene",
        True,
    )
    assert expert.user.username == "luna@example.com"
    assert client.login(username="luna@example.com", password="clair-de-lune-42")
    assert client.get("/desk/").status_code == 200


def test_an_existing_client_account_becomes_an_expert():
    user = factories.UserFactory(username="cam@example.com")
    expert = create_expert("cam@example.com", name="Cam", password="etoile-du-berger-7")
    assert expert.user == user


@pytest.mark.parametrize(
    ("email", "name", "password", "message"),
    [
        ("pas-une-adresse", "Nom", "mot-de-passe-solide-1", "Adresse e-mail invalide"),
        ("a@example.com", "  ", "mot-de-passe-solide-1", "Le nom de l’expert est obligatoire"),
        ("a@example.com", "Nom", "123", "Mot de passe refusé"),
    ],
)
def test_bad_input_is_a_clear_error(email, name, password, message):
    with pytest.raises(CommandError, match=message):
        create_expert(email, name=name, password=password)
    assert not Expert.objects.filter(name=name).exists()


def test_a_second_expert_with_the_same_email_is_refused():
    create_expert("dup@example.com", name="Un", password="mot-de-passe-solide-1")
    with pytest.raises(CommandError, match="existe déjà"):
        create_expert("dup@example.com", name="Deux", password="mot-de-passe-solide-1")


def test_slugs_stay_unique():
    first = create_expert("a1@example.com", name="Astrée", password="mot-de-passe-solide-1")
    second = create_expert("a2@example.com", name="Astrée", password="mot-de-passe-solide-1")
    assert (first.slug, second.slug) == ("astree", "astree-2")


def test_the_command_creates_and_reports():
    out = io.StringIO()
    call_command(
        "create_expert", "nova@example.com", "--name", "Nova", "--password", "pluie-d-etoiles-9",
        stdout=out,
    )  # fmt: skip
    assert "Expert « Nova » créé : nova@example.com" in out.getvalue()
    assert Expert.objects.get(email="nova@example.com").user.check_password("pluie-d-etoiles-9")


def test_without_a_password_and_no_terminal_the_command_says_what_to_do(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="passez --password"):
        call_command("create_expert", "nova@example.com", "--name", "Nova")
    assert not Expert.objects.filter(email="nova@example.com").exists()
