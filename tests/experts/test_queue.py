"""The queue page (SPEC §8.2) and the validation queue (§8.4)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.intake import INTAKE_FIELDS, save_intake
from orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def _ready(**fields) -> Order:
    return factories.OrderFactory(ready=True, **fields)


def test_queue_lists_ready_orders_due_soonest_first_with_their_details(client, expert_user):
    now = timezone.now()
    # Paid later but promised sooner (48 h at level 4 against 72 h at level 2): it comes first.
    level_four = _ready(paid_at=now - timedelta(hours=1), first_name="Inès", offer_level=4)
    level_two = _ready(
        paid_at=now - timedelta(hours=2), first_name="Hugo", question="Mon travail ?"
    )
    factories.OrderFactory(first_name="Pendante")  # not paid: not work yet
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    assert body.index(level_four.number) < body.index(level_two.number)
    assert "Hugo" in body
    assert "Mon travail ?" in body
    assert "47,00" in body
    assert "149,00" in body
    assert "level-4" in body
    assert "payée il y a 2" in body
    assert "reste 1 j 22 h" in body  # level 4: 48 h promised, paid an hour ago (46 h 59 min)
    assert "Pendante" not in body


def test_a_late_order_is_marked_and_counted(client, expert_user, time_machine):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    late = _ready(offer_level=3, paid_at=timezone.now() - timedelta(hours=50))
    on_time = _ready(offer_level=3, paid_at=timezone.now() - timedelta(hours=10))
    client.force_login(expert_user)
    response = client.get("/desk/")
    body = response.content.decode()
    late_card = body[body.index(late.number) - 2500 : body.index(late.number)]
    assert "is-late" in late_card
    assert "En retard" in late_card
    assert "en retard de 2 h 00 min" in body
    assert body.index(late.number) < body.index(on_time.number)
    counts = {item["status"]: item["count"] for item in response.context["stats"]["counts"]}
    assert counts["late"] == 1


def test_an_order_without_its_form_is_listed_apart_and_cannot_be_claimed(client, expert_user):
    waiting = factories.OrderFactory(paid=True, first_name="Sans-formulaire")
    ready = _ready()
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    ready_part, waiting_part = body.split('id="waiting-form-title"')
    assert ready.number in ready_part
    assert waiting.number not in ready_part
    assert waiting.number in waiting_part
    assert "1 commande attend le formulaire du client" in waiting_part
    assert f"/desk/commande/{waiting.public_id}/prendre/" not in body
    assert f"/desk/commande/{ready.public_id}/prendre/" in body

    # A forged POST is refused with a French message, and nothing moves.
    response = client.post(f"/desk/commande/{waiting.public_id}/prendre/", follow=True)
    assert "Le client n’a pas encore rempli son formulaire" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Order.Status.PAID
    assert waiting.assigned_expert is None
    assert not waiting.events.exists()


def test_the_claim_is_allowed_once_the_form_is_filled(client, expert_user):
    order = factories.OrderFactory(paid=True)
    data = {name: getattr(order, name) for name in INTAKE_FIELDS} | {"question": "Mon chemin ?"}
    assert save_intake(order, data, [], [])
    client.force_login(expert_user)
    client.post(f"/desk/commande/{order.public_id}/prendre/")
    order.refresh_from_db()
    assert order.status == Order.Status.PROCESSING
    assert order.assigned_expert == expert_user.expert


def test_queue_filters_by_level(client, expert_user):
    level_one = _ready(offer_level=1)
    level_three = _ready(offer_level=3)
    client.force_login(expert_user)
    body = client.get("/desk/?level=3").content.decode()
    assert level_three.number in body
    assert level_one.number not in body
    # An unknown level shows everything rather than failing.
    assert level_one.number in client.get("/desk/?level=9").content.decode()


def test_queue_is_paginated(client, expert_user):
    start = timezone.now() - timedelta(days=1)
    orders = [_ready(paid_at=start + timedelta(minutes=n)) for n in range(25)]
    client.force_login(expert_user)
    first = client.get("/desk/").content.decode()
    second = client.get("/desk/?page=2").content.decode()
    assert orders[0].number in first
    assert orders[24].number not in first
    assert orders[24].number in second
    assert "Page 2 sur 2" in second
    assert client.get("/desk/?page=abc").status_code == 200
    assert client.get("/desk/?page=%C2%B2").status_code == 200  # "²" passes str.isdigit()
    assert orders[24].number in client.get("/desk/?page=99999").content.decode()  # the last page


def test_my_orders_and_the_figures_sit_beside_the_queue(client, expert_user, other_expert_user):
    now = timezone.now()
    mine = factories.OrderFactory(
        status=Order.Status.PROCESSING, assigned_expert=expert_user.expert, paid_at=now
    )
    theirs = factories.OrderFactory(
        status=Order.Status.PROCESSING, assigned_expert=other_expert_user.expert, paid_at=now
    )
    _ready()
    factories.OrderFactory(paid=True)
    for hours in (2, 4):
        factories.OrderFactory(
            status=Order.Status.COMPLETED,
            paid_at=now - timedelta(hours=hours),
            reading__delivered_at=now,
        )
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    aside = body[body.index("Mes commandes") :]
    assert mine.number in aside
    assert theirs.number not in aside
    stats = client.get("/desk/").context["stats"]
    assert {item["status"]: item["count"] for item in stats["counts"]} == {
        "paid": 1,
        "awaiting_form": 1,
        "processing": 2,
        "awaiting_validation": 0,
        "late": 0,
    }
    assert stats["average_delivery"] == "3 h 00 min"
    assert "3 h 00 min" in body


def test_the_average_delivery_time_covers_the_last_thirty_days(client, expert_user):
    now = timezone.now()
    factories.OrderFactory(
        status=Order.Status.COMPLETED,
        paid_at=now - timedelta(hours=2),
        reading__delivered_at=now,
    )
    # Delivered 40 days ago in 5 days: out of the window, it would move the average to 2 j 13 h.
    factories.OrderFactory(
        status=Order.Status.COMPLETED,
        paid_at=now - timedelta(days=45),
        reading__delivered_at=now - timedelta(days=40),
    )
    client.force_login(expert_user)
    assert client.get("/desk/").context["stats"]["average_delivery"] == "2 h 00 min"


def test_the_counts_agree_with_the_lists_right_after_a_change(client, expert_user):
    client.force_login(expert_user)
    client.get("/desk/")
    order = _ready()
    response = client.get("/desk/")
    counts = {item["status"]: item["count"] for item in response.context["stats"]["counts"]}
    assert counts["paid"] == response.context["page"].paginator.count == 1
    client.post(f"/desk/commande/{order.public_id}/prendre/")
    response = client.get("/desk/")
    counts = {item["status"]: item["count"] for item in response.context["stats"]["counts"]}
    assert counts["paid"] == response.context["page"].paginator.count == 0
    assert counts["processing"] == 1


def _queue_queries(client, count: int, expert_user) -> int:
    Order.objects.all().delete()
    factories.OrderFactory(status=Order.Status.PROCESSING, assigned_expert=expert_user.expert)
    # Each order names the expert its client chose: the page shows it without a query per row.
    factories.OrderFactory.create_batch(count, ready=True, expert=factories.ExpertFactory())
    factories.OrderFactory.create_batch(count, paid=True, expert=factories.ExpertFactory())
    cache.clear()  # the delivery figures are cached for a minute: count their query too
    with CaptureQueriesContext(connection) as context:
        response = client.get("/desk/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)
    return len(context.captured_queries)


def _process(name: str):
    """One app server's own cache: LocMem caches with different locations share nothing."""
    backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
    return override_settings(CACHES={"default": backend})


