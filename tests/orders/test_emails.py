import datetime

import pytest
from django.core import mail
from django.db import transaction

from billing.models import Refund
from orders import services
from orders.exceptions import TransitionRefused
from orders.models import EmailFailure, Order
from sanctuaire import emails
from tests.factories import CONSENT, ExpertFactory, OrderFactory
from tests.sanctuaire.helpers import html_of, link_in

pytestmark = pytest.mark.django_db


def test_payment_email_is_sent_once_with_working_links(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    order = OrderFactory(email="lea@example.com", first_name="Léa")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mark_paid(order, source="stripe")
    with django_capture_on_commit_callbacks(execute=True):
        assert not services.mark_paid(order, source="stripe")  # a replayed event
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lea@example.com"]
    assert message.subject == f"Paiement reçu — commande {order.number}"
    assert "Bonjour Léa," in message.body
    html = html_of(message)
    assert "Remplir mon formulaire" in html

    # The form link opens the form in a browser that has never seen the order.
    intake_link = link_in(message, f"/commande/{order.public_id}/formulaire/")
    assert intake_link in html
    response = client.get(intake_link)
    assert response.status_code == 302
    assert "Parlez-nous de vous" in client.get(response["Location"]).content.decode()

    # The Sanctuaire link logs the client in (after a click: scanners only GET).
    login_link = link_in(message, "/sanctuaire/connexion/")
    assert login_link in html
    fresh = client.__class__()
    page = fresh.get(login_link)
    assert page.status_code == 200
    assert "Entrer dans mon Sanctuaire" in page.content.decode()
    response = fresh.post(login_link)
    assert response.status_code == 302
    assert response["Location"] == "/sanctuaire/"
    # First visit: no birth date yet, so the profile comes first (SPEC §9).
    response = fresh.get("/sanctuaire/")
    assert response["Location"] == "/sanctuaire/profil/?next=%2Fsanctuaire%2F"
    profile = fresh.get(response["Location"]).content.decode()
    assert 'value="Léa"' in profile  # taken from the order
    response = fresh.post(
        "/sanctuaire/profil/?next=%2Fsanctuaire%2F",
        {"first_name": "Léa", "last_name": "Martin", "date_of_birth": "1990-05-17"},
    )
    assert response["Location"] == "/sanctuaire/"
    dashboard = fresh.get("/sanctuaire/")
    assert dashboard.status_code == 200
    assert order.number in dashboard.content.decode()


def test_no_task_and_no_email_when_the_transaction_rolls_back(mailoutbox, task_queue):
    from django_tasks_db.models import DBTaskResult

    order = OrderFactory()
    try:
        with transaction.atomic():
            services.mark_paid(order, source="stripe")
            raise RuntimeError("the handler failed after marking paid")
    except RuntimeError:
        pass
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert not DBTaskResult.objects.exists()
    task_queue()
    assert mailoutbox == []

    # The same change, committed this time, leaves exactly one task, sent by the worker.
    with transaction.atomic():
        services.mark_paid(order, source="stripe")
    assert DBTaskResult.objects.count() == 1
    task_queue()
    assert len(mailoutbox) == 1


def test_delivery_email_links_straight_to_the_reading(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    validator = ExpertFactory().user
    order = OrderFactory(
        paid=True,
        email="lea@example.com",
        date_of_birth=datetime.date(1990, 5, 17),
        status=Order.Status.AWAITING_VALIDATION,
        reading__texts={
            "archetype": "L’Étoile",
            "reading": "Votre chemin s’éclaire.",
            "ritual": "Allumez une bougie.",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(order, validator=validator)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Votre lecture Oracle Lumira est prête"
    assert "Lire ma lecture" in html_of(message)
    login_link = link_in(message, "/sanctuaire/connexion/")
    response = client.post(login_link)
    assert response.status_code == 302
    assert response["Location"] == f"/sanctuaire/commandes/{order.public_id}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Votre chemin s’éclaire." in page.content.decode()


def test_no_delivery_email_when_approval_is_refused(mailoutbox, django_capture_on_commit_callbacks):
    order = OrderFactory(paid=True)  # still `paid`: nothing to approve
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionRefused):
        services.approve(order, validator=ExpertFactory().user)
    assert mailoutbox == []


def test_a_mail_server_failure_never_breaks_the_payment_and_is_shown_to_admins(
    client, settings, admin_user, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.sanctuaire.helpers.BrokenBackend"
    response = client.post(
        "/commande/",
        {
            "offer": "initie",
            "email": "lea@example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "expert": "expert-lumira",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            response["Location"],
            {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123", **CONSENT},
        )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    failure = EmailFailure.objects.get()
    assert (failure.template, failure.recipient, failure.order) == (
        "payment_received",
        "lea@example.com",
        order,
    )
    assert "mail server unreachable" in failure.error

    client.force_login(admin_user)
    page = client.get("/admin/orders/emailfailure/")
    assert page.status_code == 200
    assert "lea@example.com" in page.content.decode()
    assert order.number in page.content.decode()


def test_resend_access_action_sends_a_magic_link_that_logs_in(client, admin_user, mailoutbox):
    order = OrderFactory(
        paid=True, email="lea@example.com", date_of_birth=datetime.date(1990, 5, 17)
    )
    client.force_login(admin_user)
    response = client.post(
        "/admin/orders/order/",
        {"action": "resend_access_email", "_selected_action": [order.pk]},
        follow=True,
    )
    assert "1 e-mail en cours d’envoi" in response.content.decode()
    assert len(mailoutbox) == 1
    link = link_in(mailoutbox[0], "/sanctuaire/connexion/")
    visitor = client.__class__()
    assert visitor.post(link)["Location"] == "/sanctuaire/"
    assert visitor.get("/sanctuaire/").status_code == 200


def test_resend_access_failure_is_retried_then_listed(client, admin_user, settings):
    settings.EMAIL_BACKEND = "tests.sanctuaire.helpers.BrokenBackend"
    order = OrderFactory(paid=True)
    client.force_login(admin_user)
    response = client.post(
        "/admin/orders/order/",
        {"action": "resend_access_email", "_selected_action": [order.pk]},
        follow=True,
    )
    assert "1 e-mail en cours d’envoi" in response.content.decode()
    # The immediate backend runs the 7 attempts at once; the last failure is kept for an admin.
    assert EmailFailure.objects.filter(order=order, template="sanctuaire_access").count() == 1


def test_emails_about_an_anonymised_order_are_not_sent(mailoutbox):
    order = OrderFactory(paid=True)
    Order.objects.filter(pk=order.pk).update(anonymised_at=order.created_at)
    assert emails.send_payment_received(order.pk) is False
    assert emails.send_delivery(order.pk) is False
    assert mail.outbox == []


def test_plain_text_emails_never_leave_two_blank_lines_in_a_row(mailoutbox):
    """The text part is what many mail clients show: the greeting, the recap and the signature
    are includes, and a blank line too many between them reads as a broken e-mail."""
    order = OrderFactory(offer_level=3, first_name="Léa", email="lea@example.com")
    services.mark_paid(order, source="stripe")
    refund = Refund.objects.create(order=order, amount_cents=500, status="succeeded", reason="x")
    mailoutbox.clear()
    sent = [
        emails.send_payment_received(order.pk),
        emails.send_delivery(order.pk),
        emails.send_sanctuaire_access(order.pk),
        emails.send_intake_reminder(order.pk),
        emails.send_login_link(order.email),
        emails.send_refund(refund.pk),
    ]
    assert sent == [True] * 6
    assert len(mailoutbox) == 6
    for message in mailoutbox:
        assert "\n\n\n" not in message.body, message.subject
        assert message.body.startswith("Bonjour"), message.subject


def test_client_emails_in_english_are_english_through_and_through(mailoutbox):
    order = OrderFactory(offer_level=2, first_name="Emma", email="emma@example.com", language="en")
    services.mark_paid(order, source="stripe")
    refund = Refund.objects.create(order=order, amount_cents=500, status="succeeded", reason="x")
    mailoutbox.clear()
    emails.send_payment_received(order.pk)
    emails.send_delivery(order.pk)
    emails.send_sanctuaire_access(order.pk)
    emails.send_intake_reminder(order.pk)
    emails.send_refund(refund.pk)
    assert len(mailoutbox) == 5
    *about_the_reading, refunded = mailoutbox
    assert all("Mystic Level" in message.body for message in about_the_reading)
    assert "We have refunded €5.00" in refunded.body
    for message in mailoutbox:
        html = html_of(message)
        assert '<html lang="en">' in html, message.subject
        assert "Niveau Mystique" not in message.body + html, message.subject
        # French puts a space before a colon; English does not.
        assert " :" not in message.body, message.subject
        assert "A question? Reply to this e-mail" in message.body, message.subject
