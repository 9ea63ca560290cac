"""Time `import_legacy` on a mongodump of 50,000 legacy orders (issue 5: under a minute here).

    .venv/bin/python benchmarks/import_legacy.py [--orders 50000] [--database-url URL]

Writes a realistic dump with pymongo's `bson` encoder into a temporary directory (orders gzipped,
as `mongodump --gzip` writes them, plus experts, users, productorders and processedevents),
migrates a throwaway SQLite database (or the DATABASE_URL given: use an empty one, it is
written to), then times the import, the idempotent re-run and a dry run. Prints figures only;
the temporary directory is removed at the end.
"""

import argparse
import gzip
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bson
from bson import ObjectId

ROOT = Path(__file__).resolve().parent.parent
STATUSES = [  # (legacy status, validated, share): mostly delivered history, as a shop grows
    ("completed", True, 0.60),
    ("completed", False, 0.10),
    ("paid", False, 0.10),
    ("pending", False, 0.05),
    ("failed", False, 0.05),
    ("refunded", False, 0.05),
    ("processing", False, 0.03),
    ("awaiting_validation", False, 0.02),
]
PRICES = {1: 2900, 2: 4700, 3: 7900, 4: 14900}
READING = "Votre lecture, paragraphe après paragraphe. " * 40


def build_dump(directory: Path, orders: int, rng: random.Random) -> dict[str, int]:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    experts = [
        {
            "_id": ObjectId(),
            "name": f"Expert {n}",
            "email": f"expert{n}@oraclelumira.com",
            "specialties": ["tarot"],
            "rating": 4.5,
            "isActive": True,
            "lastLogin": start,
        }
        for n in range(20)
    ]
    clients = orders // 3
    users = [
        {
            "_id": ObjectId(),
            "email": f"Client{n}@Example.com",
            "firstName": "Camille",
            "lastName": f"Durand {n}",
            "password": "$2b$10$hash-that-stays-behind",
            "createdAt": start + timedelta(minutes=n),
        }
        for n in range(clients)
    ]
    weights = [share for _, _, share in STATUSES]
    order_documents, product_documents, events = [], [], []
    for n in range(orders):
        status, validated, _ = rng.choices(STATUSES, weights)[0]
        level = rng.randint(1, 4)
        expert = rng.choice(experts)["_id"]
        created = start + timedelta(minutes=10 * n)
        intent = f"pi_bench_{n:08d}"
        document = {
            "_id": ObjectId(),
            "orderNumber": f"LU{created:%y%m%d}-{n:06d}",
            "userId": users[n % clients]["_id"],
            "userEmail": users[n % clients]["email"],
            "userName": "Camille Durand",
            "level": level,
            "levelName": "Niveau",
            "amount": PRICES[level],
            "currency": "EUR",
            "status": status,
            "paymentIntentId": intent,
            "service": "basic",
            "duration": 30,
            "expertId": expert,
            "paidAt": created + timedelta(minutes=2) if status != "pending" else None,
            "formData": {
                "firstName": "Camille",
                "lastName": "Durand",
                "email": users[n % clients]["email"],
                "phone": "+33 6 12 34 56 78",
                "dateOfBirth": datetime(1990, 5, 11, 22, tzinfo=UTC),
                "specificQuestion": "Quel chemin ?",
                "preferences": {"audioVoice": "feminine", "deliveryFormat": "email"},
            },
            "files": [{"name": "visage.jpg", "url": "https://files.example/visage.jpg"}],
            "clientInputs": {
                "birthTime": "14:30",
                "birthPlace": "Lyon",
                "specificContext": "Contexte.",
                "lifeQuestion": "Question de vie ?",
            },
            "generatedContent": {
                "archetype": "L’Alchimiste",
                "reading": READING,
                "ritual": "Rituel.",
                "blockagesAnalysis": "Blocages.",
                "soulProfile": "Profil d’âme.",
                "mandalaSvg": "<svg></svg>",
                "audioUrl": "https://files.example/a.mp3",
            }
            if status in {"completed", "awaiting_validation"}
            else None,
            "expertValidation": {
                "validatorId": expert,
                "validationStatus": "approved" if validated else "pending",
                "validatedAt": created + timedelta(days=2) if validated else None,
            },
            "revisionCount": 0,
            "deliveredAt": created + timedelta(days=2) if validated else None,
            "createdAt": created,
            "updatedAt": created + timedelta(days=2),
        }
        order_documents.append(document)
        events.append(
            {
                "_id": ObjectId(),
                "eventId": f"evt_bench_{n:08d}",
                "eventType": "payment_intent.succeeded",
                "processed": True,
                "processedAt": created,
            }
        )
        if n % 10 == 0:  # one in ten also has a productorder: half the same payment
            product_documents.append(
                {
                    "_id": ObjectId(),
                    "productId": rng.choice(["initie", "mystique", "profond", "integrale"]),
                    "customerEmail": users[n % clients]["email"],
                    "amount": 4700,
                    "currency": "eur",
                    "status": "completed",
                    "paymentIntentId": intent if n % 20 == 0 else f"pi_product_{n:08d}",
                    "completedAt": created,
                    "createdAt": created,
                }
            )
    folder = directory / "lumira-mvp"
    folder.mkdir(parents=True)
    collections = {
        "experts": experts,
        "users": users,
        "orders": order_documents,
        "productorders": product_documents,
        "processedevents": events,
    }
    for name, documents in collections.items():
        data = b"".join(bson.encode(document) for document in documents)
        if name == "orders":
            (folder / f"{name}.bson.gz").write_bytes(gzip.compress(data, compresslevel=1))
        else:
            (folder / f"{name}.bson").write_bytes(data)
        (folder / f"{name}.metadata.json").write_text(f'{{"collectionName": "{name}"}}')
    return {name: len(documents) for name, documents in collections.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--database-url", help="an EMPTY database (default: temporary SQLite)")
    parser.add_argument("--seed", type=int, default=5)
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lumira-bench-import-"))
    try:
        run(arguments, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(arguments: argparse.Namespace, workdir: Path) -> None:
    os.environ["DATABASE_URL"] = arguments.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
    os.environ["DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lumira.settings"
    sys.path.insert(0, str(ROOT))

    import logging

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from legacy.importer import import_legacy
    from legacy.readers import DumpReader
    from orders.models import Order

    call_command("migrate", verbosity=0)
    logging.getLogger("legacy").setLevel(logging.WARNING)  # the tables say it all
    if Order.objects.exists():
        sys.exit("The benchmark database must be empty.")

    started = time.perf_counter()
    sizes = build_dump(workdir / "dump", arguments.orders, random.Random(arguments.seed))
    seeded = time.perf_counter() - started
    dump_bytes = sum(path.stat().st_size for path in (workdir / "dump").rglob("*.bson*"))
    print(f"dump: {sizes} in {seeded:.1f}s, {dump_bytes / 1e6:.1f} MB")

    reader = DumpReader(workdir / "dump")
    for label, options in (("import", {}), ("re-run", {}), ("dry run", {"dry_run": True})):
        started, cpu = time.perf_counter(), time.process_time()
        report = import_legacy(reader, source="benchmark", **options)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"\n{label}: {elapsed:.1f}s wall, {cpu:.1f}s CPU of this process, "
            f"{arguments.orders / elapsed:.0f} orders/s; load average now {os.getloadavg()[0]:.1f}"
        )
        print("\n".join(report.lines()))
    statuses = dict(Order.objects.values_list("status").annotate(n=Count("pk")))
    print(f"orders in the database: {Order.objects.count()} {statuses}")


if __name__ == "__main__":
    main()
