import datetime as dt
import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from bson import ObjectId
from django.contrib.auth.models import User
from django.db import connection

from experts.models import Expert
from legacy.importer import import_legacy
from legacy.readers import DumpReader
from orders.models import Order, OrderEvent, Reading
from payments.models import ProcessedEvent
from tests.conftest import is_postgres
from tests.legacy.conftest import at, legacy_order, write_dump

pytestmark = pytest.mark.django_db

UTC = dt.UTC
S = Order.Status


def run(dump_dir, **options):
    return import_legacy(DumpReader(dump_dir), source="test", **options)


def snapshot() -> dict:
    """Everything the import may write, to compare two runs."""
    return {
        "orders": list(Order.objects.order_by("pk").values()),
        "readings": list(Reading.objects.order_by("pk").values()),
        "events": list(OrderEvent.objects.order_by("pk").values()),
        "experts": list(Expert.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "processed": list(ProcessedEvent.objects.order_by("pk").values()),
    }


def problems(report, collection: str) -> dict[str, tuple[str, str]]:
    return {p.id: (p.outcome, p.reason) for p in report[collection].problems}


def test_the_dump_lands_as_the_expected_rows_and_report(dump_dir, legacy_data):
    report = run(dump_dir)

    assert report["experts"].counts() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "merged": 0,
        "skipped": 0,
        "rejected": 1,
    }
    assert report["users"].counts()["created"] == 1
    assert report["users"].counts()["skipped"] == 1
    assert report["users"].counts()["rejected"] == 1
    assert report["orders"].counts() == {
        "created": 9,
        "updated": 0,
        "unchanged": 0,
        "merged": 0,
        "skipped": 0,
        "rejected": 9,
    }
    assert report["productorders"].counts() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "merged": 1,
        "skipped": 0,
        "rejected": 2,
    }
    assert report["processedevents"].counts()["created"] == 1
    assert report["processedevents"].counts()["skipped"] == 1
    assert report["processedevents"].counts()["rejected"] == 1

    statuses = {
        name: Order.objects.get(legacy_id=legacy_data.key(name)).status
        for name in (
            "delivered",
            "completed_unvalidated",
            "completed_empty",
            "pending",
            "failed",
            "refunded",
            "processing",
            "awaiting",
            "shared_payment",
            "product_alone",
        )
    }
    assert statuses == {
        "delivered": S.COMPLETED,
        "completed_unvalidated": S.PAID,
        "completed_empty": S.PAID,
        "pending": S.PENDING,
        "failed": S.FAILED,
        "refunded": S.REFUNDED,
        "processing": S.PROCESSING,
        "awaiting": S.AWAITING_VALIDATION,
        "shared_payment": S.PAID,
        "product_alone": S.PAID,
    }
    assert Order.objects.count() == 10
    # Rows written in bulk still get their per-row defaults.
    assert len(set(Order.objects.values_list("public_id", flat=True))) == 10
    assert not Order.objects.filter(updated_at__isnull=True).exists()
    assert set(Order.objects.values_list("payment_flag", flat=True)) == {""}
    # A reading for each order someone worked on, none for the others.
    assert set(Reading.objects.values_list("order__legacy_id", flat=True)) == {
        legacy_data.key(name)
        for name in ("delivered", "processing", "awaiting", "completed_unvalidated")
    }