def test_the_figures_follow_a_payment_made_by_another_process(client, expert_user):
    """Each gunicorn worker has its own cache: a figure cached by one must not outlive a
    change another one made."""
    client.force_login(expert_user)
    pending = factories.OrderFactory()
    with _process("first"):
        first = _counts(client)["awaiting_form"]
    with _process("second"):
        services.mark_paid(pending, source="stripe", payment_status="succeeded")
        assert _counts(client)["awaiting_form"] == 1
    with _process("first"):
        again = _counts(client)["awaiting_form"]
    assert (first, again) == (0, 1)


def _waiting_part(client, url: str = "/desk/") -> str:
    return client.get(url).content.decode().split('id="waiting-form-title"')[1]


def test_the_orders_waiting_for_their_form_follow_changes_made_by_another_process(
    client, expert_user
):
    """The list of orders waiting for their form is a cached fragment: an order paid, then
    its form filled, by another app server shows on this one's next view."""
    client.force_login(expert_user)
    pending = factories.OrderFactory(first_name="Prudence")
    with _process("first"):
        before = _waiting_part(client)
        filtered_before = _waiting_part(client, f"/desk/?level={pending.level}")
    with _process("second"):
        services.mark_paid(pending, source="stripe", payment_status="succeeded")
        _waiting_part(client)
    with _process("first"):
        paid = _waiting_part(client)
        filtered_paid = _waiting_part(client, f"/desk/?level={pending.level}")
    with _process("second"):
        pending.refresh_from_db()
        data = {name: getattr(pending, name) for name in INTAKE_FIELDS} | {"question": "Et moi ?"}
        assert save_intake(pending, data, [], [])
    with _process("first"):
        filled = _waiting_part(client)
    assert pending.number not in before
    assert pending.number not in filtered_before
    assert "0 commandes attendent le formulaire du client" in before
    assert pending.number in paid
    assert pending.number in filtered_paid
    assert "1 commande attend le formulaire du client" in paid
    assert f"/desk/commande/{pending.public_id}/" in paid
    assert pending.number not in filled
    assert "0 commandes attendent le formulaire du client" in filled


