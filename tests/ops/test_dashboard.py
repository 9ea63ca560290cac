"""The owner's view (SPEC §7): figures equal hand-computed ones; alerts once an hour."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from billing.models import Refund
from ops import dashboard
from orders.models import Order, OrderEvent
from tests.factories import ExpertFactory, OrderFactory
from tests.payments.conftest import intent_event

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _order(level, *, created, paid=None, intake=None, delivered=None, expert=None, status=None):
    order = OrderFactory(
        offer_level=level,
        status=status or ("completed" if delivered else "paid" if paid else "pending"),
        paid_at=paid,
        intake_submitted_at=intake,
        **({"reading__delivered_at": delivered} if delivered else {}),
        assigned_expert=expert,
    )
    # The promise runs from the payment (SPEC §4), as services.mark_paid stores it.
    due = paid + timedelta(hours=order.offer.delivery_hours) if paid else None
    Order.objects.filter(pk=order.pk).update(created_at=created, due_at=due)
    if paid:
        OrderEvent.objects.create(
            order=order, from_status="pending", to_status="paid", created_at=paid
        )
    return order


def _failure(order, code, when):
    OrderEvent.objects.create(
        order=order, from_status="pending", to_status="failed", note=code, created_at=when
    )


def _refund(order, cents, when):
    Refund.objects.create(
        order=order, amount_cents=cents, status="succeeded", succeeded_at=when, source="admin"
    )


@pytest.fixture
def seeded(time_machine):
    time_machine.move_to(at(4, 12), tick=False)
    one, two = ExpertFactory(name="Astrée"), ExpertFactory(name="Béryl")
    a = _order(
        2, created=at(1, 10), paid=at(1, 10), intake=at(1, 12), delivered=at(2, 10), expert=one
    )
    _order(1, created=at(1, 11), paid=at(2, 9), intake=at(2, 10), delivered=at(2, 21), expert=one)
    c = _order(3, created=at(2, 12), paid=at(2, 12))
    d = _order(2, created=at(3, 8), status="failed")
    _failure(d, "card_declined", at(3, 8))
    e = _order(2, created=at(3, 9), paid=at(3, 10), status="refunded")
    _failure(e, "insufficient_funds", at(3, 9))
    early = _order(1, created=at(30, 10, month=10), paid=at(1, 9))  # created before, paid within
    _order(
        2, created=at(31, 9, month=10), paid=at(31, 10, month=10), delivered=at(2, 10), expert=two
    )
    late = _order(
        4,
        created=at(1, 9, month=10),
        paid=at(1, 10, month=10),
        intake=at(1, 11, month=10),
        status="processing",
    )
    _refund(c, 1000, at(3, 15))
    _refund(e, 4700, at(3, 16))
    return {
        "a": a,
        "late": late,
        "early": early,
        "flagged": OrderFactory(payment_flag="x non appliqué"),
    }


def test_the_figures_equal_the_hand_computed_ones(seeded):
    figures = dashboard.build(date(2026, 11, 1), date(2026, 11, 3))
    assert (figures.total.gross, figures.total.refunded, figures.total.net) == (23100, 5700, 17400)
    assert [(day.day, m.gross, m.refunded, m.net) for day, m in figures.by_day] == [
        (1, 7600, 0, 7600),
        (2, 10800, 0, 10800),
        (3, 4700, 5700, -1000),
    ]
    assert {name: (m.gross, m.refunded) for name, m in figures.by_offer} == {
        "Niveau Mystique": (9400, 4700),
        "Niveau Initié": (5800, 0),
        "Niveau Profond": (7900, 1000),
    }
    assert [(s.count, s.rate_from_previous, s.rate_from_start) for s in figures.funnel] == [
        (5, None, None),
        (4, 0.8, 0.8),
        (2, 0.5, 0.4),
        (2, 1.0, 0.4),
    ]
    assert figures.failures == [("card_declined", 1), ("insufficient_funds", 1)]
    assert figures.failure_rate == 2 / 7
    assert [(level, t.count, t.median, t.p90) for level, t in figures.by_level] == [
        (1, 1, 12.0, 12.0),
        (2, 2, 36.0, 48.0),
    ]
    assert [(name, t.median, t.p90) for name, t in figures.by_expert] == [
        ("Astrée", 18.0, 24.0),
        ("Béryl", 48.0, 48.0),
    ]
    assert figures.backlog == {
        "waiting_intake": 2,  # c, and the order paid on the 1st
        "ready": 0,
        "processing": 1,
        "awaiting_validation": 0,
        "total": 3,
    }
    # Past their promise, which runs from the payment (SPEC §4), the most overdue first: the
    # level 4 paid in October (48 h), then the level 1 paid on the 1st at 9:00 (72 h), still
    # without its form this morning.
    assert figures.late == [seeded["late"], seeded["early"]]
    assert figures.flagged == [seeded["flagged"]]


def test_the_page_draws_its_charts_without_a_script(admin_client, client, seeded):
    url = "/admin/vue-d-ensemble/"
    assert client.get(url).status_code == 302  # staff only
    response = admin_client.get(url, {"start": "2026-11-01", "end": "2026-11-03"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body
    assert "231,00\u00a0€" in body
    assert "174,00\u00a0€" in body
    assert "80,0\u00a0%" in body
    assert "1\u00a0j 12\u00a0h" in body  # level 2 median: 36 h
    assert seeded["late"].number in body
    assert "<th>Expert</th>" in body
    assert "Astrée" in body
    assert "encaissés, 0,00\u00a0€ remboursés</title>" in body  # each day's bar, named
    english = admin_client.get(
        url, {"start": "2026-11-01", "end": "2026-11-03"}, headers={"accept-language": "en"}
    ).content.decode()
    assert re.search(r"<title>1 November: €[\d.,]+ collected, €[\d.,]+ refunded</title>", english)
    assert "€231.00" in english
    assert "80.0%" in english
    assert "1\u00a0d 12\u00a0h" in english
    assert "<td>Mystic Level</td>" in english  # the offers' names, taken as sold, translated
    assert "Niveau Mystique" not in english
    assert "<script" not in body.split('id="content-main"')[1]
    # A period without deliveries says so once, without an empty table of experts under it.
    quiet = admin_client.get(url, {"start": "2025-01-01", "end": "2025-01-31"}).content.decode()
    assert "Aucune livraison sur la période." in quiet
    assert "<th>Expert</th>" not in quiet
    assert url in admin_client.get("/admin/").content.decode()
    bad = admin_client.get(url, {"start": "2026-11-03", "end": "2026-11-01"})
    assert bad.status_code == 400
    assert "Le dernier jour précède le premier." in bad.content.decode()
    too_long = admin_client.get(url, {"start": "2024-11-01", "end": "2026-11-01"})
    assert too_long.status_code == 400
    assert "Une période d’un an au plus." in too_long.content.decode()


def test_a_burst_of_failures_alerts_once_an_hour(
    post_webhook, mailoutbox, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("Ops", "ops@example.com")]
    time_machine.move_to(at(4, 12, month=11) + timedelta(minutes=5), tick=False)

    def fail(n):
        order = OrderFactory()
        error = {"code": "card_declined", "decline_code": "generic_decline"}
        body = intent_event(
            order, "payment_intent.payment_failed", event_id=f"evt_f{n}", error=error
        )
        post_webhook(body)

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(9):
            post_webhook(intent_event(OrderFactory(), event_id=f"evt_ok{n}"))
        fail(1)  # 1 of 10: not over 10 %
        assert [m for m in mailoutbox if "[Alerte]" in m.subject] == []
        fail(2)  # 2 of 11
        fail(3)
        fail(4)
    alerts = [m for m in mailoutbox if "[Alerte]" in m.subject]
    assert len(alerts) == 1
    assert "échecs sur" in alerts[0].subject
    time_machine.shift(timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(9):
            post_webhook(intent_event(OrderFactory(), event_id=f"evt_ok_later{n}"))
        fail(5)
        fail(6)
    assert len([m for m in mailoutbox if "[Alerte]" in m.subject]) == 2


def test_late_orders_alert_once_an_hour(
    settings, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    from ops.jobs import run_checks

    settings.ADMINS = [("Ops", "ops@example.com")]
    time_machine.move_to(at(10, 12), tick=False)
    late = OrderFactory(paid=True, paid_at=at(5, 12), intake_submitted_at=at(5, 13))
    OrderFactory(paid=True, paid_at=at(9, 12), intake_submitted_at=at(9, 13))  # within its 72 h
    # No form yet, paid four days before its promise is due: late too (the promise runs from the
    # payment, SPEC §4), and the reminder job has asked the client for the form.
    forgotten = OrderFactory(paid=True, paid_at=at(1, 12))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_checks() == ["late_orders"]
        assert run_checks() == []
    [mail] = mailoutbox
    assert late.number in mail.body
    assert forgotten.number in mail.body
