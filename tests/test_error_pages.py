"""What a visitor sees when a page is missing, refused or broken: the site's own pages, in the
visitor's language, never Django's bare English ones."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import include, path

pytestmark = pytest.mark.django_db


def refused(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a forged header")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test/refuse/", refused),
    path("test/suspicious/", suspicious),
    path("test/broken/", broken),
    path("", include("lumira.urls")),
]


def test_a_missing_page_is_the_sites_own_in_the_visitors_language(client):
    response = client.get("/nulle-part/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page introuvable · Oracle Lumira</title>" in page
    assert 'href="/"' in page  # back to the landing
    assert "Not Found" not in page
    client.cookies["django_language"] = "en"
    english = client.get("/nulle-part/").content.decode()
    assert "<title>Page not found · Oracle Lumira</title>" in english


@override_settings(ROOT_URLCONF=__name__)
def test_refused_bad_and_broken_requests_get_french_pages():
    client = Client(raise_request_exception=False)
    for url, status, title in (
        ("/test/refuse/", 403, "Accès refusé"),
        ("/test/suspicious/", 400, "Requête incorrecte"),
        ("/test/broken/", 500, "Erreur du serveur"),
    ):
        response = client.get(url)
        assert response.status_code == status
        assert f"<title>{title} · Oracle Lumira</title>" in response.content.decode()


def test_an_unknown_api_address_answers_json(client):
    for url in ("/api/payments/nulle-part", "/api/generation/nulle-part", "/api/nulle-part"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"error": "Adresse inconnue de l’API.", "code": "NOT_FOUND"}


def test_a_form_sent_without_its_csrf_token_gets_a_page_saying_what_to_do():
    """A checkout left open overnight, or cookies refused: not Django's English 403."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/commande/", {"offer": "mystique", "email": "lea@example.com"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "<title>Page expirée · Oracle Lumira</title>" in page
    assert "rechargez-la et envoyez-la de nouveau" in page
    assert "CSRF verification failed" not in page