def test_an_order_waiting_for_its_form_shows_its_offer_and_dates(client, expert_user):
    paid_at = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)  # 9:15 in Paris
    waiting = factories.OrderFactory(paid=True, paid_at=paid_at, offer_level=2)  # 72 h promised
    client.force_login(expert_user)
    part = _waiting_part(client)
    assert waiting.number in part
    assert waiting.offer_name in part
    assert "payée le 30 novembre" in part
    assert "à livrer avant le 3 décembre" in part
    assert "level-2" in part


def _counts(client) -> dict[str, int]:
    stats = client.get("/desk/").context["stats"]
    return {item["status"]: item["count"] for item in stats["counts"]}


def test_queue_runs_the_same_number_of_queries_for_5_and_50_orders(client, expert_user):
    client.force_login(expert_user)
    few = _queue_queries(client, 5, expert_user)
    many = _queue_queries(client, 50, expert_user)
    assert few == many
    assert few <= 10


# --- The chosen expert (SPEC §8.2) -------------------------------------------------------------


def _chosen_order(chosen_user, **fields) -> Order:
    """Paid through the service, as a client who named this expert in the tunnel."""
    order = factories.OrderFactory(expert=chosen_user.expert, **fields)
    services.mark_paid(order, source="test")
    order.refresh_from_db()
    return order


def test_an_order_for_a_named_expert_is_theirs_for_24_hours(
    client, expert_user, other_expert_user, time_machine
):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    order = _chosen_order(other_expert_user, intake_submitted_at=timezone.now())
    assert order.reserved_until == timezone.now() + timedelta(hours=24)
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    assert f"réservée à {other_expert_user.expert.name} jusqu’au 2 décembre, 11:00" in body
    assert f"/desk/commande/{order.public_id}/prendre/" not in body
    response = client.post(f"/desk/commande/{order.public_id}/prendre/", follow=True)
    assert "réservée à l’expert choisi par le client" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    # The chosen expert may take it at once.
    client.force_login(other_expert_user)
    assert "réservée à vous" in client.get("/desk/").content.decode()

    # 24 h later, anyone may.
    time_machine.shift(timedelta(hours=24, seconds=1))
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    assert "réservée à" not in body
    client.post(f"/desk/commande/{order.public_id}/prendre/")
    order.refresh_from_db()
    assert order.assigned_expert == expert_user.expert