def test_malformed_documents_are_rejected_with_their_reason(dump_dir, legacy_data):
    report = run(dump_dir)

    orders = problems(report, "orders")
    expected = {
        "order_no_number": "orderNumber manquant",
        "order_amount_string": "amount n’est pas un entier : '47.00'",
        "order_unknown_status": "statut inconnu : 'shipped'",
        "order_bad_level": "level inconnu : 7",
        "order_negative_amount": "amount hors limites : -4700",
        "order_bad_email": "userEmail n’est pas une adresse e-mail : 'camille at example'",
        "order_duplicate_number": "orderNumber LU250110-000042 déjà utilisé",
        "order_form_not_object": "formData n’est pas un objet",
        "order_bad_birth_date": "formData.dateOfBirth n’est pas une date : '31/02/1990'",
    }
    assert set(orders) == {legacy_data.key(name) for name in expected}
    for name, reason in expected.items():
        outcome, text = orders[legacy_data.key(name)]
        assert outcome == "rejected"
        assert text.startswith(reason), (name, text)
    assert not Order.objects.filter(legacy_id__in=orders).exists()

    assert problems(report, "experts") == {
        legacy_data.key("expert_no_email"): ("rejected", "email manquant")
    }
    users = problems(report, "users")
    assert users[legacy_data.key("user_bad_email")][0] == "rejected"
    assert users[legacy_data.key("camille_again")] == (
        "skipped",
        f"même e-mail que le document {legacy_data.key('camille')} : un seul compte",
    )
    products = problems(report, "productorders")
    assert products[legacy_data.key("product_unknown")] == (
        "rejected",
        "productId inconnu : 'premium-plus'",
    )
    assert products[legacy_data.key("product_of_rejected_order")][1] == (
        f"même paiement que le document orders {legacy_data.key('order_unknown_status')}, "
        "qui n’a pas été importé"
    )
    events = problems(report, "processedevents")
    assert events[legacy_data.key("event_no_id")] == ("rejected", "eventId manquant")
    assert events[legacy_data.key("event_unprocessed")][0] == "skipped"


def test_a_delivered_client_order_is_ready_for_the_sanctuaire(dump_dir, legacy_data):
    run(dump_dir)

    order = Order.objects.get(legacy_id=legacy_data.key("delivered"))
    client = User.objects.get(username="camille.durand@example.com")
    selene = Expert.objects.get(legacy_id=legacy_data.key("selene"))
    assert order.status == S.COMPLETED
    assert order.is_delivered
    assert order.reading.delivered_at == at(2025, 1, 14, 16, 2, 30)
    assert order.email == "camille.durand@example.com"
    assert order.user == client
    assert order.number == "LU250110-000042"
    assert (order.level, order.price_cents, order.currency) == (3, 7900, "eur")
    assert order.offer.slug == "profond"
    reading = order.reading
    assert reading.text("archetype") == "L’Alchimiste"
    assert reading.text("reading").startswith("Votre lecture complète")
    assert reading.text("ritual") == "Allumez une bougie blanche à la nouvelle lune."
    assert reading.text("blockages_analysis") == "Un blocage ancien autour de la confiance."
    assert [section.name for section in order.unlocked_sections] == [
        "archetype",
        "reading",
        "ritual",
        "blockages_analysis",
        "audio",
    ]
    assert order.assigned_expert == selene
    assert reading.validated_at == at(2025, 1, 14, 16, 0)
    assert reading.validation_notes == "Parfait."
    assert reading.review_notes == "Relu, belle lecture."
    assert order.paid_at == at(2025, 1, 12, 9, 31, 2)
    assert order.created_at == at(2025, 1, 12, 9, 28, 40)
    assert order.date_of_birth == dt.date(1990, 5, 12)
    assert order.birth_time == dt.time(14, 30)
    assert order.birth_place == "Lyon, France"
    assert order.life_question == "Où trouver ma joie ?"
    assert (order.first_name, order.last_name) == ("Camille", "Durand")
    # The old system kept no submission time for the answers: the payment stands for it.
    assert order.intake_submitted_at == order.paid_at
    # One history row, from nothing to its status, saying where it came from.
    (event,) = order.events.all()
    assert (event.from_status, event.to_status, event.source) == ("", S.COMPLETED, "import")
    assert legacy_data.key("delivered") in event.note
    assert "https://files.oraclelumira.com/audio/lecture.mp3" in event.note


