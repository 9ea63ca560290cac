"""The Sanctuaire's rules: who may ask for a link, who a link logs in, what a client owns,
what we hold about them and how it is erased (SPEC §9, issue "My data")."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from orders.models import EmailFailure, Order, OrderPhoto, Reading
from orders.sections import FILE_SECTIONS, TEXT_SECTIONS
from sanctuaire.models import ClientProfile, DeletionRequest, LoginRequest, LoginToken

logger = logging.getLogger(__name__)

User = get_user_model()

# Login-link requests allowed per window; refused requests are not counted, so a client
# who waits gets in again.
EMAIL_LIMIT = (3, timedelta(minutes=15))
ADDRESS_LIMIT = (10, timedelta(hours=1))
KEEP_REQUESTS = timedelta(days=1)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _email_digest(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def allow_login_request(email: str, ip_address: str | None) -> bool:
    """Record a login-link request unless this email or address asked too often."""
    now = timezone.now()
    digest = _email_digest(email)
    LoginRequest.objects.filter(created_at__lt=now - KEEP_REQUESTS).delete()
    email_count, email_window = EMAIL_LIMIT
    if (
        LoginRequest.objects.filter(email_hash=digest, created_at__gte=now - email_window).count()
        >= email_count
    ):
        logger.warning("login link refused: too many requests for one email")
        return False
    address_count, address_window = ADDRESS_LIMIT
    if (
        ip_address
        and LoginRequest.objects.filter(
            ip_address=ip_address, created_at__gte=now - address_window
        ).count()
        >= address_count
    ):
        logger.warning("login link refused: too many requests from %s", ip_address)
        return False
    LoginRequest.objects.create(email_hash=digest, ip_address=ip_address, created_at=now)
    return True


def _staff_account(email: str) -> bool:
    # Staff sign in with their password: a mailbox alone must never open the desk or admin.
    return User.objects.filter(
        Q(username__iexact=email) | Q(email__iexact=email), Q(is_staff=True) | Q(is_superuser=True)
    ).exists()


def may_receive_link(email: str) -> bool:
    """A client we know: an order under this email, or a client account."""
    email = normalise_email(email)
    if _staff_account(email):
        return False
    return (
        Order.objects.filter(email=email, anonymised_at__isnull=True).exists()
        or User.objects.filter(username=email, is_active=True).exists()
    )


class LoginRefused(Exception):
    """The link was good but this account does not log in by link (staff, deactivated)."""


def log_in_client(token: LoginToken) -> AbstractBaseUser:
    """The client account for the token's email, created on first use, with its orders."""
    email = token.email
    if _staff_account(email):
        raise LoginRefused(email)
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=email, defaults={"email": email})
        if not user.is_active:
            raise LoginRefused(email)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        # Every order bought under this email, before or after the account existed.
        linked = Order.objects.filter(
            email=email, user__isnull=True, anonymised_at__isnull=True
        ).update(user=user)
        _fill_profile(user)
    logger.info("client %s logged in by link (%d orders linked)", user.pk, linked)
    return user


def _fill_profile(user: AbstractBaseUser) -> None:
    """First login: take name and birth date from the latest order that has them."""
    profile, _created = ClientProfile.objects.get_or_create(user=user)
    orders = client_orders(user)
    if not user.first_name or not user.last_name:
        named = orders.exclude(first_name="").exclude(last_name="").first()
        if named is not None:
            user.first_name, user.last_name = named.first_name, named.last_name
            user.save(update_fields=["first_name", "last_name"])
    if profile.date_of_birth is None:
        born = orders.filter(date_of_birth__isnull=False).first()
        if born is not None:
            profile.date_of_birth = born.date_of_birth
            profile.save(update_fields=["date_of_birth", "updated_at"])


def profile_is_complete(user: AbstractBaseUser) -> bool:
    try:
        profile = user.client_profile  # read with the user (lumira.backends.ModelBackend)
    except ClientProfile.DoesNotExist:
        profile = None
    return bool(
        user.first_name and user.last_name and profile and profile.date_of_birth is not None
    )


def client_orders(user: AbstractBaseUser) -> QuerySet[Order]:
    """The client's orders: linked to the account, or bought under its (verified) email and
    not linked to another account (the account is the client, not an address it once used)."""
    query = Q(user=user)
    if email := _orders_email(user):
        query |= Q(email=email, user__isnull=True)
    return Order.objects.filter(query, anonymised_at__isnull=True).order_by("-created_at")


def _orders_email(user: AbstractBaseUser) -> str | None:
    """The address the client's unlinked orders are under: Order.save() lower-cases it, so an
    exact match uses the index (iexact would not)."""
    return normalise_email(user.email) if user.email else None


# The same orders as client_orders (a test keeps the two in step), as the dashboard's cache
# version: every view reads it, so it is one literal query (SPEC §14, docs/performance.md).
CLIENT_ORDERS_VERSION_SQL = """
    SELECT public_id, updated_at FROM orders_order
    WHERE (user_id = %s OR (email = %s AND user_id IS NULL)) AND anonymised_at IS NULL
    ORDER BY created_at DESC
"""


def client_orders_version(user: AbstractBaseUser) -> list[tuple]:
    """(public id, last change) of each of the client's orders: changes with any of them."""
    with connection.cursor() as cursor:
        cursor.execute(CLIENT_ORDERS_VERSION_SQL, [user.pk, _orders_email(user)])
        return cursor.fetchall()


# --- My data ----------------------------------------------------------------------------------

