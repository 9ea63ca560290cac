"""Who enters the desk: every desk URL for anonymous, client, inactive expert, admin, expert."""

import uuid

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def _desk_urls(order, photo) -> list[tuple[str, str]]:
    base = f"/desk/commande/{order.public_id}"
    return [
        ("get", "/desk/"),
        ("get", "/desk/validation/"),
        ("get", f"{base}/"),
        ("get", f"{base}/photos/{photo.public_id}/"),
        ("get", f"{base}/audio/"),
        ("get", f"{base}/pdf/"),
        ("get", f"{base}/mandala.svg"),
        ("post", f"{base}/prendre/"),
        ("post", f"{base}/rendre/"),
        ("post", f"{base}/contenu/"),
        ("post", f"{base}/generer/"),
        ("post", f"{base}/soumettre/"),
        ("post", f"{base}/valider/"),
        ("post", f"{base}/rejeter/"),
    ]


def _validation_url(url: str) -> bool:
    """The pages a validator needs: the validation queue, an order with its files, the verdict."""
    return url == "/desk/validation/" or (
        url.startswith("/desk/commande/")
        and not url.endswith(("/prendre/", "/rendre/", "/contenu/", "/generer/", "/soumettre/"))
    )


@pytest.fixture
def order_with_photo(paid_order):
    from django.core.files.base import ContentFile

    from orders.models import OrderPhoto

    photo = OrderPhoto(order=paid_order, content_type="image/png", size_bytes=8)
    photo.file.save("p.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return paid_order, photo


def test_anonymous_visitors_are_sent_to_the_login_page(client, order_with_photo):
    order, photo = order_with_photo
    for method, url in _desk_urls(order, photo):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/desk/connexion/?next="), url
    order.refresh_from_db()
    assert order.status == "paid"


@pytest.mark.parametrize("who", ["client", "inactive_expert", "admin", "inactive_user"])
def test_non_experts_get_a_french_403_on_every_desk_url(client, order_with_photo, who):
    order, photo = order_with_photo
    user = {
        "client": lambda: factories.UserFactory(),
        "inactive_expert": lambda: factories.ExpertFactory(is_active=False).user,
        "admin": lambda: factories.UserFactory(is_staff=True, is_superuser=True),
        # A user switched off by an admin: Django logs them out, so the login page answers.
        "inactive_user": lambda: factories.ExpertFactory(user__is_active=False).user,
    }[who]()
    client.force_login(user)
    for method, url in _desk_urls(order, photo):
        response = getattr(client, method)(url)
        if who == "inactive_user":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/desk/connexion/"), url
            continue
        if who == "admin" and _validation_url(url):
            # A superuser may give a reading its second look (SPEC §8.4), nothing more.
            assert response.status_code != 403, url
            continue
        assert response.status_code == 403, url
        assert "Accès réservé aux experts" in response.content.decode(), url
    order.refresh_from_db()
    assert order.status == "paid"
    assert not order.events.exists()


def test_an_active_expert_enters_every_desk_page(client, expert_user, order_with_photo):
    order, photo = order_with_photo
    client.force_login(expert_user)
    for url in ["/desk/", "/desk/validation/", f"/desk/commande/{order.public_id}/"]:
        assert client.get(url).status_code == 200, url
    photo_response = client.get(f"/desk/commande/{order.public_id}/photos/{photo.public_id}/")
    assert photo_response.status_code == 200
    assert photo_response["Content-Type"] == "image/png"
    assert photo_response["X-Content-Type-Options"] == "nosniff"


def test_an_admin_with_an_expert_profile_enters(client, order_with_photo):
    admin = factories.ExpertFactory(user__is_superuser=True).user
    client.force_login(admin)
    assert client.get("/desk/").status_code == 200


def test_unpaid_and_unknown_orders_are_not_on_the_desk(client, expert_user):
    pending = factories.OrderFactory()
    client.force_login(expert_user)
    assert client.get(f"/desk/commande/{pending.public_id}/").status_code == 404
    assert client.get(f"/desk/commande/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"/desk/commande/{pending.public_id}/prendre/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_photo_of_another_order_is_not_served(client, expert_user, order_with_photo):
    _order, photo = order_with_photo
    other = factories.OrderFactory(paid=True)
    client.force_login(expert_user)
    response = client.get(f"/desk/commande/{other.public_id}/photos/{photo.public_id}/")
    assert response.status_code == 404


def test_login_page_logs_an_expert_in_and_records_the_time(client, expert_user):
    page = client.get("/desk/connexion/")
    assert "Bureau des experts" in page.content.decode()
    response = client.post(
        "/desk/connexion/",
        {"username": expert_user.username, "password": "motdepasse-lumira"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    expert_user.expert.refresh_from_db()
    assert expert_user.expert.last_login_at is not None


def test_login_with_a_wrong_password_says_so_in_french(client, expert_user):
    response = client.post(
        "/desk/connexion/", {"username": expert_user.username, "password": "mauvais"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Adresse e-mail ou mot de passe incorrect." in body
    assert "nom d’utilisateur" not in body.replace("&#x27;", "’").replace("'", "’")


def test_logout_is_a_post_that_ends_the_session(client, expert_user):
    client.force_login(expert_user)
    response = client.post("/desk/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/connexion/"
    assert client.get("/desk/").status_code == 302


def test_the_desk_login_asks_for_the_email_address(client, expert_user):
    page = client.get("/desk/connexion/").content.decode()
    assert "Adresse e-mail" in page
    response = client.post(
        "/desk/connexion/",
        {"username": expert_user.username.upper(), "password": "motdepasse-lumira"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/desk/"


def test_a_just_paid_order_is_paid_a_l_instant(client, expert_user):
    from tests.factories import OrderFactory

    OrderFactory(ready=True)  # a card of the queue (the orders waiting for their form show a date)
    client.force_login(expert_user)
    page = client.get("/desk/").content.decode()
    assert "payée à l’instant" in page
    assert "0 minute" not in page
