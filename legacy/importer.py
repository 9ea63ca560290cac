"""The legacy import itself (SPEC §10): mapped documents written in batches, keyed by ObjectId.

Each collection is read in batches of `batch_size` documents, one transaction per batch. Every
document of a batch is mapped and checked against what the database holds (one prefetch query
per kind of key, not one per document) before anything is written; the batch is then written
with bulk queries. Should the database still refuse a bulk write, the batch is written again one
document per savepoint, so only the documents it refuses are lost, with the database's reason.

A second run finds every row by its legacy id, compares, and writes nothing when nothing
differs. `dry_run` does the whole run inside a transaction that is rolled back at the end, so
its report counts exactly what a real run would do.
"""

import contextlib
import logging
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from experts.models import Expert
from legacy import files as legacy_files
from legacy import mapping
from legacy.mapping import Context, Mapped, Rejected
from legacy.readers import Document, Reader, UnreadableDocument
from legacy.report import (
    CREATED,
    MERGED,
    REJECTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    CollectionReport,
    ImportReport,
)
from orders import services
from orders.bulk import insert_rows
from orders.models import Offer, Order, Reading
from payments.models import ProcessedEvent

logger = logging.getLogger(__name__)

# Dependencies first: orders point at experts and users; productorders merge into orders.
COLLECTIONS = ("experts", "users", "orders", "productorders", "processedevents")
# Documents per transaction: fewer commits, and still a small loss if one batch fails.
BATCH_SIZE = 1000


def import_legacy(
    reader: Reader,
    *,
    source: str = "",
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    files_base_url: str = "",
) -> ImportReport:
    """Import every legacy collection `reader` has; returns the per-collection report.

    With `files_base_url`, the files the orders name are fetched from there by background tasks
    (legacy.files), enqueued with each batch; a dry run enqueues nothing.
    """
    report = ImportReport(source=source, dry_run=dry_run)
    offers = list(Offer.objects.all())
    context = Context(
        offers_by_level={offer.level: offer for offer in offers},
        offers_by_slug={offer.slug: offer for offer in offers},
    )
    orders = OrderImport(context, files_base_url="" if dry_run else files_base_url)
    importers = {
        "experts": ExpertImport(context),
        "users": UserImport(context),
        "orders": orders,
        "productorders": ProductOrderImport(context, orders),
        "processedevents": ProcessedEventImport(context),
    }
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        for name in COLLECTIONS:
            started = time.perf_counter()
            part = report.collections[name] = CollectionReport(name, found=reader.has(name))
            if part.found:
                importers[name].run(reader.documents(name), part, batch_size)
            if name == "experts":
                context.experts = {
                    legacy_id: (pk, user_id)
                    for legacy_id, pk, user_id in Expert.objects.filter(
                        legacy_id__isnull=False
                    ).values_list("legacy_id", "pk", "user_id")
                }
            if name == "orders":
                report.files_queued = orders.files_queued
            part.seconds = round(time.perf_counter() - started, 2)
            logger.info("legacy import: %s %s in %.1fs", name, part.counts(), part.seconds)
        if dry_run:
            transaction.set_rollback(True)
    report.finished_at = timezone.now()
    return report


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[tuple[int, Document]]]:
    numbered = enumerate(documents, start=1)
    while batch := list(islice(numbered, size)):
        yield batch


def _document_id(document: dict, position: int) -> str:
    try:
        return mapping.legacy_key(document)
    except Rejected:
        return f"#{position}"


