"""A realistic legacy database: documents shaped like the old Mongoose models, written as
`mongodump` writes them (BSON, optionally gzipped, with `.metadata.json` beside each file)."""

import gzip
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import bson
import pytest
from bson import ObjectId


def oid() -> ObjectId:
    return ObjectId()


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def write_dump(root: Path, collections: dict[str, list[dict]], *, gzipped=(), db="lumira-mvp"):
    """A mongodump directory: root/<db>/<collection>.bson[.gz] + .metadata.json[.gz]."""
    folder = root / db
    folder.mkdir(parents=True, exist_ok=True)
    for name, documents in collections.items():
        data = b"".join(bson.encode(document) for document in documents)
        metadata = json.dumps(
            {
                "indexes": [{"v": {"$numberInt": "2"}, "key": {"_id": 1}, "name": "_id_"}],
                "uuid": "5f0c3e3a9d2b4c1e8a7f6b5c4d3e2f1a",
                "collectionName": name,
                "type": "collection",
            }
        ).encode()
        if name in gzipped:
            (folder / f"{name}.bson.gz").write_bytes(gzip.compress(data))
            (folder / f"{name}.metadata.json.gz").write_bytes(gzip.compress(metadata))
        else:
            (folder / f"{name}.bson").write_bytes(data)
            (folder / f"{name}.metadata.json").write_bytes(metadata)
    return root


def legacy_order(**overrides) -> dict:
    """An `orders` document as the old system stored it (a paid level-2 order by default)."""
    document = {
        "_id": oid(),
        "orderNumber": "LU250112-000001",
        "userId": oid(),
        "userEmail": "client@example.com",
        "userName": "Camille Durand",
        "level": 2,
        "levelName": "Intuitive",
        "amount": 4700,
        "currency": "EUR",
        "status": "paid",
        "paymentIntentId": None,
        "stripeSessionId": None,
        "service": "advanced",
        "duration": 45,
        "expertId": None,
        "paidAt": at(2025, 1, 12, 9, 31, 2),
        "formData": {
            "firstName": "Camille",
            "lastName": "Durand",
            "email": "client@example.com",
            "phone": "+33 6 12 34 56 78",
            # 1990-05-12 at midnight in Paris, as the old front end sent it.
            "dateOfBirth": at(1990, 5, 11, 22, 0),
            "specificQuestion": "Quel chemin pour ma reconversion ?",
            "preferences": {"audioVoice": "feminine", "deliveryFormat": "email"},
        },
        "files": [
            {
                "name": "visage.jpg",
                "url": "https://files.oraclelumira.com/uploads/visage.jpg",
                "key": "uploads/visage.jpg",
                "contentType": "image/jpeg",
                "size": 183_204,
                "type": "face_photo",
            }
        ],
        "clientInputs": {
            "birthTime": "14:30",
            "birthPlace": "Lyon, France",
            "specificContext": "Changement de travail en vue.",
            "lifeQuestion": "Où trouver ma joie ?",
        },
        "generatedContent": None,
        "expertReview": {"status": "pending", "notes": ""},
        "expertValidation": {"validationStatus": "pending"},
        "revisionCount": 0,
        "deliveredAt": None,
        "createdAt": at(2025, 1, 12, 9, 28, 40),
        "updatedAt": at(2025, 1, 12, 9, 31, 2),
        "__v": 0,
    }
    document.update(overrides)
    return document


def content(level: int = 3) -> dict:
    """generatedContent for a level, complete."""
    document = {
        "archetype": "L’Alchimiste",
        "reading": "Votre lecture complète, paragraphe après paragraphe.",
        "ritual": "Allumez une bougie blanche à la nouvelle lune.",
        "audioUrl": "https://files.oraclelumira.com/audio/lecture.mp3",
        "pdfUrl": "https://files.oraclelumira.com/pdf/lecture.pdf",
        "mandalaSvg": "",
        "blockagesAnalysis": "",
        "soulProfile": "",
    }
    if level >= 3:
        document["blockagesAnalysis"] = "Un blocage ancien autour de la confiance."
    if level >= 4:
        document["soulProfile"] = "Âme ancienne, tournée vers le soin."
        document["mandalaSvg"] = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    return document


@dataclass
class LegacyData:
    """The legacy collections, with the ids the tests look for."""

    collections: dict[str, list[dict]] = field(default_factory=dict)
    ids: dict[str, ObjectId] = field(default_factory=dict)

    def add(self, collection: str, name: str, document: dict) -> dict:
        self.collections.setdefault(collection, []).append(document)
        self.ids[name] = document["_id"]
        return document

    def key(self, name: str) -> str:
        return str(self.ids[name])