def test_the_chosen_expert_claims_a_reserved_order(client, other_expert_user):
    order = _chosen_order(other_expert_user, intake_submitted_at=timezone.now())
    client.force_login(other_expert_user)
    client.post(f"/desk/commande/{order.public_id}/prendre/")
    order.refresh_from_db()
    assert order.assigned_expert == other_expert_user.expert


@pytest.mark.parametrize("who", ["the chosen expert", "an admin"])
def test_an_order_given_up_within_its_reservation_is_anyones_to_take(
    client, expert_user, other_expert_user, admin_user, who
):
    order = _chosen_order(other_expert_user, intake_submitted_at=timezone.now())
    services.claim(order, expert=other_expert_user.expert, actor=other_expert_user)
    if who == "an admin":
        client.force_login(admin_user)
        client.post(
            "/admin/orders/order/", {"action": "return_to_queue", "_selected_action": [order.pk]}
        )
    else:
        client.force_login(other_expert_user)
        client.post(f"/desk/commande/{order.public_id}/rendre/")
    order.refresh_from_db()
    assert (order.status, order.reserved_until) == (Order.Status.PAID, None)
    # Still within the 24 hours, another expert takes it.
    client.force_login(expert_user)
    client.post(f"/desk/commande/{order.public_id}/prendre/")
    order.refresh_from_db()
    assert order.assigned_expert == expert_user.expert


def test_the_house_expert_reserves_nothing(db):
    house = factories.ExpertFactory(is_house=True, user=None)
    order = factories.OrderFactory(expert=house)
    services.mark_paid(order, source="test")
    order.refresh_from_db()
    assert order.reserved_until is None
    assert order.due_at == order.paid_at + timedelta(hours=72)


def test_the_chosen_expert_is_emailed_once_when_the_form_is_filled(
    other_expert_user, mailoutbox, django_capture_on_commit_callbacks
):
    order = _chosen_order(other_expert_user, first_name="Léa")
    mailoutbox.clear()  # the client's payment e-mail
    data = {name: getattr(order, name) for name in INTAKE_FIELDS} | {"question": "Mon chemin ?"}
    with django_capture_on_commit_callbacks(execute=True):
        assert save_intake(order, data, [], [])
    with django_capture_on_commit_callbacks(execute=True):
        assert save_intake(order, data | {"question": "Autre"}, [], [])  # an amendment
    (message,) = mailoutbox
    assert message.to == [other_expert_user.expert.email]
    assert order.number in message.subject
    assert "Léa vous a choisi" in message.body
    assert f"/desk/commande/{order.public_id}/" in message.body


def test_no_expert_email_for_an_order_nobody_reserved(
    mailoutbox, django_capture_on_commit_callbacks
):
    order = factories.OrderFactory(paid=True)
    data = {name: getattr(order, name) for name in INTAKE_FIELDS} | {"question": "Mon chemin ?"}
    with django_capture_on_commit_callbacks(execute=True):
        assert save_intake(order, data, [], [])
    assert mailoutbox == []


def test_validation_queue_lists_orders_awaiting_a_second_look(client, expert_user):
    waiting = factories.OrderFactory(
        status=Order.Status.AWAITING_VALIDATION,
        assigned_expert=expert_user.expert,
        reading__revision_count=2,
    )
    processing = factories.OrderFactory(status=Order.Status.PROCESSING)
    client.force_login(expert_user)
    body = client.get("/desk/validation/").content.decode()
    assert waiting.number in body
    assert expert_user.expert.name in body
    assert processing.number not in body


def test_validation_queue_runs_a_constant_number_of_queries(client, expert_user):
    client.force_login(expert_user)
    counts = []
    for total in (3, 30):
        Order.objects.all().delete()
        for _n in range(total):
            factories.OrderFactory(
                status=Order.Status.AWAITING_VALIDATION,
                assigned_expert=factories.ExpertFactory(),
            )
        cache.clear()  # count the cached figures' query every time
        with CaptureQueriesContext(connection) as context:
            client.get("/desk/validation/")
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