class CollectionImport(ABC):
    """Map, decide, write: the steps every collection shares. Subclasses fill in each step."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.report = CollectionReport("")

    def run(self, documents: Iterable[Document], report: CollectionReport, size: int) -> None:
        self.report = report
        for batch in _batches(documents, size):
            with transaction.atomic():
                self._batch(batch)

    def _batch(self, batch: list[tuple[int, Document]]) -> None:
        items: list[Mapped] = []
        for position, document in batch:
            if isinstance(document, UnreadableDocument):
                self.report.note(f"#{document.position}", REJECTED, document.reason)
                continue
            item = self._guarded(_document_id(document, position), self.map, document)
            if item is not None:
                items.append(item)
        self.prepare(items)
        to_create, to_update = [], []
        for item in items:
            decision = self._guarded(item.key, self.decide, item)
            if decision is None:
                continue
            outcome, reason = decision
            if outcome == CREATED:
                to_create.append(item)
            elif outcome == UPDATED:
                to_update.append(item)
            elif reason:
                self.report.note(item.key, outcome, reason)
            else:
                self.report.add(outcome)
        self._write(self.create, to_create, CREATED)
        self._write(self.update, to_update, UPDATED)

    def _guarded(self, key: str, step: Callable, argument):
        """Run one document's step; a rejection (or a surprise) is that document's alone."""
        try:
            return step(argument)
        except Rejected as error:
            self.report.note(key, REJECTED, str(error))
        except Exception as error:  # one bad document never stops the run (SPEC §10)
            logger.exception("legacy import: %s %s", self.report.collection, key)
            self.report.note(key, REJECTED, f"erreur inattendue : {type(error).__name__}: {error}")
        return None

    def _write(self, write: Callable[[list[Mapped]], None], items: list[Mapped], outcome: str):
        if not items:
            return
        try:
            with transaction.atomic():
                write(items)
        except DatabaseError:
            # The checks missed something the database refuses: find which documents, one
            # savepoint each, and keep the others' work.
            logger.warning("legacy import: %s batch refused, retrying one by one", outcome)
            for item in items:
                try:
                    with transaction.atomic():
                        write([item])
                except DatabaseError as error:
                    self.report.note(item.key, REJECTED, f"refusé par la base : {error}"[:300])
                else:
                    self.report.add(outcome)
            return
        self.report.add(outcome, len(items))

    # Steps -------------------------------------------------------------------------------------

    @abstractmethod
    def map(self, document: dict) -> Mapped:
        """The document as model fields, or raise Rejected with the reason."""

    def prepare(self, items: list[Mapped]) -> None:  # noqa: B027 (an optional hook)
        """Load what `decide` compares against, for the whole batch at once."""

    @abstractmethod
    def decide(self, item: Mapped) -> tuple[str, str]:
        """(outcome, reason): CREATED, UPDATED (item.instance/changed set), or a final one."""

    @abstractmethod
    def create(self, items: list[Mapped]) -> None:
        """Insert the new rows of one batch."""

    @abstractmethod
    def update(self, items: list[Mapped]) -> None:
        """Write the changed fields of one batch's existing rows."""


def _compare(item: Mapped, instance, names: Iterable[str]) -> tuple[str, str]:
    item.instance = instance
    item.changed = [name for name in names if getattr(instance, name) != item.fields[name]]
    return (UPDATED, "") if item.changed else (UNCHANGED, "")


def _apply(items: list[Mapped], *extra: str) -> tuple[list, list[str]]:
    """Copy the changed values onto the rows; returns the rows and the union of fields."""
    names: set[str] = set(extra)
    for item in items:
        for name in item.changed:
            setattr(item.instance, name, item.fields[name])
        names.update(item.changed)
    return [item.instance for item in items], sorted(names)


# --- Experts ----------------------------------------------------------------------------------