def test_a_completed_order_without_validated_content_is_imported_as_paid(dump_dir, legacy_data):
    run(dump_dir)

    unvalidated = Order.objects.get(legacy_id=legacy_data.key("completed_unvalidated"))
    empty = Order.objects.get(legacy_id=legacy_data.key("completed_empty"))
    for order in (unvalidated, empty):
        assert order.status == S.PAID
        assert order.reading_or_none is None or order.reading.delivered_at is None
        assert order.unlocked_sections == []
        assert "importée comme payée" in order.events.get().note
    # The content written before is kept for the expert who picks it up.
    assert unvalidated.reading.text("reading").startswith("Votre lecture")


def test_a_productorder_of_the_same_payment_is_the_same_order(dump_dir, legacy_data):
    report = run(dump_dir)

    order = Order.objects.get(payment_intent_id="pi_3QsharedFF")
    assert order.legacy_id == legacy_data.key("shared_payment")
    assert problems(report, "productorders")[legacy_data.key("product_duplicate")] == (
        "merged",
        "même paiement que la commande LU250111-000050 : fusionnée avec elle",
    )
    assert not Order.objects.filter(legacy_id=legacy_data.key("product_duplicate")).exists()


def test_a_productorder_alone_becomes_an_order_of_its_offer(dump_dir, legacy_data):
    run(dump_dir)

    order = Order.objects.get(legacy_id=legacy_data.key("product_alone"))
    assert order.offer.slug == "profond"
    assert (order.level, order.service, order.price_cents) == (3, "premium", 7900)
    assert order.email == "lea.martin@example.com"
    assert (order.first_name, order.last_name) == ("Léa", "Martin")
    assert order.payment_intent_id == "pi_3QproductOnlyHH"
    assert order.paid_at == at(2024, 12, 24, 23, 30)
    # Created on Christmas Eve at 23:28 UTC: already the 25th in Paris.
    assert order.number.startswith("LUM-20241225-")
    assert len(order.number) == 18


def test_experts_users_and_events_carry_their_fields_and_no_password(dump_dir, legacy_data):
    run(dump_dir)

    selene = Expert.objects.get(legacy_id=legacy_data.key("selene"))
    assert selene.email == "selene@oraclelumira.com"
    assert selene.name == "Séléné Martin"
    assert selene.specialties == ["tarot", "astrologie"]
    assert selene.rating == Decimal("4.80")
    assert selene.is_active is True
    assert selene.last_login_at == at(2025, 3, 1, 18, 5)
    assert selene.user is None
    orion = Expert.objects.get(legacy_id=legacy_data.key("orion"))
    assert (orion.is_active, orion.rating) == (False, Decimal("5.00"))

    client = User.objects.get(username="camille.durand@example.com")
    assert (client.email, client.first_name, client.last_name) == (
        "camille.durand@example.com",
        "Camille",
        "Durand",
    )
    assert client.date_joined == at(2025, 1, 10, 12, 0)
    assert not client.has_usable_password()
    assert "$2b$" not in client.password

    event = ProcessedEvent.objects.get(event_id="evt_1QlegacyApplied")
    assert event.outcome == ProcessedEvent.Outcome.LEGACY
    assert event.type == "payment_intent.succeeded"
    assert event.processed_at == at(2025, 1, 12, 9, 31, 1)
    assert not ProcessedEvent.objects.filter(event_id="evt_1QlegacyNotApplied").exists()


def test_a_second_run_changes_nothing_and_reports_everything_unchanged(dump_dir):
    first = run(dump_dir)
    before = snapshot()

    second = run(dump_dir)

    assert snapshot() == before
    for name, part in second.collections.items():
        assert part.created == 0, name
        assert part.updated == 0, name
        assert part.unchanged == first[name].created, name
        assert part.rejected == first[name].rejected, name
        assert part.merged == first[name].merged, name


