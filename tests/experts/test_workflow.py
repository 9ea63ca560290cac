"""The desk's status transitions, the ones it offers and the ones it refuses (SPEC §5, §8)."""

import pytest
from django.utils import timezone

from orders import services
from orders.models import Order, OrderEvent
from tests import factories
from tests.experts.conftest import fill_content
from tests.factories import text_of

pytestmark = pytest.mark.django_db


def _page(client, order) -> str:
    return client.get(f"/desk/commande/{order.public_id}/").content.decode()


def test_claim_assigns_the_order_to_me_and_moves_it_to_processing(client, expert_user, paid_order):
    client.force_login(expert_user)
    response = client.post(f"/desk/commande/{paid_order.public_id}/prendre/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/commande/{paid_order.public_id}/"
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PROCESSING
    assert paid_order.assigned_expert == expert_user.expert
    event = paid_order.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("paid", "processing", expert_user)
    assert "Enregistrer et soumettre" in _page(client, paid_order)


def test_second_expert_cannot_claim_a_taken_order(client, other_expert_user, processing_order):
    client.force_login(other_expert_user)
    response = client.post(f"/desk/commande/{processing_order.public_id}/prendre/", follow=True)
    assert "Cette commande vient d’être prise par un autre expert." in response.content.decode()
    processing_order.refresh_from_db()
    assert processing_order.assigned_expert.user == processing_order.events.get().actor
    assert processing_order.events.count() == 1


def test_a_completed_order_cannot_be_claimed(client, expert_user):
    order = factories.OrderFactory(paid=True, status=Order.Status.COMPLETED)
    client.force_login(expert_user)
    response = client.post(f"/desk/commande/{order.public_id}/prendre/", follow=True)
    assert "Cette action n’est pas possible pour une commande dans cet état." in (
        response.content.decode()
    )
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.assigned_expert is None


def test_return_to_queue_unassigns_the_order(client, expert_user, processing_order):
    client.force_login(expert_user)
    response = client.post(f"/desk/commande/{processing_order.public_id}/rendre/")
    assert response["Location"] == "/desk/"
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PAID
    assert processing_order.assigned_expert is None
    assert processing_order.events.last().to_status == Order.Status.PAID


def test_an_expert_who_gives_an_order_back_gets_no_email(
    client, expert_user, processing_order, mailoutbox
):
    client.force_login(expert_user)
    client.post(f"/desk/commande/{processing_order.public_id}/rendre/")
    assert mailoutbox == []


def test_only_the_assigned_expert_may_return_an_order(client, other_expert_user, processing_order):
    client.force_login(other_expert_user)
    response = client.post(f"/desk/commande/{processing_order.public_id}/rendre/", follow=True)
    assert "Seul l’expert qui a pris la commande" in response.content.decode()
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PROCESSING


def test_an_admin_takes_an_order_back_from_an_expert_who_cannot_finish_it(
    client, admin_user, expert_user, other_expert_user, processing_order, mailoutbox
):
    def take_back(*orders: Order) -> str:
        client.force_login(admin_user)
        selected = {"action": "return_to_queue", "_selected_action": [o.pk for o in orders]}
        return client.post("/admin/orders/order/", selected, follow=True).content.decode()

    client.force_login(expert_user)
    client.post(
        f"/desk/commande/{processing_order.public_id}/contenu/",
        {"archetype": "L’Étoile", "reading": "Début.", "action": "save"},
    )
    untouched = factories.OrderFactory(ready=True)
    assert "1 commande remise dans la file" in take_back(processing_order, untouched)
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PAID
    assert processing_order.assigned_expert is None
    event = processing_order.events.last()
    assert (event.from_status, event.to_status) == (Order.Status.PROCESSING, Order.Status.PAID)
    assert event.actor == admin_user
    assert event.note == f"Retirée à {expert_user.expert.name}"
    untouched.refresh_from_db()
    assert untouched.status == Order.Status.PAID
    assert untouched.events.count() == 0
    # The expert it was taken from hears of it, once.
    (message,) = mailoutbox
    assert message.to == [expert_user.expert.email]
    assert message.subject == f"Commande {processing_order.number} remise dans la file"
    assert "un autre expert la terminera" in message.body
    # Another expert takes it and finds what was written.
    client.force_login(other_expert_user)
    client.post(f"/desk/commande/{processing_order.public_id}/prendre/")
    processing_order.refresh_from_db()
    assert processing_order.assigned_expert == other_expert_user.expert
    assert text_of(processing_order, "reading") == "Début."
    # Nothing in preparation selected: said so.
    assert "Aucune commande en préparation dans la sélection." in take_back(untouched)


def test_saving_content_stores_the_sections_of_the_level(client, expert_user, processing_order):
    client.force_login(expert_user)
    response = client.post(
        f"/desk/commande/{processing_order.public_id}/contenu/",
        {
            "archetype": "L’Alchimiste",
            "reading": "Votre chemin s’ouvre.",
            "ritual": "Une bougie blanche.",
            # Level 2 does not deliver a soul profile: the field is not on its form.
            "soul_profile": "ignoré",
        },
    )
    assert response.status_code == 302
    processing_order.refresh_from_db()
    assert processing_order.reading.texts == {
        "archetype": "L’Alchimiste",
        "reading": "Votre chemin s’ouvre.",
        "ritual": "Une bougie blanche.",
    }
    assert processing_order.status == Order.Status.PROCESSING  # saving is not a status change
    page = _page(client, processing_order)
    assert "Contenu enregistré." in page
    assert "Analyse des blocages" not in page


def test_another_expert_cannot_write_content(client, other_expert_user, processing_order):
    client.force_login(other_expert_user)
    response = client.post(
        f"/desk/commande/{processing_order.public_id}/contenu/",
        {"archetype": "Intrus", "reading": "x"},
        follow=True,
    )
    assert "prise en charge par un autre expert" in response.content.decode()
    assert text_of(processing_order, "archetype") == ""


def test_submitting_empty_content_is_refused(client, expert_user, processing_order):
    client.force_login(expert_user)
    response = client.post(f"/desk/commande/{processing_order.public_id}/soumettre/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Pas encore soumis ; il reste à compléter : archétype, lecture, rituel." in page
    assert page.count("À compléter avant de soumettre.") == 3
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PROCESSING


def test_submitting_complete_content_sends_it_to_validation(client, expert_user, processing_order):
    fill_content(processing_order)
    client.force_login(expert_user)
    response = client.post(f"/desk/commande/{processing_order.public_id}/soumettre/")
    assert response["Location"] == "/desk/"
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.AWAITING_VALIDATION
    assert processing_order.number in client.get("/desk/validation/").content.decode()


def test_approving_a_processing_order_is_refused(client, other_expert_user, processing_order):
    fill_content(processing_order)
    client.force_login(other_expert_user)
    response = client.post(f"/desk/commande/{processing_order.public_id}/valider/", follow=True)
    assert "Cette action n’est pas possible" in response.content.decode()
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PROCESSING
    assert processing_order.reading.validated_by is None


def test_rejecting_without_a_reason_is_refused_at_the_field(
    client, expert_user, other_expert_user, processing_order
):
    fill_content(processing_order)
    services.submit_for_validation(processing_order, actor=expert_user)
    client.force_login(other_expert_user)
    response = client.post(f"/desk/commande/{processing_order.public_id}/rejeter/", {"reason": " "})
    assert response.status_code == 400
    assert "Indiquez le motif du rejet : l’expert le lira." in response.content.decode()
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.AWAITING_VALIDATION
    assert processing_order.reading.revision_count == 0


def test_approval_notes_too_long_are_refused_at_the_field_not_dropped(
    client, expert_user, other_expert_user, processing_order
):
    fill_content(processing_order)
    services.submit_for_validation(processing_order, actor=expert_user)
    client.force_login(other_expert_user)
    response = client.post(
        f"/desk/commande/{processing_order.public_id}/valider/", {"notes": "Très juste. " * 200}
    )
    assert response.status_code == 400
    assert "comporte au plus 2000 caractères" in response.content.decode()
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.AWAITING_VALIDATION


def test_the_rejection_reason_is_shown_to_the_expert(
    client, expert_user, other_expert_user, processing_order
):
    fill_content(processing_order)
    services.submit_for_validation(processing_order, actor=expert_user)
    client.force_login(other_expert_user)
    client.post(
        f"/desk/commande/{processing_order.public_id}/rejeter/",
        {"reason": "Le rituel est trop court."},
    )
    processing_order.refresh_from_db()
    assert processing_order.status == Order.Status.PROCESSING
    assert processing_order.reading.revision_count == 1
    event = processing_order.events.last()
    assert (event.actor, event.note) == (other_expert_user, "Le rituel est trop court.")
    client.force_login(expert_user)
    page = _page(client, processing_order)
    assert "Contenu renvoyé par la validation" in page
    assert "Le rituel est trop court." in page


def test_the_author_is_emailed_the_rejection_reason(
    client, expert_user, other_expert_user, processing_order, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    fill_content(processing_order)
    services.submit_for_validation(processing_order, actor=expert_user)
    client.force_login(other_expert_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/desk/commande/{processing_order.public_id}/rejeter/",
            {"reason": "Le rituel est trop court."},
        )
    (message,) = mailoutbox
    assert message.to == [expert_user.expert.email]
    assert processing_order.number in message.subject
    assert "Le rituel est trop court." in message.body
    assert f"/desk/commande/{processing_order.public_id}/" in message.body


def test_full_loop_from_paid_to_delivered(
    client, expert_user, other_expert_user, paid_order, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    url = f"/desk/commande/{paid_order.public_id}"
    client.force_login(expert_user)
    client.post(f"{url}/prendre/")
    client.post(
        f"{url}/contenu/",
        {"archetype": "L’Étoile", "reading": "Première version.", "ritual": "Bain de lune."},
    )
    client.post(f"{url}/soumettre/")
    client.force_login(other_expert_user)
    client.post(f"{url}/rejeter/", {"reason": "Développez la lecture."})
    client.force_login(expert_user)
    client.post(
        f"{url}/contenu/",
        {"archetype": "L’Étoile", "reading": "Version développée.", "ritual": "Bain de lune."},
    )
    client.post(f"{url}/soumettre/")
    client.force_login(other_expert_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/valider/", {"notes": "Très belle lecture."})
    assert response["Location"] == "/desk/validation/"

    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.COMPLETED
    assert paid_order.reading.text("reading") == "Version développée."
    assert paid_order.reading.revision_count == 1
    assert paid_order.reading.validated_by == other_expert_user
    assert paid_order.reading.delivered_at is not None
    assert [section.name for section in paid_order.unlocked_sections] == [
        "archetype",
        "reading",
        "ritual",
    ]
    steps = list(
        OrderEvent.objects.filter(order=paid_order).values_list("to_status", "actor__username")
    )
    assert steps == [
        ("processing", expert_user.username),
        ("awaiting_validation", expert_user.username),
        ("processing", other_expert_user.username),
        ("awaiting_validation", expert_user.username),
        ("completed", other_expert_user.username),
    ]
    # The author heard of the rejection, then the client of the delivery.
    assert [message.to for message in mailoutbox] == [
        [expert_user.expert.email],
        [paid_order.email],
    ]
    page = _page(client, paid_order)
    assert "dans le Sanctuaire du client" in page
    assert f"Validée par {other_expert_user.username}" in page
    assert "Version développée." in page


def test_the_history_reads_as_french_sentences(
    client, expert_user, other_expert_user, time_machine
):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    selene = expert_user.expert
    selene.name = "Séléné"
    selene.save()
    order = factories.OrderFactory(intake_submitted_at=timezone.now())
    services.mark_paid(order, source="demo")
    order.refresh_from_db()
    services.claim(order, expert=selene, actor=expert_user)
    fill_content(order)
    services.submit_for_validation(order, actor=expert_user)
    services.reject(order, validator=other_expert_user, reason="Développez le rituel.")
    client.force_login(expert_user)
    page = _page(client, order)
    history = page[page.index('id="history-title"') :]
    for sentence in [
        "Payée par carte (démo)",
        "Prise en charge par Séléné",
        "Envoyée en validation par Séléné",
        "Renvoyée en préparation par Orion",
        "Développez le rituel.",
    ]:
        assert sentence in history
    assert "→" not in history
    assert "1 décembre 2026, 11:00" in history  # Paris time, in French


def test_the_order_page_gives_the_birth_date_in_french(client, expert_user):
    import datetime

    order = factories.OrderFactory(
        ready=True, date_of_birth=datetime.date(1990, 5, 17), birth_time=datetime.time(8, 30)
    )
    client.force_login(expert_user)
    page = _page(client, order)
    assert "17 mai 1990" in page
    assert "08:30" in page
    assert "1990-05-17" not in page
