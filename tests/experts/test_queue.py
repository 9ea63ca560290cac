"""The queue page (SPEC §8.2) and the validation queue (§8.4)."""

import re
from datetime import timedelta

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


def test_queue_lists_paid_orders_oldest_first_with_their_details(client, expert_user):
    now = timezone.now()
    recent = factories.OrderFactory(
        paid=True, paid_at=now - timedelta(hours=1), first_name="Inès", offer_level=4
    )
    old = factories.OrderFactory(
        paid=True, paid_at=now - timedelta(days=2), first_name="Hugo", question="Mon travail ?"
    )
    factories.OrderFactory(first_name="Pendante")  # not paid: not work yet
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    assert body.index(old.number) < body.index(recent.number)
    assert "Hugo" in body
    assert "Mon travail ?" in body
    assert "47,00" in body
    assert "149,00" in body
    assert "level-4" in body
    assert "payée il y a 2" in body
    assert "Pendante" not in body


def test_queue_filters_by_level(client, expert_user):
    level_one = factories.OrderFactory(paid=True, offer_level=1)
    level_three = factories.OrderFactory(paid=True, offer_level=3)
    client.force_login(expert_user)
    body = client.get("/desk/?level=3").content.decode()
    assert level_three.number in body
    assert level_one.number not in body
    # An unknown level shows everything rather than failing.
    assert level_one.number in client.get("/desk/?level=9").content.decode()


def test_queue_is_paginated(client, expert_user):
    start = timezone.now() - timedelta(days=1)
    orders = [
        factories.OrderFactory(paid=True, paid_at=start + timedelta(minutes=n)) for n in range(25)
    ]
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
        "processing": 2,
        "awaiting_validation": 0,
        "completed": 2,
    }
    assert stats["average_delivery"] == "3 h 00 min"
    assert "3 h 00 min" in body


def _queue_queries(client, count: int, expert_user) -> int:
    Order.objects.all().delete()
    factories.OrderFactory(status=Order.Status.PROCESSING, assigned_expert=expert_user.expert)
    # Each order names the expert its client chose: the page shows it without a query per row.
    factories.OrderFactory.create_batch(count, paid=True, expert=factories.ExpertFactory())
    cache.clear()  # the figures at the top are cached: count their queries too
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
        first = client.get("/desk/").context["stats"]["counts"][0]["count"]
    with _process("second"):
        services.mark_paid(pending, source="stripe", payment_status="succeeded")
        assert client.get("/desk/").context["stats"]["counts"][0]["count"] == 1
    with _process("first"):
        again = client.get("/desk/").context["stats"]["counts"][0]["count"]
    assert (first, again) == (0, 1)


def test_queue_runs_the_same_number_of_queries_for_5_and_50_orders(client, expert_user):
    client.force_login(expert_user)
    few = _queue_queries(client, 5, expert_user)
    many = _queue_queries(client, 50, expert_user)
    assert few == many
    assert few <= 8


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


# --- The cached columns -----------------------------------------------------------------------


def _order_queries(client, url: str = "/desk/") -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in context.captured_queries if 'FROM "orders_order"' in q["sql"]]


def test_a_second_view_of_the_queue_reads_no_order_rows(client, expert_user, paid_order):
    services.claim(factories.OrderFactory(paid=True), expert=expert_user.expert, actor=expert_user)
    factories.OrderFactory.create_batch(3, paid=True, expert=factories.ExpertFactory())
    client.force_login(expert_user)
    # The version, the figures, then the queue (count and page) and my orders.
    assert len(_order_queries(client)) == 5
    # Both columns and the figures come from the cache: only the version is read.
    assert len(_order_queries(client)) == 1


def test_the_queue_follows_a_claim_made_by_another_process(client, expert_user, other_expert_user):
    waiting = factories.OrderFactory(paid=True)
    client.force_login(expert_user)
    with _process("first"):
        assert waiting.number in client.get("/desk/").content.decode()
    with _process("second"):
        services.claim(waiting, expert=other_expert_user.expert, actor=other_expert_user)
    with _process("first"):
        body = client.get("/desk/").content.decode()
    assert f'Prendre la commande<span class="visually-hidden"> {waiting.number}' not in body
    assert "Aucune commande n’attend : la file est vide." in body


def test_the_queue_shows_every_change_on_the_next_view(client, expert_user, other_expert_user):
    first = factories.OrderFactory(paid=True, question="Ma maison ?")
    client.force_login(expert_user)
    assert first.number in client.get("/desk/").content.decode()

    # A new paid order, a question edited through the intake form, an order claimed elsewhere.
    second = factories.OrderFactory(paid=True)
    assert second.number in client.get("/desk/").content.decode()
    data = {name: getattr(first, name) for name in INTAKE_FIELDS} | {"question": "Mon chemin ?"}
    assert save_intake(first, data, [], [])
    body = client.get("/desk/").content.decode()
    assert "Mon chemin ?" in body
    assert "Ma maison ?" not in body
    services.claim(second, expert=other_expert_user.expert, actor=other_expert_user)
    body = client.get("/desk/").content.decode()
    assert f'Prendre la commande<span class="visually-hidden"> {second.number}' not in body
    assert "1 commande payée attend un expert" in body


def test_my_column_follows_my_claims_and_is_mine_alone(client, expert_user, other_expert_user):
    order = factories.OrderFactory(paid=True)
    client.force_login(expert_user)
    assert "Vous n’avez aucune commande en cours." in client.get("/desk/").content.decode()
    client.post(f"/desk/commande/{order.public_id}/prendre/")
    aside = client.get("/desk/").content.decode().split('id="mine-title"')[1]
    assert order.number in aside
    # Another expert with no orders of their own does not see mine (the cache key is per expert).
    client.force_login(other_expert_user)
    aside = client.get("/desk/").content.decode().split('id="mine-title"')[1]
    assert order.number not in aside


def test_each_claim_button_posts_to_its_own_order_under_one_csrf_token(client, expert_user):
    orders = factories.OrderFactory.create_batch(2, paid=True)
    client.force_login(expert_user)
    body = client.get("/desk/").content.decode()
    form = body[body.index('<form method="post" class="queue-form">') :]
    form = form[: form.index("</form>")]
    assert form.count('name="csrfmiddlewaretoken"') == 1
    for order in orders:
        assert f'formaction="/desk/commande/{order.public_id}/prendre/"' in form


def test_an_order_leaving_the_desk_leaves_the_queue(client, expert_user):
    """Refunded while waiting: the latest change is still the claim, but the count drops."""
    waiting = factories.OrderFactory(paid=True)
    claimed = factories.OrderFactory(paid=True)
    client.force_login(expert_user)
    client.post(f"/desk/commande/{claimed.public_id}/prendre/")
    assert waiting.number in client.get("/desk/").content.decode()
    Order.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(days=1))
    services.mark_refunded(waiting, source="admin")
    Order.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(days=1))
    body = client.get("/desk/").content.decode()
    assert waiting.number not in body
    assert claimed.number in body.split('id="mine-title"')[1]


def test_the_desk_menu_marks_the_page_it_is_on(client, expert_user):
    client.force_login(expert_user)
    for url, label in {"/desk/": "File d’attente", "/desk/validation/": "Validation"}.items():
        page = client.get(url).content.decode()
        assert re.findall(r'aria-current="page">([^<]+)<', page) == [label]