def test_a_changed_legacy_document_updates_its_row_on_the_next_run(tmp_path, legacy_data):
    document = legacy_order(orderNumber="LU250111-000090", status="paid")
    write_dump(tmp_path / "one", {"orders": [document]})
    run(tmp_path / "one")
    document["formData"]["phone"] = "+33 7 00 00 00 00"
    document["clientInputs"]["birthPlace"] = "Marseille"
    write_dump(tmp_path / "two", {"orders": [document]})

    report = run(tmp_path / "two")

    order = Order.objects.get(legacy_id=str(document["_id"]))
    assert report["orders"].updated == 1
    assert (order.phone, order.birth_place) == ("+33 7 00 00 00 00", "Marseille")
    assert order.events.count() == 1


def test_a_changed_reading_updates_the_reading_on_the_next_run(tmp_path):
    document = legacy_order(
        orderNumber="LU250111-000092", status="processing", generatedContent={"reading": "V1"}
    )
    write_dump(tmp_path / "one", {"orders": [document]})
    run(tmp_path / "one")
    reading = Reading.objects.get()
    assert reading.texts == {"reading": "V1"}
    document["generatedContent"] = {"reading": "V2", "ritual": "Un rituel."}
    document["revisionCount"] = 1
    write_dump(tmp_path / "two", {"orders": [document]})

    report = run(tmp_path / "two")

    assert report["orders"].updated == 1
    reading.refresh_from_db()
    assert reading.texts == {"reading": "V2", "ritual": "Un rituel."}
    assert reading.revision_count == 1
    assert Reading.objects.count() == 1


def test_a_reading_that_appears_in_the_legacy_data_is_created_on_the_next_run(tmp_path):
    document = legacy_order(orderNumber="LU250111-000093", status="paid")
    write_dump(tmp_path / "one", {"orders": [document]})
    run(tmp_path / "one")
    assert not Reading.objects.exists()
    document["expertReview"] = {"notes": "À relire."}
    write_dump(tmp_path / "two", {"orders": [document]})

    assert run(tmp_path / "two")["orders"].updated == 1

    assert Reading.objects.get().review_notes == "À relire."


def test_an_order_that_moved_on_here_is_left_alone_by_a_rerun(tmp_path):
    document = legacy_order(orderNumber="LU250111-000091", status="paid")
    write_dump(tmp_path / "dump", {"orders": [document]})
    run(tmp_path / "dump")
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(status=S.PROCESSING, birth_place="Nantes")

    report = run(tmp_path / "dump")

    order.refresh_from_db()
    assert (order.status, order.birth_place) == (S.PROCESSING, "Nantes")
    assert report["orders"].skipped == 1
    assert "laissée telle quelle" in report["orders"].problems[0].reason


def test_dry_run_reports_the_same_counts_and_writes_nothing(dump_dir):
    before = snapshot()

    report = run(dump_dir, dry_run=True)

    assert snapshot() == before
    assert report.dry_run is True
    assert report["orders"].created == 9
    assert report["productorders"].merged == 1
    assert report["experts"].created == 2


def test_small_batches_give_the_same_result(dump_dir):
    report = run(dump_dir, batch_size=2)

    assert report["orders"].created == 9
    assert report["orders"].rejected == 9
    assert report["productorders"].merged == 1
    assert Order.objects.count() == 10