class ExpertImport(CollectionImport):
    def map(self, document: dict) -> Mapped:
        return mapping.map_expert(document)

    def prepare(self, items: list[Mapped]) -> None:
        self.by_legacy = {
            e.legacy_id: e for e in Expert.objects.filter(legacy_id__in=[i.key for i in items])
        }
        emails = [item.fields["email"] for item in items]
        self.by_email = {e.email: e for e in Expert.objects.filter(email__in=emails)}
        # An expert account of ours with the same email is the same person (no password moves).
        self.users = dict(
            get_user_model()
            .objects.filter(username__in=emails, expert__isnull=True)
            .values_list("username", "pk")
        )
        self.claimed: dict[str, str] = {}

    def decide(self, item: Mapped) -> tuple[str, str]:
        address = item.fields["email"]
        if address in self.claimed:
            raise Rejected(f"email {address} déjà porté par le document {self.claimed[address]}")
        owner = self.by_email.get(address)
        expert = self.by_legacy.get(item.key)
        if owner is not None and owner.legacy_id not in (None, item.key):
            raise Rejected(f"email {address} déjà utilisé par l’expert {owner.slug}")
        self.claimed[address] = item.key
        if expert is None and owner is not None:
            expert = owner  # created here before the import: it takes the legacy id
        if expert is None:
            return CREATED, ""
        return _compare(item, expert, item.fields)

    def create(self, items: list[Mapped]) -> None:
        experts = [
            Expert(
                **item.fields, slug=self._slug(item), user_id=self.users.get(item.fields["email"])
            )
            for item in items
        ]
        Expert.objects.bulk_create(experts)

    @staticmethod
    def _slug(item: Mapped) -> str:
        base = slugify(item.fields["name"])[:25].strip("-") or "expert"
        slug = f"{base}-{item.key[-6:]}"
        if Expert.objects.filter(slug=slug).exists():
            slug = f"{base}-{item.key}"
        return slug

    def update(self, items: list[Mapped]) -> None:
        experts, names = _apply(items)
        # bulk_update skips auto_now: the shop's pages see the change through updated_at.
        now = timezone.now()
        for expert in experts:
            expert.updated_at = now
        Expert.objects.bulk_update(experts, [*names, "updated_at"])


# --- Users (clients) --------------------------------------------------------------------------