PERSONAL_ORDER_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "phone",
    "date_of_birth",
    "question",
    "audio_voice",
    "delivery_format",
    "birth_time",
    "birth_place",
    "specific_context",
    "life_question",
    "intake_submitted_at",
]


def export_client_data(user: AbstractBaseUser) -> dict:
    """Everything we hold about the client, as JSON-ready data."""
    profile = ClientProfile.objects.filter(user=user).first()
    orders = []
    for order in client_orders(user).select_related("reading").prefetch_related("photos", "events"):
        # The client sees a reading once it is delivered, and only then.
        reading = order.reading_or_none if order.is_delivered else None
        orders.append(
            {
                "number": order.number,
                "public_id": str(order.public_id),
                "created_at": order.created_at.isoformat(),
                "status": order.status,
                "offer": order.offer_name,
                "level": order.level,
                "amount_cents": order.price_cents,
                "currency": order.currency,
                "paid_at": _iso(order.paid_at),
                "refunded_at": _iso(order.refunded_at),
                "delivered_at": _iso(reading.delivered_at) if reading else None,
                "client": {name: _plain(getattr(order, name)) for name in PERSONAL_ORDER_FIELDS},
                "content": (
                    {s.name: reading.text(s.name) for s in TEXT_SECTIONS} if reading else {}
                ),
                "files": {s.name: bool(reading and reading.has(s)) for s in FILE_SECTIONS},
                "photos": [
                    {
                        "id": str(photo.public_id),
                        "content_type": photo.content_type,
                        "size_bytes": photo.size_bytes,
                        "width": photo.width,
                        "height": photo.height,
                        "uploaded_at": photo.created_at.isoformat(),
                    }
                    for photo in order.photos.all()
                ],
                "history": [
                    {
                        "from": event.from_status,
                        "to": event.to_status,
                        "at": event.created_at.isoformat(),
                    }
                    for event in order.events.all()
                ],
            }
        )
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_of_birth": _plain(profile.date_of_birth) if profile else None,
            "created_at": user.date_joined.isoformat(),
            "last_login": _iso(user.last_login),
        },
        "orders": orders,
        "deletion_requests": [
            {
                "created_at": request.created_at.isoformat(),
                "processed_at": _iso(request.processed_at),
            }
            for request in DeletionRequest.objects.filter(user=user)
        ],
        "exported_at": timezone.now().isoformat(),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def request_deletion(user: AbstractBaseUser) -> DeletionRequest:
    """Record the client's request; an admin carries it out with `anonymise_client`."""
    pending = DeletionRequest.objects.filter(user=user, processed_at__isnull=True).first()
    return pending or DeletionRequest.objects.create(user=user, email=user.email)


@dataclass
class AnonymisationReport:
    orders: int = 0
    files: int = 0
    accounts: int = 0

    def __str__(self) -> str:
        return f"{self.orders} commande(s), {self.files} fichier(s), {self.accounts} compte(s)"


# Erased on every order of the client; number, offer snapshot, amounts, status, payment
# reference and dates stay for the accounts.
ERASED = {
    "first_name": "",
    "last_name": "",
    "phone": "",
    "date_of_birth": None,
    "question": "",
    "birth_time": None,
    "birth_place": "",
    "specific_context": "",
    "life_question": "",
    "user": None,
}
# Erased on the reading: what was written for the client; its dates and counts stay.
ERASED_READING = {
    "texts": {},
    "instructions": "",
    "review_notes": "",
    "validation_notes": "",
    "rejection_reason": "",
    "generation_error": "",
    **{section.name: "" for section in FILE_SECTIONS},
}


def anonymise_client(email: str, *, actor: AbstractBaseUser | None = None) -> AnonymisationReport:
    """Erase a client's personal data and files, keeping each order's accounting."""
    email = normalise_email(email)
    report = AnonymisationReport()
    users = list(User.objects.filter(username=email, is_staff=False, is_superuser=False))
    query = Q(email=email)
    if users:
        query |= Q(user__in=users)
    files: list[str] = []
    with transaction.atomic():
        orders = list(
            Order.objects.filter(query, anonymised_at__isnull=True).select_related("reading")
        )
        now = timezone.now()
        for order in orders:
            reading = order.reading_or_none
            if reading is not None:
                files += [getattr(reading, s.name).name for s in FILE_SECTIONS if reading.has(s)]
                Reading.objects.filter(pk=reading.pk).update(**ERASED_READING, updated_at=now)
            photos = OrderPhoto.objects.filter(order=order)
            files += [photo.file.name for photo in photos if photo.file.name]
            photos.delete()
            Order.objects.filter(pk=order.pk).update(
                **ERASED,
                email=f"anonyme-{order.public_id.hex[:12]}@anonyme.invalid",
                anonymised_at=now,
                updated_at=now,
            )
            EmailFailure.objects.filter(order=order).update(recipient="anonyme@anonyme.invalid")
        report.orders = len(orders)
        report.files = len(files)
        report.accounts = len(users)
        LoginToken.objects.filter(email=email).delete()
        LoginRequest.objects.filter(email_hash=_email_digest(email)).delete()
        EmailFailure.objects.filter(recipient__iexact=email).update(
            recipient="anonyme@anonyme.invalid"
        )
        DeletionRequest.objects.filter(Q(email__iexact=email) | Q(user__in=users)).update(
            email="",
            user=None,
            processed_at=now,
            processed_by=actor if actor is not None and actor.is_authenticated else None,
            report=str(report),
        )
        for user in users:
            user.delete()  # the profile goes with it; sessions of a deleted user log out
        transaction.on_commit(lambda: _delete_files(files))
    logger.info("client anonymised: %s", report)
    return report


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not delete an anonymised file")