def _refuse_poison_orders() -> None:
    """A database rule the import cannot know about: it refuses one order number."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                "IF NEW.number = 'POISON-1' THEN RAISE EXCEPTION 'poisoned'; END IF; "
                "RETURN NEW; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON orders_order "
                "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON orders_order "
                "WHEN NEW.number = 'POISON-1' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
            )


def test_a_row_the_database_refuses_costs_only_that_document(tmp_path):
    documents = [
        legacy_order(orderNumber=f"LU250111-1000{index}", paymentIntentId=f"pi_{index}")
        for index in range(4)
    ]
    documents.insert(2, legacy_order(orderNumber="POISON-1"))
    write_dump(tmp_path / "dump", {"orders": documents})
    _refuse_poison_orders()

    report = run(tmp_path / "dump")

    assert report["orders"].created == 4
    assert report["orders"].rejected == 1
    (problem,) = report["orders"].problems
    assert problem.id == str(documents[2]["_id"])
    assert problem.reason.startswith("refusé par la base")
    assert sorted(Order.objects.values_list("number", flat=True)) == [
        f"LU250111-1000{index}" for index in range(4)
    ]
    assert OrderEvent.objects.count() == 4


def _signed(body: str, secret: str) -> str:
    timestamp = int(time.time())
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


def test_a_replayed_legacy_stripe_event_is_a_duplicate_for_our_webhook(dump_dir, client, settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_legacy_import_test"
    run(dump_dir)

    def post(event_id: str):
        body = json.dumps(
            {
                "id": event_id,
                "type": "payment_intent.succeeded",
                "livemode": False,
                "data": {"object": {"id": "pi_3QunknownZZ", "object": "payment_intent"}},
            }
        )
        return client.post(
            "/api/payments/webhook",
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_signed(body, settings.STRIPE_WEBHOOK_SECRET),
        )

    replayed = post("evt_1QlegacyApplied")
    assert replayed.status_code == 200
    assert replayed.json() == {"received": True, "duplicate": True}
    # The event the old system never applied is ours to apply: not a duplicate.
    fresh = post("evt_1QlegacyNotApplied")
    assert fresh.status_code == 200
    assert fresh.json() == {"received": True}


def test_an_order_without_answers_has_no_intake_yet(tmp_path):
    document = legacy_order(
        orderNumber="LU250111-000092",
        formData={"firstName": "Ana", "email": "ana@example.com"},
        clientInputs=None,
    )
    write_dump(tmp_path / "dump", {"orders": [document]})

    run(tmp_path / "dump")

    assert Order.objects.get().intake_submitted_at is None


def test_two_productorders_of_one_payment_make_one_order_on_every_run(tmp_path):
    def product(created):
        return {
            "_id": ObjectId(),
            "productId": "initie",
            "customerEmail": "ines@example.com",
            "amount": 2900,
            "status": "completed",
            "paymentIntentId": "pi_3QtwiceII",
            "createdAt": created,
        }

    first, second = product(at(2024, 6, 1, 10)), product(at(2024, 6, 1, 10, 1))
    write_dump(tmp_path / "dump", {"productorders": [first, second]})

    reports = [run(tmp_path / "dump"), run(tmp_path / "dump")]

    order = Order.objects.get()
    assert order.legacy_id == str(first["_id"])
    assert order.status == S.PAID
    for report in reports:
        assert report["productorders"].merged == 1
        assert report["productorders"].problems[0].id == str(second["_id"])
    assert reports[0]["productorders"].created == 1
    assert reports[1]["productorders"].unchanged == 1


def test_an_imported_client_logs_in_to_the_sanctuaire_and_reads_the_reading(
    dump_dir, legacy_data, client, mailoutbox
):
    from tests.sanctuaire.helpers import link_in

    run(dump_dir)
    order = Order.objects.get(legacy_id=legacy_data.key("delivered"))
    client.post("/sanctuaire/connexion/", {"email": "Camille.Durand@example.com"})
    link = link_in(mailoutbox[-1], "/sanctuaire/connexion/")
    assert client.post(link).status_code == 302
    dashboard = client.get("/sanctuaire/", follow=True)
    if dashboard.redirect_chain and "profil" in dashboard.redirect_chain[-1][0]:
        # Name and date of birth came with the import: the profile form is pre-filled.
        client.post(
            "/sanctuaire/profil/",
            {"first_name": "Camille", "last_name": "Durand", "date_of_birth": "1990-05-12"},
        )
    page = client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    assert "L’Alchimiste" in page
    assert "Allumez une bougie blanche à la nouvelle lune." in page
    assert "Un blocage ancien autour de la confiance." in page