class UserImport(CollectionImport):
    """Client accounts keyed by email (username = lower-cased email), no password."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.seen: dict[str, str] = {}

    def map(self, document: dict) -> Mapped:
        return mapping.map_user(document)

    def prepare(self, items: list[Mapped]) -> None:
        usernames = [item.fields["username"] for item in items]
        self.existing = {
            user.username: user for user in get_user_model().objects.filter(username__in=usernames)
        }

    def decide(self, item: Mapped) -> tuple[str, str]:
        address = item.fields["username"]
        self.context.user_emails[item.key] = address
        if address in self.seen:
            return SKIPPED, f"même e-mail que le document {self.seen[address]} : un seul compte"
        self.seen[address] = item.key
        user = self.existing.get(address)
        if user is None:
            return CREATED, ""
        # An account that exists keeps what it has; the import only fills blank names.
        item.instance = user
        item.changed = [
            name
            for name in ("first_name", "last_name")
            if not getattr(user, name) and item.fields[name]
        ]
        return (UPDATED, "") if item.changed else (UNCHANGED, "")

    def create(self, items: list[Mapped]) -> None:
        # An unusable password, as make_password(None) makes it (without its slow random
        # string): the client logs in by magic link (SPEC §9).
        insert_rows(
            get_user_model(),
            [
                {**item.fields, "password": UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)}
                for item in items
            ],
        )

    def update(self, items: list[Mapped]) -> None:
        users, names = _apply(items)
        get_user_model().objects.bulk_update(users, names)


# --- Orders -----------------------------------------------------------------------------------


class OrderImport(CollectionImport):
    def __init__(self, context: Context, *, files_base_url: str = "") -> None:
        super().__init__(context)
        # paymentIntentId → the `orders` document carrying it, imported or not: a productorder
        # of the same payment is that order, never a second one.
        self.payment_intents: dict[str, str] = {}
        self.files_base_url = files_base_url
        self.files: dict[str, list[tuple[str, str]]] = {}  # legacy id → its files, this batch
        self.files_queued = 0

    def map(self, document: dict) -> Mapped:
        intent = document.get("paymentIntentId")
        if isinstance(intent, str) and intent.strip():
            self.payment_intents.setdefault(intent.strip(), _document_id(document, 0))
        item = mapping.map_order(document, self.context)
        if self.files_base_url:
            found = legacy_files.references(document)
            if found:
                self.files[item.key] = found
        return item

    def _batch(self, batch: list[tuple[int, Document]]) -> None:
        self.files = {}
        super()._batch(batch)
        if self.files:
            # The orders of this batch that exist now (written, or there from an earlier run):
            # their downloads are enqueued in this batch's transaction.
            ids = Order.objects.filter(legacy_id__in=self.files).values_list("legacy_id", "pk")
            self.files_queued += legacy_files.queue_downloads(
                {pk: self.files[legacy_id] for legacy_id, pk in ids}, self.files_base_url
            )

    def prepare(self, items: list[Mapped]) -> None:
        self.existing = {
            order.legacy_id: order
            for order in Order.objects.filter(
                legacy_id__in=[item.key for item in items]
            ).select_related("reading")
        }
        numbers = [item.fields["number"] for item in items if item.fields.get("number")]
        self.number_owners = dict(
            Order.objects.filter(number__in=numbers).values_list("number", "legacy_id")
        )
        intents = [i.fields["payment_intent_id"] for i in items if i.fields["payment_intent_id"]]
        self.intent_owners = {
            order.payment_intent_id: order
            for order in Order.objects.filter(payment_intent_id__in=intents).only(
                "pk", "number", "legacy_id", "payment_intent_id"
            )
        }
        self.users = dict(
            get_user_model()
            .objects.filter(username__in={item.fields["email"] for item in items})
            .values_list("username", "pk")
        )
        self.claimed_numbers: dict[str, str] = {}
        self.claimed_intents: dict[str, str] = {}

    def _check_unique(self, item: Mapped) -> None:
        """orderNumber and paymentIntentId are unique here: the first document keeps them."""
        number, intent = item.fields.get("number"), item.fields["payment_intent_id"]
        owner = self.claimed_numbers.get(number) or self.number_owners.get(number, item.key)
        if number and owner != item.key:
            raise Rejected(f"orderNumber {number} déjà utilisé {_by(owner)}")
        order = self.intent_owners.get(intent)
        owner = self.claimed_intents.get(intent) or (order.legacy_id if order else item.key)
        if intent and owner != item.key:
            raise Rejected(f"paymentIntentId {intent} déjà utilisé {_by(owner)}")
        if number:
            self.claimed_numbers[number] = item.key
        if intent:
            self.claimed_intents[intent] = item.key

    def decide(self, item: Mapped) -> tuple[str, str]:
        self._check_unique(item)
        user_id = self.users.get(item.fields["email"])
        if user_id is not None:
            item.fields["user_id"] = user_id
        order = self.existing.get(item.key)
        if order is None:
            return CREATED, ""
        if order.status != item.status:
            # Statuses move only through orders.services: an order that lived on here (claimed
            # at the desk, refunded…) is left alone rather than rewound.
            return SKIPPED, (
                f"commande {order.number} au statut « {order.status} » ici, "
                f"« {item.status} » d’après l’ancien système : laissée telle quelle"
            )
        _compare(item, order, [name for name in item.fields if name != "legacy_id"])
        reading = order.reading_or_none
        if item.reading is not None:
            # The document's reading, compared with ours (all of it when we have none yet).
            item.reading_changed = [
                name
                for name, value in item.reading.items()
                if reading is None or getattr(reading, name) != value
            ]
        return (UPDATED, "") if item.changed or item.reading_changed else (UNCHANGED, "")

    def create(self, items: list[Mapped]) -> None:
        services.import_orders(
            [(item.fields, item.reading, item.status, item.note) for item in items]
        )

    def update(self, items: list[Mapped]) -> None:
        # updated_at moves with the reading too: pages cached by it show the reading's dates.
        orders, names = _apply(items, "updated_at")
        now = timezone.now()
        for order in orders:
            order.updated_at = now
        Order.objects.bulk_update(orders, names)
        readings, reading_names, new_readings = [], {"updated_at"}, []
        for item in items:
            if not item.reading_changed:
                continue
            reading = item.instance.reading_or_none
            if reading is None:
                new_readings.append(Reading(order=item.instance, **item.reading))
                continue
            for name in item.reading_changed:
                setattr(reading, name, item.reading[name])
            reading.updated_at = now
            readings.append(reading)
            reading_names.update(item.reading_changed)
        Reading.objects.bulk_update(readings, sorted(reading_names))
        Reading.objects.bulk_create(new_readings)


def _by(legacy_id: str | None) -> str:
    return f"par le document {legacy_id}" if legacy_id else "par une commande de ce site"


class ProductOrderImport(OrderImport):
    """productorders: merged into the order of the same payment, otherwise orders of their own."""

    def __init__(self, context: Context, orders: OrderImport) -> None:
        super().__init__(context)  # productorders name no files
        self.orders = orders

    def map(self, document: dict) -> Mapped:
        return mapping.map_product_order(document, self.context)

    def prepare(self, items: list[Mapped]) -> None:
        super().prepare(items)
        self.numbers_in_use = set(
            Order.objects.filter(number__in=[self._number(item, 0) for item in items]).values_list(
                "number", flat=True
            )
        )

    @staticmethod
    def _number(item: Mapped, attempt: int) -> str:
        created_at = item.fields["created_at"]
        return mapping.product_order_number(item.key, created_at, attempt)

    def decide(self, item: Mapped) -> tuple[str, str]:
        intent = item.fields["payment_intent_id"]
        owner = self.intent_owners.get(intent)
        legacy_order = self.orders.payment_intents.get(intent) if intent else None
        if legacy_order is not None and owner is None:
            raise Rejected(
                f"même paiement que le document orders {legacy_order}, qui n’a pas été importé"
            )
        if owner is not None and owner.legacy_id != item.key:
            return MERGED, f"même paiement que la commande {owner.number} : fusionnée avec elle"
        if intent in self.claimed_intents:
            # Two productorders of one payment, in the same batch: the first makes the order.
            return MERGED, (
                f"même paiement que le document {self.claimed_intents[intent]} : fusionnée avec lui"
            )
        outcome = super().decide(item)
        if outcome[0] == CREATED:
            item.fields["number"] = self._free_number(item)
        return outcome

    def _free_number(self, item: Mapped) -> str:
        attempt = 0
        number = self._number(item, attempt)
        # The first candidates were loaded with the batch; a rare second draw is checked alone.
        while number in self.numbers_in_use or (
            attempt and Order.objects.filter(number=number).exists()
        ):
            attempt += 1
            number = self._number(item, attempt)
        self.numbers_in_use.add(number)
        return number


# --- Processed Stripe events ------------------------------------------------------------------


class ProcessedEventImport(CollectionImport):
    """Event ids the old system applied, so that our webhook answers a replay as a duplicate."""

    def map(self, document: dict) -> Mapped:
        item = mapping.map_processed_event(document)
        item.fields["detail"] = f"ancien système, document {item.key}"
        return item

    def prepare(self, items: list[Mapped]) -> None:
        self.existing = {
            event.event_id: event
            for event in ProcessedEvent.objects.filter(
                event_id__in=[item.fields["event_id"] for item in items]
            )
        }
        self.claimed: dict[str, str] = {}

    def decide(self, item: Mapped) -> tuple[str, str]:
        event_id = item.fields["event_id"]
        if not item.fields.pop("processed"):
            # Never applied by the old system: Stripe may still deliver it, and we must apply it.
            return SKIPPED, f"{event_id} non traité par l’ancien système (processed: false)"
        if event_id in self.claimed:
            return SKIPPED, f"{event_id} en double (déjà dans le document {self.claimed[event_id]})"
        self.claimed[event_id] = item.key
        event = self.existing.get(event_id)
        if event is None:
            return CREATED, ""
        if event.outcome != ProcessedEvent.Outcome.LEGACY:
            return UNCHANGED, ""  # our own webhook recorded it: its record wins
        return _compare(item, event, ["type", "processed_at", "detail"])

    def create(self, items: list[Mapped]) -> None:
        insert_rows(
            ProcessedEvent,
            [{**item.fields, "outcome": ProcessedEvent.Outcome.LEGACY} for item in items],
        )

    def update(self, items: list[Mapped]) -> None:
        events, names = _apply(items)
        ProcessedEvent.objects.bulk_update(events, names)
