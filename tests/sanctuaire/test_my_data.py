import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderPhoto
from sanctuaire import services
from sanctuaire.models import DeletionRequest
from tests.factories import OrderFactory, ReadingFactory
from tests.sanctuaire.helpers import image_bytes, make_client

pytestmark = pytest.mark.django_db

User = get_user_model()


def full_order(email: str = "lea@example.com", **fields) -> Order:
    order = OrderFactory(
        email=email,
        status=Order.Status.COMPLETED,
        paid_at=timezone.now(),
        offer_level=4,
        phone="+33 6 12 34 56 78",
        date_of_birth=datetime.date(1990, 5, 17),
        birth_place="Lyon",
        question="Quel chemin prendre ?",
        **fields,
    )
    reading = ReadingFactory(
        order=order,
        delivered_at=timezone.now(),
        texts={
            "reading": "Votre chemin s’éclaire.",
            "archetype": "L’Étoile",
            "mandala": "<svg></svg>",
        },
        review_notes="Relue.",
    )
    reading.audio.save("a.mp3", ContentFile(b"ID3"), save=False)
    reading.pdf.save("l.pdf", ContentFile(b"%PDF"), save=False)
    reading.save()
    photo = OrderPhoto(order=order, content_type="image/jpeg", size_bytes=10)
    photo.file.save("p.jpg", ContentFile(image_bytes()), save=True)
    OrderEvent.objects.create(order=order, from_status="pending", to_status="paid")
    return order


def test_the_client_downloads_everything_we_hold_as_json(client):
    order = full_order()
    client.force_login(make_client("lea@example.com"))
    response = client.get("/sanctuaire/mes-donnees/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "lea@example.com"
    assert data["account"]["date_of_birth"] == "1990-05-17"
    (exported,) = data["orders"]
    assert exported["number"] == order.number
    assert exported["amount_cents"] == order.price_cents
    assert exported["client"]["birth_place"] == "Lyon"
    assert exported["client"]["phone"] == "+33 6 12 34 56 78"
    assert exported["content"]["reading"] == "Votre chemin s’éclaire."
    assert (
        exported["content"]["mandala"] == '<svg xmlns="http://www.w3.org/2000/svg" />'
    )  # stored sanitised
    assert exported["files"] == {"audio": True, "pdf": True}
    assert exported["delivered_at"] == order.reading.delivered_at.isoformat()
    assert len(exported["photos"]) == 1
    assert exported["history"][0]["to"] == "paid"


def test_the_export_needs_a_login(client):
    response = client.get("/sanctuaire/mes-donnees/export.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/sanctuaire/connexion/")


def test_a_deletion_request_needs_a_confirmation_and_is_recorded_once(client):
    user = make_client("lea@example.com")
    client.force_login(user)
    response = client.post("/sanctuaire/mes-donnees/suppression/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["confirm"] == [
        "Cochez la case pour confirmer votre demande."
    ]
    assert not DeletionRequest.objects.exists()
    for _ in range(2):
        response = client.post("/sanctuaire/mes-donnees/suppression/", {"confirm": "on"})
        assert response["Location"] == "/sanctuaire/mes-donnees/"
    request = DeletionRequest.objects.get()
    assert (request.user, request.email, request.processed_at) == (user, "lea@example.com", None)
    assert "Votre demande du" in client.get("/sanctuaire/mes-donnees/").content.decode()


def test_the_admin_action_anonymises_the_client_and_keeps_the_accounting(
    client, admin_user, django_capture_on_commit_callbacks
):
    order = full_order(payment_intent_id="pi_keep_me")
    other = full_order(email="marc@example.com")
    user = make_client("lea@example.com")
    client.force_login(user)
    client.post("/sanctuaire/mes-donnees/suppression/", {"confirm": "on"})
    files = [order.reading.audio.name, order.reading.pdf.name, order.photos.get().file.name]
    accounting = (order.number, order.price_cents, order.status, order.paid_at, order.created_at)

    admin = client.__class__()
    admin.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/sanctuaire/deletionrequest/",
            {"action": "anonymise", "_selected_action": [DeletionRequest.objects.get().pk]},
            follow=True,
        )
    assert "1 client anonymisé." in response.content.decode()

    order.refresh_from_db()
    assert (order.number, order.price_cents, order.status, order.paid_at, order.created_at) == (
        accounting
    )
    assert order.payment_intent_id == "pi_keep_me"
    assert order.anonymised_at is not None
    assert order.email.endswith("@anonyme.invalid")
    for name in ["first_name", "last_name", "phone", "birth_place", "question"]:
        assert getattr(order, name) == "", name
    assert order.date_of_birth is None
    assert order.reading.texts == {}
    assert order.reading.review_notes == ""
    assert not order.reading.audio
    assert not order.reading.pdf
    assert order.reading.delivered_at is not None  # when it was delivered stays
    assert not order.photos.exists()
    for name in files:
        assert not default_storage.exists(name), name
    assert order.events.exists()  # the history of the accounting stays
    assert not User.objects.filter(pk=user.pk).exists()
    request = DeletionRequest.objects.get()
    assert request.processed_at is not None
    assert request.email == ""
    assert request.processed_by == admin_user

    # The client's session no longer opens anything, and the other client is untouched.
    assert client.get("/sanctuaire/").status_code == 302
    other.refresh_from_db()
    assert other.anonymised_at is None
    assert other.reading.text("reading") == "Votre chemin s’éclaire."
    assert default_storage.exists(other.reading.audio.name)


def test_the_order_admin_can_anonymise_a_client_directly(client, admin_user):
    order = full_order()
    second = OrderFactory(paid=True, email="LEA@example.com", first_name="Léa")
    client.force_login(admin_user)
    response = client.post(
        "/admin/orders/order/",
        {"action": "anonymise_client", "_selected_action": [order.pk]},
        follow=True,
    )
    assert "2 commandes anonymisées" in response.content.decode()
    second.refresh_from_db()
    assert second.first_name == ""
    assert second.anonymised_at is not None


def test_an_anonymised_client_cannot_ask_for_a_login_link(client, mailoutbox):
    full_order()
    services.anonymise_client("lea@example.com")
    response = client.post("/sanctuaire/connexion/", {"email": "lea@example.com"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_staff_accounts_are_never_deleted_by_anonymisation(admin_user):
    report = services.anonymise_client(admin_user.email)
    assert report.accounts == 0
    assert User.objects.filter(pk=admin_user.pk).exists()
