import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.models import Order, OrderPhoto
from sanctuaire import services as sanctuaire_services
from tests.factories import ExpertFactory, OrderFactory, ReadingFactory, UserFactory
from tests.sanctuaire.helpers import image_bytes, make_client

pytestmark = pytest.mark.django_db

MANDALA = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<script>alert("mandala")</script><circle cx="5" cy="5" r="4" onload="alert(1)" fill="gold"/>'
    "</svg>"
)


def delivered(level: int, **fields) -> Order:
    order = OrderFactory(
        offer_level=level, status=Order.Status.COMPLETED, paid_at=timezone.now(), **fields
    )
    reading = ReadingFactory(
        order=order,
        delivered_at=timezone.now(),
        texts={
            "archetype": "L’Étoile",
            "reading": "Votre chemin s’éclaire.",
            "ritual": "Allumez une bougie blanche.",
            "blockages_analysis": "Une peur ancienne du manque.",
            "soul_profile": "Une âme de passeuse.",
            "mandala": MANDALA,
        },
    )
    reading.audio.save("voix.mp3", ContentFile(b"ID3 fake mp3"), save=False)
    reading.pdf.save("lecture.pdf", ContentFile(b"%PDF-1.4 fake"), save=False)
    reading.save()
    return order


def sections_on(page: str) -> set[str]:
    return set(re.findall(r'id="section-([a-z_]+)"', page))


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get("/sanctuaire/")
    assert response.status_code == 302
    assert response["Location"] == "/sanctuaire/connexion/?next=%2Fsanctuaire%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Recevoir mon lien de connexion" in page.content.decode()