# --- One form, and what leaves the queue ---------------------------------------------------


def test_each_claim_button_posts_to_its_own_order_under_one_csrf_token(client, expert_user):
    orders = factories.OrderFactory.create_batch(2, ready=True)
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    form = body[body.index('<form method="post" class="queue-form">') :]
    form = form[: form.index("</form>")]
    assert form.count('name="csrfmiddlewaretoken"') == 1
    for order in orders:
        assert f'formaction="/desk/commande/{order.public_id}/prendre/"' in form


def test_an_order_leaving_the_desk_leaves_the_queue(client, expert_user):
    """Refunded while waiting: it leaves the queue on the next view."""
    waiting = factories.OrderFactory(ready=True)
    claimed = factories.OrderFactory(ready=True)
    client.force_login(expert_user)
    client.post(f"/desk/commande/{claimed.public_id}/prendre/")
    assert waiting.number in client.get("/desk/").content.decode()
    Order.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(days=1))
    services.apply_refund(
        waiting, amount_cents=waiting.price_cents, note="Remboursement", source="admin"
    )
    Order.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(days=1))
    body = client.get("/desk/").content.decode()
    assert waiting.number not in body
    assert claimed.number in body.split('id="mine-title"')[1]


def test_the_desk_menu_marks_the_page_it_is_on(client, expert_user):
    client.force_login(expert_user)
    for url, label in {"/desk/": "File d’attente", "/desk/validation/": "Validation"}.items():
        page = client.get(url).content.decode()
        assert re.findall(r'aria-current="page">([^<]+)<', page) == [label]


def test_my_orders_follow_each_change_and_the_minute(client, expert_user, time_machine):
    """The aside is rendered once per content and minute: a write shows on the next view,
    and the time left counts down (then turns late) as minutes pass."""
    start = datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    order = factories.OrderFactory(
        status=Order.Status.PROCESSING,
        assigned_expert=expert_user.expert,
        paid_at=start,
        due_at=start + timedelta(minutes=3),
    )
    client.force_login(expert_user)

    def aside() -> str:
        body = client.get("/desk/").content.decode()
        return body[body.index('id="mine-title"') :]

    assert "reste 3 min" in aside()
    time_machine.move_to(start + timedelta(minutes=2), tick=False)
    assert "reste 1 min" in aside()
    order.status = Order.Status.AWAITING_VALIDATION
    order.save()
    assert "En validation" in aside()
    time_machine.move_to(start + timedelta(minutes=5), tick=False)
    late = aside()
    assert "en retard de 2 min" in late  # the exact time, not the minute's start
    assert "due-late" in late


def test_an_expert_reading_the_desk_in_english_sees_the_offers_in_english(client, expert_user):
    ready = factories.OrderFactory(ready=True, offer_level=2)
    waiting = factories.OrderFactory(paid=True, offer_level=3)
    assert (ready.offer_name, waiting.offer_name) == ("Niveau Mystique", "Niveau Profond")
    client.force_login(expert_user)
    client.cookies["django_language"] = "en"
    queue = client.get("/desk/").content.decode()
    order_page = client.get(f"/desk/commande/{ready.public_id}/").content.decode()
    awaiting = factories.OrderFactory(
        status=Order.Status.AWAITING_VALIDATION,
        offer_level=3,
        assigned_expert=factories.ExpertFactory(),
    )
    validation = client.get("/desk/validation/").content.decode()
    assert "Mystic Level · €" in queue  # the queue's card
    assert "Intuitive · level 2" in queue
    assert "Deep Level · €" in queue  # the orders still waiting for their form
    assert "Mystic Level · €" in order_page
    assert "Intuitive · level 2" in order_page
    assert f"{awaiting.number}</a></td>" in validation
    assert ">Alchemical<" in validation
    for page in (queue, order_page, validation):
        assert "Niveau Mystique" not in page
        assert "Niveau Profond" not in page
        assert "Alchimique" not in page
