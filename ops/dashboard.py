"""The owner's figures over a period (SPEC §7), computed from the orders, refunds and history.

Every figure here is plain arithmetic over rows of the period, so a test can compute it by hand.
Days are the site's local days (TIME_ZONE).
"""

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from billing.models import Refund
from ops.models import Alert
from orders.models import BACKLOG_STATUSES, Order, OrderEvent, late_orders


@dataclass
class Money:
    gross: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunded


@dataclass
class Durations:
    """Delivery times (paid → delivered) of a group of orders, in hours."""

    hours: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.hours)

    @property
    def median(self) -> float | None:
        return statistics.median(self.hours) if self.hours else None

    @property
    def p90(self) -> float | None:
        """Nearest-rank 90th percentile: the smallest value at or above 90 % of the others."""
        if not self.hours:
            return None
        ordered = sorted(self.hours)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass
class Step:
    label: str
    count: int
    rate_from_previous: float | None
    rate_from_start: float | None


@dataclass
class Dashboard:
    start: date
    end: date
    total: Money
    by_day: list[tuple[date, Money]]
    by_offer: list[tuple[str, Money]]
    funnel: list[Step]
    failures: list[tuple[str, int]]
    failure_rate: float | None
    by_level: list[tuple[int, Durations]]
    by_expert: list[tuple[str, Durations]]
    backlog: dict[str, int]
    late: list[Order]
    flagged: list[Order]
    alerts: list[Alert]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def build(start: date, end: date, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    since, until = _bounds(start, end)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    by_day = {day: Money() for day in days}
    by_offer: dict[str, Money] = defaultdict(Money)
    total = Money()

    paid = Order.objects.filter(paid_at__gte=since, paid_at__lt=until).only(
        "paid_at", "price_cents", "offer_name", "level"
    )
    for order in paid:
        by_day[_day(order.paid_at)].gross += order.price_cents
        by_offer[order.offer_name].gross += order.price_cents
        total.gross += order.price_cents
    refunds = Refund.objects.filter(
        status=Refund.Status.SUCCEEDED, succeeded_at__gte=since, succeeded_at__lt=until
    ).select_related("order")
    for refund in refunds:
        by_day[_day(refund.succeeded_at)].refunded += refund.amount_cents
        by_offer[refund.order.offer_name].refunded += refund.amount_cents
        total.refunded += refund.amount_cents

    created = Order.objects.filter(created_at__gte=since, created_at__lt=until)
    counts = [
        ("Commandes créées", created.count()),
        ("Payées", created.filter(paid_at__isnull=False).count()),
        ("Formulaire rempli", created.filter(intake_submitted_at__isnull=False).count()),
        ("Livrées", created.filter(reading__delivered_at__isnull=False).count()),
    ]
    funnel = []
    for index, (label, count) in enumerate(counts):
        previous = counts[index - 1][1] if index else None
        funnel.append(
            Step(
                label,
                count,
                _rate(count, previous) if previous is not None else None,
                _rate(count, counts[0][1]) if index else None,
            )
        )

    events = OrderEvent.objects.filter(created_at__gte=since, created_at__lt=until)
    failed = Counter(events.filter(to_status=Order.Status.FAILED).values_list("note", flat=True))
    successes = events.filter(
        to_status=Order.Status.PAID, from_status__in=[Order.Status.PENDING, Order.Status.FAILED]
    ).count()
    failure_count = sum(failed.values())

    by_level: dict[int, Durations] = defaultdict(Durations)
    by_expert: dict[str, Durations] = defaultdict(Durations)
    delivered = Order.objects.filter(
        reading__delivered_at__gte=since,
        reading__delivered_at__lt=until,
        paid_at__isnull=False,
    ).select_related("assigned_expert", "reading")
    for order in delivered:
        hours = (order.reading.delivered_at - order.paid_at).total_seconds() / 3600
        by_level[order.level].hours.append(hours)
        name = order.assigned_expert.name if order.assigned_expert else "—"
        by_expert[name].hours.append(hours)

    backlog_orders = Order.objects.filter(status__in=BACKLOG_STATUSES)
    backlog = {
        "waiting_intake": backlog_orders.filter(
            status=Order.Status.PAID, intake_submitted_at__isnull=True
        ).count(),
        "ready": backlog_orders.filter(
            status=Order.Status.PAID, intake_submitted_at__isnull=False
        ).count(),
        "processing": backlog_orders.filter(status=Order.Status.PROCESSING).count(),
        "awaiting_validation": backlog_orders.filter(
            status=Order.Status.AWAITING_VALIDATION
        ).count(),
    }
    backlog["total"] = sum(backlog.values())

    return Dashboard(
        start=start,
        end=end,
        total=total,
        by_day=list(by_day.items()),
        by_offer=sorted(by_offer.items(), key=lambda item: -item[1].gross),
        funnel=funnel,
        failures=sorted(failed.items(), key=lambda item: (-item[1], item[0])),
        failure_rate=_rate(failure_count, failure_count + successes),
        by_level=sorted(by_level.items()),
        by_expert=sorted(by_expert.items()),
        backlog=backlog,
        late=list(late_orders(now).select_related("assigned_expert").order_by("due_at")[:50]),
        flagged=list(
            Order.objects.filter(
                ~Q(payment_flag="") | Q(dispute_status=Order.DisputeStatus.OPEN)
            ).order_by("-updated_at")[:50]
        ),
        alerts=list(Alert.objects.filter(created_at__gte=now - timedelta(days=7))[:20]),
    )
