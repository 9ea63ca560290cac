"""Retries, failures shown to admins, tasks whose worker died, and the login link's timing."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from operations.queue import queue_health, requeue_stale_tasks
from operations.tasks import retry_delay
from orders.models import EmailFailure, Order
from payments.models import DemoIntent
from sanctuaire import tasks
from sanctuaire.tasks import EMAIL_RETRIES
from tests.factories import ExpertFactory, OrderFactory
from tests.operations.backends import FlakyBackend, HalfSecondBackend
from tests.orders.test_tunnel import _pay, _start

pytestmark = pytest.mark.django_db


def test_email_is_tried_at_least_five_times_over_about_an_hour():
    waits = [
        retry_delay(EMAIL_RETRIES["first_delay"], n) for n in range(1, EMAIL_RETRIES["attempts"])
    ]
    assert EMAIL_RETRIES["attempts"] >= 5
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert timedelta(minutes=50) <= sum(waits, timedelta()) <= timedelta(minutes=90)


def test_a_task_failing_every_attempt_ends_failed_listed_and_can_be_retried(
    settings, task_queue, time_machine, client, admin_user, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.operations.backends.FlakyBackend"
    FlakyBackend.failures_left, FlakyBackend.attempts = 100, 0
    order = OrderFactory(status=Order.Status.PAID)
    time_machine.move_to(timezone.now(), tick=False)
    tasks.send_delivery_email.enqueue(order.pk)
    task_queue()
    for attempt in range(1, EMAIL_RETRIES["attempts"]):
        time_machine.shift(
            retry_delay(EMAIL_RETRIES["first_delay"], attempt) + timedelta(seconds=1)
        )
        task_queue()
    assert FlakyBackend.attempts == EMAIL_RETRIES["attempts"]
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    assert EmailFailure.objects.get().template == "delivery"

    client.force_login(admin_user)
    page = client.get(
        "/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED"
    ).content.decode()
    assert "send_delivery_email" in page
    assert "ConnectionRefusedError" in page
    assert "1 en échec" in page

    FlakyBackend.failures_left = 0
    response = client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "retry_now", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 tâche relancée." in response.content.decode()
    task_queue()
    assert len(mailoutbox) == 1


def test_a_task_left_running_by_a_dead_worker_runs_again_once(
    settings, task_queue, time_machine, mailoutbox
):
    order = OrderFactory(status=Order.Status.COMPLETED)
    time_machine.move_to(timezone.now(), tick=False)
    tasks.send_delivery_email.enqueue(order.pk)
    # A worker took it, then died: the row says running, nothing was sent.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    time_machine.shift(timedelta(seconds=settings.TASK_RUNNING_DEADLINE_SECONDS - 60))
    assert requeue_stale_tasks() == 0
    assert queue_health()["running"] == 1
    time_machine.shift(timedelta(seconds=120))
    assert requeue_stale_tasks() == 1
    task_queue()
    task_queue()
    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_the_login_form_answers_known_and_unknown_addresses_in_the_same_time(
    client, settings, task_queue, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.operations.backends.HalfSecondBackend"
    OrderFactory(email="lea@example.com", status=Order.Status.PAID)
    client.get("/sanctuaire/connexion/")  # the form's first rendering is not what is timed
    timings = {}
    for email in ("lea@example.com", "nobody@example.com"):
        started = time.perf_counter()
        response = client.post("/sanctuaire/connexion/", {"email": email})
        timings[email] = time.perf_counter() - started
        assert response.status_code == 302
    # A request that waited for the relay would take its whole half second: neither does,
    # however busy the machine is.
    assert max(timings.values()) < HalfSecondBackend.delay
    assert DBTaskResult.objects.count() == 2  # one task each: nothing tells them apart
    task_queue()
    assert [message.to for message in mailoutbox] == [["lea@example.com"]]


def test_the_desk_reset_form_answers_known_and_unknown_addresses_in_the_same_time(
    client, settings, task_queue, mailoutbox
):
    """The expert's reset e-mail is the worker's too: the page neither waits on the relay nor
    tells who has an expert account."""
    settings.EMAIL_BACKEND = "tests.operations.backends.HalfSecondBackend"
    expert = ExpertFactory().user
    client.get("/desk/mot-de-passe/")
    timings = {}
    for email in (expert.email, "nobody@example.com"):
        started = time.perf_counter()
        response = client.post("/desk/mot-de-passe/", {"email": email})
        timings[email] = time.perf_counter() - started
        assert response["Location"] == "/desk/mot-de-passe/envoye/"
    assert max(timings.values()) < HalfSecondBackend.delay
    assert DBTaskResult.objects.count() == 2
    assert mailoutbox == []
    task_queue()
    assert [message.to for message in mailoutbox] == [[expert.email]]


def test_a_reset_email_refused_by_the_relay_is_sent_on_a_later_attempt(
    client, settings, task_queue, time_machine, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.operations.backends.FlakyBackend"
    FlakyBackend.failures_left, FlakyBackend.attempts = 1, 0
    expert = ExpertFactory().user
    time_machine.move_to(timezone.now(), tick=False)
    client.post("/desk/mot-de-passe/", {"email": expert.email})
    task_queue()
    assert mailoutbox == []
    time_machine.shift(EMAIL_RETRIES["first_delay"] + timedelta(seconds=1))
    task_queue()
    task_queue()  # nothing left: one e-mail, however often the worker looks
    assert [message.to for message in mailoutbox] == [[expert.email]]


def test_a_demo_payment_is_applied_by_the_worker_not_the_payment_page(client, task_queue):
    order = _start(client)
    response = _pay(client, order, "4242 4242 4242 4242")
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/confirmation/?order_id={order.public_id}&redirect_status=succeeded"
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING  # the event waits for the worker
    assert "Paiement en cours de confirmation" in client.get(response["Location"]).content.decode()
    task_queue()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert DemoIntent.objects.get().status == "succeeded"
    assert "Merci pour votre commande" in client.get(response["Location"]).content.decode()


def test_a_declined_demo_card_is_answered_at_once_and_fails_the_order_later(client, task_queue):
    order = _start(client)
    response = _pay(client, order, "4000 0000 0000 0002")
    assert response.status_code == 400
    assert "Votre carte a été refusée" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    task_queue()
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED


ENGLISH_LABELS = [
    "Tasks Database Backend",
    "Task Result",
    "Task name",
    "Successful",
    "Failed",
    "enqueued at",
    "queue name",
    "run after",
    "exception class path",
    ">traceback<",
]


def test_the_queue_reads_in_french_in_the_admin(task_queue, admin_client):
    order = OrderFactory(status=Order.Status.COMPLETED)
    tasks.send_delivery_email.enqueue(order.pk)
    task_queue()  # one successful task
    DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={"args": [order.pk], "kwargs": {}},
        task_path="sanctuaire.tasks.send_delivery_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="builtins.ConnectionRefusedError",
        traceback="Traceback (most recent call last): …",
    )
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    listing = admin_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    detail = admin_client.get(
        f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/"
    ).content.decode()
    index = admin_client.get("/admin/").content.decode()
    for label in ["File de tâches", "Tâche", "Réussie", "En échec", "Par état"]:
        assert label in listing, label
    for label in ["Mise en file le", "Pas avant", "Exception", "Trace"]:
        assert label in detail, label
    assert "File de tâches" in index
    for page in (listing, detail, index):
        assert [label for label in ENGLISH_LABELS if label in page] == []
    # In English, the same pages speak English.
    english = admin_client.get(
        "/admin/django_tasks_database/dbtaskresult/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Successful" in english
    assert "Réussie" not in english


def test_a_good_card_after_a_decline_shows_the_payment_being_confirmed_not_the_decline(
    client, task_queue
):
    order = _start(client)
    _pay(client, order, "4000 0000 0000 0002")
    task_queue()  # the decline's event: the order is failed
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    failed_page = client.get(f"/confirmation/?order_id={order.public_id}").content.decode()
    assert "Paiement non abouti" in failed_page
    assert "data-poll-url" not in failed_page

    response = _pay(client, order, "4242 4242 4242 4242")
    assert response.status_code == 302
    # Until the worker delivers the success's event, the order is still failed; the client,
    # back from a payment the gateway accepted, sees it being confirmed.
    waiting = client.get(response["Location"]).content.decode()
    assert "Paiement en cours de confirmation" in waiting
    assert "Paiement non abouti" not in waiting
    assert "Réessayer le paiement" not in waiting
    assert "Votre carte a été refusée" not in waiting
    assert 'data-status="failed"' in waiting  # the script reloads once the order moves
    assert "js/confirmation" in waiting
    # The query string chooses what is shown, never the order's state.
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED

    task_queue()
    paid = client.get(response["Location"]).content.decode()
    assert "Merci pour votre commande" in paid
    assert "js/confirmation" not in paid
