"""The status machine of SPEC §5: every allowed move, and the refusal of every other."""

import pytest

from orders import services
from orders.exceptions import ContentIncomplete, TransitionRefused
from orders.models import Order, OrderEvent
from tests.factories import ExpertFactory, OrderFactory

pytestmark = pytest.mark.django_db
S = Order.Status

ALLOWED = {
    (S.PENDING, S.PAID),
    (S.PENDING, S.FAILED),
    (S.FAILED, S.PAID),
    (S.PAID, S.PROCESSING),
    (S.PROCESSING, S.PAID),
    (S.PROCESSING, S.AWAITING_VALIDATION),
    (S.AWAITING_VALIDATION, S.PROCESSING),
    (S.AWAITING_VALIDATION, S.COMPLETED),
    (S.PAID, S.REFUNDED),
    (S.PROCESSING, S.REFUNDED),
    (S.AWAITING_VALIDATION, S.REFUNDED),
    (S.COMPLETED, S.REFUNDED),
}


def test_the_transition_table_is_exactly_the_specs():
    table = {(a, b) for a, targets in Order.TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_move_refuses_what_the_machine_does_not_allow(source, target):
    order = OrderFactory(status=source)
    if (source, target) in ALLOWED:
        services._move(order, target, note="test")
        assert Order.objects.get(pk=order.pk).status == target
        assert OrderEvent.objects.get(order=order).to_status == target
    else:
        with pytest.raises(TransitionRefused):
            services._move(order, target)
        assert Order.objects.get(pk=order.pk).status == source
        assert not OrderEvent.objects.filter(order=order).exists()


def test_a_stale_copy_loses_to_the_first_writer():
    order = OrderFactory(ready=True)
    stale = Order.objects.get(pk=order.pk)
    expert_a, expert_b = ExpertFactory(), ExpertFactory()
    services.claim(order, expert=expert_a, actor=expert_a.user)
    with pytest.raises(TransitionRefused) as refused:
        services.claim(stale, expert=expert_b, actor=expert_b.user)
    assert refused.value.stale
    assert "quelqu’un d’autre" in refused.value.message
    order.refresh_from_db()
    assert order.assigned_expert == expert_a
    assert order.events.count() == 1


def test_history_records_who_when_from_to_and_note():
    order = OrderFactory(ready=True)
    expert = ExpertFactory()
    services.claim(order, expert=expert, actor=expert.user)
    event = order.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("paid", "processing", expert.user)
    assert event.created_at is not None


def test_history_is_append_only():
    order = OrderFactory(paid=True)
    services.apply_refund(
        order, amount_cents=order.price_cents, note="Remboursement", source="test"
    )
    event = order.events.get()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_submission_needs_the_content_of_the_level():
    order = OrderFactory(
        status=S.PROCESSING,
        offer_level=3,
        reading__texts={"archetype": "Le Sage", "reading": "…", "ritual": "  "},
    )
    with pytest.raises(ContentIncomplete) as incomplete:
        services.submit_for_validation(order)
    assert [section.name for section in incomplete.value.missing] == [
        "ritual",
        "blockages_analysis",
        "audio",
    ]
    assert incomplete.value.labels == "rituel, analyse des blocages, audio"
    assert Order.objects.get(pk=order.pk).status == S.PROCESSING


def test_reject_counts_a_revision_and_keeps_the_reason():
    order = OrderFactory(status=S.AWAITING_VALIDATION)
    validator = ExpertFactory().user
    services.reject(order, validator=validator, reason="Le rituel manque de précision.")
    order.refresh_from_db()
    assert order.status == S.PROCESSING
    assert order.reading.revision_count == 1
    assert order.reading.rejection_reason == "Le rituel manque de précision."
    assert order.events.get().note == "Le rituel manque de précision."


def test_approve_delivers_and_queues_the_email_for_the_worker(mailoutbox, task_queue):
    from django_tasks_db.models import DBTaskResult

    order = OrderFactory(status=S.AWAITING_VALIDATION)
    validator = ExpertFactory().user
    services.approve(order, validator=validator)
    assert mailoutbox == []  # nothing leaves in the validator's request
    assert DBTaskResult.objects.get().task_path == "sanctuaire.tasks.send_delivery_email"
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    assert order.reading.delivered_at is not None
    assert order.reading.validated_by == validator
    task_queue()
    assert len(mailoutbox) == 1


def test_mark_paid_is_refused_for_a_refunded_order():
    order = OrderFactory(status=S.REFUNDED)
    assert services.mark_paid(order, source="test") is False
    assert Order.objects.get(pk=order.pk).status == S.REFUNDED


def test_order_numbers_are_unique_and_readable(offer):
    numbers = {services.create_order(offer, email=f"c{i}@example.com").number for i in range(30)}
    assert len(numbers) == 30
    assert all(n.startswith("LUM-") and len(n) == 18 for n in numbers)


def test_later_catalogue_edits_do_not_change_an_old_order(offer):
    order = services.create_order(offer, email="c@example.com")
    offer.price_cents = 9900
    offer.name = "Nouveau nom"
    offer.save()
    order.refresh_from_db()
    assert (order.price_cents, order.offer_name) == (4700, "Niveau Mystique")