def test_the_profile_comes_first_and_explains_each_error(client):
    client.force_login(make_client(complete=False))
    response = client.get("/sanctuaire/")
    assert response["Location"] == "/sanctuaire/profil/?next=%2Fsanctuaire%2F"
    response = client.post(
        "/sanctuaire/profil/", {"first_name": " ", "last_name": "", "date_of_birth": "2999-01-01"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Indiquez votre prénom."]
    assert errors["last_name"] == ["Indiquez votre nom."]
    assert errors["date_of_birth"] == ["La date de naissance ne peut pas être dans le futur."]
    response = client.post(
        "/sanctuaire/profil/",
        {"first_name": "Léa", "last_name": "Martin", "date_of_birth": "1990-05-17"},
    )
    assert response["Location"] == "/sanctuaire/"
    assert client.get("/sanctuaire/").status_code == 200


def test_the_dashboard_lists_every_order_of_the_client_with_its_timeline(client):
    mine = [
        OrderFactory(paid=True, email="lea@example.com"),
        delivered(1, email="lea@example.com"),
    ]
    theirs = OrderFactory(paid=True, email="marc@example.com")
    client.force_login(make_client("lea@example.com"))
    page = client.get("/sanctuaire/").content.decode()
    for order in mine:
        assert order.number in page
    assert theirs.number not in page
    assert page.count('class="timeline"') == 2
    assert "Remplir mon formulaire" in page
    assert "Lire ma lecture" in page


EXPECTED_SECTIONS = {
    1: {"reading", "archetype"},
    2: {"reading", "archetype", "ritual"},
    3: {"reading", "archetype", "ritual", "blockages_analysis", "audio"},
    4: {
        "reading",
        "archetype",
        "ritual",
        "blockages_analysis",
        "audio",
        "soul_profile",
        "mandala",
        "pdf",
    },
}
SECTION_TEXT = {
    "ritual": "Allumez une bougie blanche.",
    "blockages_analysis": "Une peur ancienne du manque.",
    "soul_profile": "Une âme de passeuse.",
}


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_a_delivered_order_shows_exactly_the_sections_of_its_level(client, level):
    order = delivered(level, email="lea@example.com")
    client.force_login(make_client("lea@example.com"))
    page = client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    assert sections_on(page) == EXPECTED_SECTIONS[level]
    assert "Votre chemin s’éclaire." in page
    for section, text in SECTION_TEXT.items():
        assert (text in page) == (section in EXPECTED_SECTIONS[level])
    for name, path in [("audio", "audio/"), ("mandala", "mandala.svg"), ("pdf", "pdf/")]:
        url = f"/sanctuaire/commandes/{order.public_id}/{path}"
        assert (url in page) == (name in EXPECTED_SECTIONS[level])
        expected = 200 if name in EXPECTED_SECTIONS[level] else 404
        assert client.get(url).status_code == expected


@pytest.mark.parametrize(
    "status", [Order.Status.PAID, Order.Status.PROCESSING, Order.Status.AWAITING_VALIDATION]
)
def test_nothing_is_shown_before_delivery(client, status):
    order = delivered(4, email="lea@example.com")
    Order.objects.filter(pk=order.pk).update(status=status)
    client.force_login(make_client("lea@example.com"))
    page = client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    assert sections_on(page) == set()
    assert "Votre chemin s’éclaire." not in page
    assert client.get(f"/sanctuaire/commandes/{order.public_id}/pdf/").status_code == 404


def test_files_are_served_with_safe_headers(client):
    order = delivered(4, email="lea@example.com")
    client.force_login(make_client("lea@example.com"))
    audio = client.get(f"/sanctuaire/commandes/{order.public_id}/audio/")
    assert audio["Content-Type"] == "audio/mpeg"
    assert b"".join(audio.streaming_content) == b"ID3 fake mp3"
    pdf = client.get(f"/sanctuaire/commandes/{order.public_id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf["Cache-Control"] == "private, no-store"


def test_the_mandala_is_an_image_that_cannot_run_script(client):
    order = delivered(4, email="lea@example.com")
    client.force_login(make_client("lea@example.com"))
    page = client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    assert f'<img class="mandala" src="/sanctuaire/commandes/{order.public_id}/mandala.svg"' in page
    assert "<svg" not in page  # never inlined into the page
    response = client.get(f"/sanctuaire/commandes/{order.public_id}/mandala.svg")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert (
        response["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "<circle" in body
    assert "script" not in body
    assert "onload" not in body


def test_client_a_gets_404_on_every_page_and_file_of_client_b(client):
    theirs = delivered(4, email="marc@example.com")
    photo = OrderPhoto(order=theirs, content_type="image/jpeg", size_bytes=1)
    photo.file.save("p.jpg", ContentFile(image_bytes()), save=True)
    client.force_login(make_client("lea@example.com"))
    base = f"/sanctuaire/commandes/{theirs.public_id}/"
    for url in [
        base,
        base + "audio/",
        base + "pdf/",
        base + "mandala.svg",
        f"/sanctuaire/photos/{photo.public_id}/",
        f"/commande/{theirs.public_id}/formulaire/",
    ]:
        assert client.get(url).status_code == 404, url
    export = client.get("/sanctuaire/mes-donnees/export.json").content.decode()
    assert theirs.number not in export
    assert "marc@example.com" not in export


def test_an_order_linked_to_the_account_is_shown_even_under_another_email(client):
    user = make_client("lea@example.com")
    order = delivered(1, email="lea.pro@example.com", user=user)
    client.force_login(user)
    assert client.get(f"/sanctuaire/commandes/{order.public_id}/").status_code == 200


def test_an_order_card_changes_with_its_order(client):
    order = OrderFactory(ready=True, email="lea@example.com")
    client.force_login(make_client("lea@example.com"))
    assert "Modifier mon formulaire" in client.get("/sanctuaire/").content.decode()
    expert = ExpertFactory()
    services.claim(order, expert=expert, actor=expert.user)
    page = client.get("/sanctuaire/").content.decode()
    assert "Modifier mon formulaire" not in page
    assert "En cours" in page or "Lecture en préparation" in page
    assert 'class="current" aria-current="step">\n    Lecture en préparation' in page


@pytest.mark.parametrize("email", ["lea@example.com", ""])
def test_the_client_sees_exactly_their_orders(client, email):
    """Linked to the account, or bought under its e-mail; never someone else's nor erased."""
    user = make_client("lea@example.com")
    get_user_model().objects.filter(pk=user.pk).update(email=email)
    linked = OrderFactory(paid=True, email="lea.pro@example.com", user=user)
    by_email = OrderFactory(paid=True, email="lea@example.com")
    someone_else = OrderFactory(paid=True, email="marc@example.com")
    no_email = OrderFactory(paid=True)
    Order.objects.filter(pk=no_email.pk).update(email="")
    erased = OrderFactory(paid=True, email="lea@example.com", anonymised_at=timezone.now())
    client.force_login(user)
    page = client.get("/sanctuaire/").content.decode()
    assert linked.number in page
    assert (by_email.number in page) == bool(email)
    for order in (someone_else, no_email, erased):
        assert order.number not in page


def test_the_dashboard_reads_the_orders_in_one_query(client):
    OrderFactory.create_batch(3, paid=True, email="lea@example.com")
    client.force_login(make_client("lea@example.com"))
    client.get("/sanctuaire/")
    with CaptureQueriesContext(connection) as context:
        page = client.get("/sanctuaire/").content.decode()
    # The session, the user with their profile, the orders: nothing per order.
    assert len(context.captured_queries) == 3
    assert page.count('class="timeline"') == 3


def test_each_page_marks_its_own_link_and_carries_its_visitor_token(client):
    client.force_login(make_client("lea@example.com"))
    pages = {"/sanctuaire/": "Mes commandes", "/sanctuaire/profil/": "Mon profil"}
    pages["/sanctuaire/mes-donnees/"] = "Mes données"
    tokens = set()
    for url, label in pages.items():
        page = client.get(url).content.decode()
        menu = page[
            page.index('class="client-nav"') : page.index("</nav>", page.index("client-nav"))
        ]
        assert re.findall(r'aria-current="page">([^<]+)<', menu) == [label]
        tokens.update(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', menu))
    assert len(tokens) == 3  # each response masks the token afresh


def test_the_dashboard_version_reads_the_same_orders_as_client_orders():
    """The literal version query and the ORM's client_orders name the same orders, in order."""
    client = UserFactory(email="lune@example.com")
    other = UserFactory(email="soleil@example.com")
    linked = OrderFactory(user=client, email="autre@example.com")
    by_email = OrderFactory(email="lune@example.com")
    OrderFactory(email="lune@example.com", user=other)  # another account's
    OrderFactory(email="lune@example.com", anonymised_at=timezone.now())
    OrderFactory(email="soleil@example.com")
    expected = list(sanctuaire_services.client_orders(client).values_list("public_id", flat=True))
    assert set(expected) == {linked.public_id, by_email.public_id}
    version = sanctuaire_services.client_orders_version(client)
    assert [uuid.UUID(str(public_id)) for public_id, _changed in version] == expected
    no_email = UserFactory(email="")
    mine = OrderFactory(user=no_email)
    OrderFactory(email="")
    assert [uuid.UUID(str(p)) for p, _c in sanctuaire_services.client_orders_version(no_email)] == [
        mine.public_id
    ]