def build_legacy_data() -> LegacyData:
    data = LegacyData()
    for name in ("experts", "users", "orders", "productorders", "processedevents"):
        data.collections[name] = []

    # Experts: one active with everything, one inactive, one without an email.
    selene = data.add(
        "experts",
        "selene",
        {
            "_id": oid(),
            "name": "Séléné Martin",
            "email": "Selene@OracleLumira.com",
            "password": "$2b$12$Q9y0dJ1c2w3l0n9v8F7x6eGmN5b4V3c2X1z0A9s8D7f6G5h4J3k2L",
            "specialties": ["tarot", "astrologie"],
            "rating": 4.8,
            "isActive": True,
            "lastLogin": at(2025, 3, 1, 18, 5),
            "createdAt": at(2024, 9, 1, 8, 0),
        },
    )
    data.add(
        "experts",
        "orion",
        {
            "_id": oid(),
            "name": "Orion Leblanc",
            "email": "orion@oraclelumira.com",
            "specialties": [],
            "rating": 5,
            "isActive": False,
            "createdAt": at(2024, 9, 2, 8, 0),
        },
    )
    data.add("experts", "expert_no_email", {"_id": oid(), "name": "Sans Adresse"})

    # Users: the delivered client, a duplicate of them, a broken address.
    data.add(
        "users",
        "camille",
        {
            "_id": oid(),
            "email": "Camille.Durand@Example.com",
            "firstName": "Camille",
            "lastName": "Durand",
            "password": "$2b$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY",
            "createdAt": at(2025, 1, 10, 12, 0),
        },
    )
    data.add(
        "users",
        "camille_again",
        {"_id": oid(), "email": "camille.durand@example.com", "firstName": "Cam"},
    )
    data.add("users", "user_bad_email", {"_id": oid(), "email": "pas-une-adresse"})

    # Orders that import.
    data.add(
        "orders",
        "delivered",
        legacy_order(
            _id=oid(),
            orderNumber="LU250110-000042",
            userId=data.ids["camille"],
            userEmail="Camille.Durand@Example.com",
            level=3,
            levelName="Alchimique",
            amount=7900,
            status="completed",
            paymentIntentId="pi_3QdeliveredAAAA",
            expertId=selene["_id"],
            generatedContent=content(3),
            expertReview={"status": "submitted", "notes": "Relu, belle lecture."},
            expertValidation={
                "validatorId": selene["_id"],
                "validatorName": "Séléné Martin",
                "validationStatus": "approved",
                "validationNotes": "Parfait.",
                "validatedAt": at(2025, 1, 14, 16, 0),
            },
            deliveredAt=at(2025, 1, 14, 16, 2, 30),
        ),
    )
    data.add(
        "orders",
        "completed_unvalidated",
        legacy_order(
            _id=oid(),
            orderNumber="LU250111-000043",
            status="completed",
            paymentIntentId="pi_3QunvalidatedBB",
            generatedContent=content(2),
            expertValidation={"validationStatus": "pending"},
        ),
    )
    data.add(
        "orders",
        "completed_empty",
        legacy_order(
            _id=oid(),
            orderNumber="LU250111-000044",
            status="completed",
            paymentIntentId="pi_3QemptyCC",
            expertValidation={"validationStatus": "approved"},
        ),
    )
    data.add(
        "orders",
        "pending",
        legacy_order(_id=oid(), orderNumber="LU250111-000045", status="pending", paidAt=None),
    )
    data.add(
        "orders",
        "failed",
        legacy_order(_id=oid(), orderNumber="LU250111-000046", status="failed", paidAt=None),
    )
    data.add(
        "orders",
        "refunded",
        legacy_order(
            _id=oid(),
            orderNumber="LU250111-000047",
            status="refunded",
            paymentIntentId="pi_3QrefundedDD",
            refundedAt=at(2025, 1, 20, 10, 0),
        ),
    )
    data.add(
        "orders",
        "processing",
        legacy_order(
            _id=oid(),
            orderNumber="LU250111-000048",
            status="processing",
            expertId=selene["_id"],
            paymentIntentId="pi_3QprocessingEE",
        ),
    )
    data.add(
        "orders",
        "awaiting",
        legacy_order(
            _id=oid(),
            orderNumber="LU250111-000049",
            level=1,
            levelName="Simple",
            amount=2900.0,  # a BSON double, as JavaScript sometimes wrote it
            status="awaiting_validation",
            generatedContent=content(1),
        ),
    )
    data.add(
        "orders",
        "shared_payment",
        legacy_order(
            _id=oid(),
            orderNumber="LU250111-000050",
            status="paid",
            paymentIntentId="pi_3QsharedFF",
            userEmail="Noe@Example.com",
            formData={"firstName": "Noé", "lastName": "Petit", "email": "noe@example.com"},
        ),
    )

    # Orders that do not.
    bad = {
        "order_no_number": legacy_order(_id=oid(), orderNumber=None),
        "order_amount_string": legacy_order(
            _id=oid(), orderNumber="LU250111-000061", amount="47.00"
        ),
        "order_unknown_status": legacy_order(
            _id=oid(),
            orderNumber="LU250111-000062",
            status="shipped",
            paymentIntentId="pi_3QrejectedGG",
        ),
        "order_bad_level": legacy_order(_id=oid(), orderNumber="LU250111-000063", level=7),
        "order_negative_amount": legacy_order(
            _id=oid(), orderNumber="LU250111-000064", amount=-4700
        ),
        "order_bad_email": legacy_order(
            _id=oid(),
            orderNumber="LU250111-000065",
            userEmail="camille at example",
        ),
        "order_duplicate_number": legacy_order(_id=oid(), orderNumber="LU250110-000042"),
        "order_form_not_object": legacy_order(
            _id=oid(), orderNumber="LU250111-000066", formData="Camille"
        ),
        "order_bad_birth_date": legacy_order(
            _id=oid(),
            orderNumber="LU250111-000067",
            formData={"firstName": "A", "dateOfBirth": "31/02/1990"},
        ),
    }
    for name, document in bad.items():
        data.add("orders", name, document)

    # productorders: one duplicating an order, one of its own, one of a rejected order, one bad.
    data.add(
        "productorders",
        "product_duplicate",
        {
            "_id": oid(),
            "productId": "mystique",
            "customerEmail": "noe@example.com",
            "amount": 4700,
            "currency": "eur",
            "status": "completed",
            "paymentIntentId": "pi_3QsharedFF",
            "metadata": {"source": "landing"},
            "completedAt": at(2025, 1, 11, 10, 0),
            "createdAt": at(2025, 1, 11, 9, 58),
        },
    )
    data.add(
        "productorders",
        "product_alone",
        {
            "_id": oid(),
            "productId": "profond",
            "customerEmail": "Lea.Martin@Example.com",
            "amount": 7900,
            "currency": "eur",
            "status": "completed",
            "paymentIntentId": "pi_3QproductOnlyHH",
            "metadata": {"firstName": "Léa", "lastName": "Martin"},
            "completedAt": at(2024, 12, 24, 23, 30),
            "createdAt": at(2024, 12, 24, 23, 28),
        },
    )
    data.add(
        "productorders",
        "product_of_rejected_order",
        {
            "_id": oid(),
            "productId": "mystique",
            "customerEmail": "client@example.com",
            "amount": 4700,
            "status": "completed",
            "paymentIntentId": "pi_3QrejectedGG",
            "createdAt": at(2025, 1, 11, 9, 0),
        },
    )
    data.add(
        "productorders",
        "product_unknown",
        {
            "_id": oid(),
            "productId": "premium-plus",
            "customerEmail": "x@example.com",
            "amount": 9900,
            "status": "completed",
        },
    )

    # Processed Stripe events: applied, never applied, broken.
    data.add(
        "processedevents",
        "event_applied",
        {
            "_id": oid(),
            "eventId": "evt_1QlegacyApplied",
            "eventType": "payment_intent.succeeded",
            "processed": True,
            "processedAt": at(2025, 1, 12, 9, 31, 1),
        },
    )
    data.add(
        "processedevents",
        "event_unprocessed",
        {
            "_id": oid(),
            "eventId": "evt_1QlegacyNotApplied",
            "eventType": "payment_intent.succeeded",
            "processed": False,
        },
    )
    data.add(
        "processedevents",
        "event_no_id",
        {"_id": oid(), "eventType": "charge.refunded", "processed": True},
    )
    return data


@pytest.fixture
def legacy_data() -> LegacyData:
    return build_legacy_data()


@pytest.fixture
def dump_dir(tmp_path, legacy_data) -> Path:
    """The legacy data as a mongodump directory; orders and productorders gzipped."""
    return write_dump(
        tmp_path / "dump", legacy_data.collections, gzipped={"orders", "productorders"}
    )
