from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from experts.models import Expert
from orders.models import NUMBER_ALPHABET, Offer, Order, Reading


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("motdepasse-lumira")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    user = factory.SubFactory(UserFactory, is_staff=True)
    name = factory.Sequence(lambda n: f"Expert {n}")
    slug = factory.Sequence(lambda n: f"expert-{n}")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else f"{o.slug}@example.com")


def _offer(level: int) -> Offer:
    return Offer.objects.get(level=level)


def _order_number(n: int) -> str:
    """The site's format, drawn from a sequence: the site's random suffix, retried on a clash
    by orders.services.create_order, would make a test that creates a hundred orders fail
    once in a few thousand runs."""
    suffix = ""
    for _position in range(5):
        n, digit = divmod(n, len(NUMBER_ALPHABET))
        suffix = NUMBER_ALPHABET[digit] + suffix
    return f"LUM-{timezone.localdate():%Y%m%d}-{suffix}"


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending order snapshotting a seeded offer (level 2 unless told otherwise)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    class Params:
        offer_level = 2
        paid = factory.Trait(
            status=Order.Status.PAID,
            payment_status="succeeded",
            paid_at=factory.LazyFunction(timezone.now),
            due_at=factory.LazyAttribute(
                lambda o: o.paid_at + timedelta(hours=o.offer.delivery_hours)
            ),
        )
        # Paid and the intake form filled: an expert may claim it.
        ready = factory.Trait(paid=True, intake_submitted_at=factory.LazyFunction(timezone.now))

    offer = factory.LazyAttribute(lambda o: _offer(o.offer_level))
    level = factory.SelfAttribute("offer.level")
    level_name = factory.SelfAttribute("offer.level_name")
    offer_name = factory.SelfAttribute("offer.name")
    service = factory.SelfAttribute("offer.service")
    price_cents = factory.SelfAttribute("offer.price_cents")
    currency = "eur"
    duration_minutes = factory.SelfAttribute("offer.duration_minutes")
    delivery_hours = factory.SelfAttribute("offer.delivery_hours")
    number = factory.Sequence(_order_number)
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    first_name = "Camille"
    last_name = "Durand"
    payment_intent_id = factory.Sequence(lambda n: f"pi_test_{n:08d}")
    payment_status = "requires_payment_method"

    @factory.post_generation
    def reading(order, create, extracted, **fields):
        """`OrderFactory(reading__texts={...}, reading__delivered_at=…)` gives it a Reading."""
        if create and (extracted or fields):
            ReadingFactory(order=order, **(extracted or {}), **fields)


class ReadingFactory(factory.django.DjangoModelFactory):
    """What an expert wrote for an order (every text section of SPEC §5 unless told)."""

    class Meta:
        model = Reading

    order = factory.SubFactory(OrderFactory, paid=True, status=Order.Status.PROCESSING)
    texts = factory.Dict({})


def text_of(order: Order, name: str) -> str:
    """A text section of the order's reading as stored now, "" when there is no reading."""
    reading = Reading.objects.filter(order=order).first()
    return reading.text(name) if reading else ""


# The two boxes of the payment step (SPEC §6.1), ticked.
CONSENT = {"accept_terms": "on", "waive_withdrawal": "on"}
