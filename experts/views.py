"""The expert desk (SPEC §8): queue, order page, content, generator, validation, files.

Thin views: read a form, call one service, redirect with a French message. Every status change
goes through orders.services; content and the generator call through experts.services and
experts.generation.
"""

import logging
import uuid
from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Avg, DurationField, ExpressionWrapper, F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from experts import generation, tasks
from experts.access import expert_required, validator_required
from experts.diff import diff_words, has_changes
from experts.files import AUDIO_CONTENT_TYPES, PDF_CONTENT_TYPE
from experts.forms import (
    ApproveForm,
    ContentForm,
    DeskLoginForm,
    DeskPasswordResetForm,
    GenerateForm,
    RejectForm,
    file_field_name,
)
from experts.history import history
from experts.models import Expert
from experts.services import WorkRefused, can_work, save_content
from experts.templatetags.desk import span, time_left
from lumira.fragments import cached_fragment
from operations.tasks import enqueue
from orders import services as order_services
from orders.exceptions import (
    ClaimRefused,
    ContentIncomplete,
    TransitionRefused,
    ValidationRefused,
)
from orders.models import Order, OrderPhoto, Reading, ReadingVersion, is_late
from orders.sections import BY_NAME, Kind, Section, sections_for_level
from orders.svg import sanitize_svg_or_empty

logger = logging.getLogger(__name__)

Status = Order.Status
PAGE_SIZE = 20
LEVELS = [1, 2, 3, 4]
# Orders the desk shows: paid ones, whatever happened next. Unpaid orders are not work.
DESK_STATUSES = [
    Status.PAID,
    Status.PROCESSING,
    Status.AWAITING_VALIDATION,
    Status.COMPLETED,
    Status.REFUNDED,
]
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# The mandala is shown as an <img>; this policy also holds if someone opens it directly.
MANDALA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


class RefusedWith400:
    """Django's auth views answer a refused form with 200; like every other form of the site,
    the desk's views answer 400, with the messages at the fields."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DeskLoginView(RefusedWith400, LoginView):
    template_name = "experts/login.html"
    authentication_form = DeskLoginForm
    next_page = reverse_lazy("experts:queue")

    def form_valid(self, form):
        response = super().form_valid(form)
        Expert.objects.filter(user=form.get_user()).update(last_login_at=timezone.now())
        return response


class DeskPasswordResetView(RefusedWith400, PasswordResetView):
    """Django's reset page; the e-mail is the worker's (experts.tasks), whatever the address."""

    template_name = "experts/password_reset.html"
    form_class = DeskPasswordResetForm
    success_url = reverse_lazy("experts:password_reset_done")

    def form_valid(self, form):
        enqueue(
            tasks.send_password_reset_email,
            form.cleaned_data["email"],
            uuid.uuid4().hex,
            get_language() or "",
        )
        return redirect(self.get_success_url())


class DeskPasswordResetConfirmView(RefusedWith400, PasswordResetConfirmView):
    template_name = "experts/password_reset_confirm.html"
    success_url = reverse_lazy("experts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if self.request.method == "POST" and not self.validlink:
            # A new password sent through a used or expired link: refused, the page says why.
            response.status_code = 400
        return response


# --- Lists ------------------------------------------------------------------------------------


def format_duration(duration: timedelta | None) -> str:
    """'2 j 4 h', '3 h 12 min', '25 min'; '—' when there is nothing to average."""
    if duration is None:
        return "—"
    return span(duration.total_seconds())


# Every desk page shows these figures: one literal query (SPEC §14, docs/performance.md). The
# counts read the (status, due_at) index over the few orders in work; with them come the version
# of the list of orders waiting for their form (count, latest change) and the latest status
# change.
DESK_FIGURES_SQL = """
    SELECT
        COUNT(CASE WHEN status = %s AND intake_submitted_at IS NOT NULL THEN 1 END),
        COUNT(CASE WHEN status = %s AND intake_submitted_at IS NULL THEN 1 END),
        MAX(CASE WHEN status = %s AND intake_submitted_at IS NULL THEN updated_at END),
        COUNT(CASE WHEN status = %s THEN 1 END),
        COUNT(CASE WHEN status = %s THEN 1 END),
        COUNT(CASE WHEN due_at < %s THEN 1 END),
        (SELECT MAX(id) FROM orders_orderevent)
    FROM orders_order WHERE status IN (%s, %s, %s)
"""


def desk_stats() -> dict:
    """Counts of the live lists, exact on every view, and the average delivery time.

    The average covers the deliveries of the last AVERAGE_WINDOW (the delivered_at index), so
    its cost does not grow with the shop's history.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # In the order of the statement's placeholders.
    params = [Status.PAID] * 3 + [Status.PROCESSING, Status.AWAITING_VALIDATION, now]
    with connection.cursor() as cursor:
        cursor.execute(DESK_FIGURES_SQL, [*params, *LIVE_STATUSES])
        names = ("ready", "awaiting_form", "awaiting_form_changed", "processing")
        names += ("awaiting_validation", "late", "latest_event")
        live = dict(zip(names, cursor.fetchone(), strict=True))
    # Cached under the latest status change (every change records an OrderEvent): a delivery
    # shows on the next view, whichever process made it.
    delivered = cache.get_or_set(
        f"desk_delivered:{live['latest_event']}:{get_language()}", _compute_delivered, 3600
    )
    return {
        "counts": [
            {"status": "paid", "label": _("À prendre"), "count": live["ready"]},
            {
                "status": "awaiting_form",
                "label": _("Formulaire attendu"),
                "count": live["awaiting_form"],
            },
            {"status": "processing", "label": _("En préparation"), "count": live["processing"]},
            {
                "status": "awaiting_validation",
                "label": _("En validation"),
                "count": live["awaiting_validation"],
            },
            {"status": "late", "label": _("En retard"), "count": live["late"]},
        ],
        "awaiting_form_version": (live["awaiting_form"], live["awaiting_form_changed"]),
        **delivered,
    }


AVERAGE_WINDOW = timedelta(days=30)


def _compute_delivered() -> dict:
    delivery = ExpressionWrapper(
        F("reading__delivered_at") - F("paid_at"), output_field=DurationField()
    )
    figures = Order.objects.filter(
        status=Status.COMPLETED,
        paid_at__isnull=False,
        reading__delivered_at__gte=timezone.now() - AVERAGE_WINDOW,
    ).aggregate(average_delivery=Avg(delivery))
    return {"average_delivery": format_duration(figures["average_delivery"])}


# What a queue card shows: the whole row (every content field) would cost more than the page.
QUEUE_FIELDS = (
    "public_id", "number", "status", "level", "level_name", "offer_name", "price_cents",
    "currency", "paid_at", "due_at", "reserved_until", "first_name", "question",
    "life_question", "expert_id", "intake_submitted_at",
)  # fmt: skip


def _level_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("level", "")
    return int(value) if value in {str(level) for level in LEVELS} else None


def _page(request: HttpRequest, orders: QuerySet[Order]) -> Page:
    return Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))


LIVE_STATUSES = [Status.PAID, Status.PROCESSING, Status.AWAITING_VALIDATION]
MINE_STATUSES = [Status.PROCESSING, Status.AWAITING_VALIDATION]


def _paid(level: int | None, *, form_filled: bool) -> QuerySet[Order]:
    paid = Order.objects.filter(status=Status.PAID, intake_submitted_at__isnull=not form_filled)
    if level:
        paid = paid.filter(level=level)
    # Due soonest first (SPEC §8.2): the (status, due_at) index serves the sort.
    return (
        paid.select_related("expert").only(*QUEUE_FIELDS, "expert__name").order_by("due_at", "pk")
    )


def _cards(orders, expert: Expert, now) -> list[dict]:
    """What each queue card needs to know, decided here rather than in the template."""
    cards = []
    for order in orders:
        reserved = order.reserved_until is not None and order.reserved_until > now
        cards.append(
            {
                "order": order,
                "is_late": is_late(order, now),
                "reserved_to": order.expert.name if reserved and order.expert else "",
                "reserved_to_me": reserved and order.expert_id == expert.pk,
                "can_claim": order.intake_submitted_at is not None
                and not order.reserved_for_another(expert.pk, now),
            }
        )
    return cards


# "Mes commandes" is on every view of the queue: one literal query (SPEC §14,
# docs/performance.md) for what it shows.
MY_ORDERS_SQL = """
    SELECT id, public_id, number, status, level, first_name, due_at FROM orders_order
    WHERE assigned_expert_id = %s AND status IN (%s, %s)
    ORDER BY due_at, id LIMIT %s
"""


def _my_orders(expert: Expert, now) -> SafeString:
    """The expert's orders in work, due soonest first, as the queue's aside.

    Rendered once for what it shows, the time left to each promised date included: the same
    rendering serves every view until one of its orders changes or a shown time left does.
    """
    mine = Order.objects.raw(MY_ORDERS_SQL, [expert.pk, *MINE_STATUSES, PAGE_SIZE])
    rows, shown = [], []
    for order in mine:
        left, late = time_left(order.due_at, now), is_late(order, now)
        rows.append({"order": order, "time_left": left, "is_late": late})
        # An order's number and level never change; what else a row shows may.
        shown.append((order.pk, order.status, order.first_name, left, late))
    return cached_fragment(
        "desk_mine", shown, "experts/includes/my_orders.html", lambda: {"rows": rows}
    )


def _requested_page(request: HttpRequest) -> int:
    """The page asked for; the paginator brings one past the end back to the last."""
    value = request.GET.get("page", "")
    # isascii(): str.isdigit() also accepts "²", which int() refuses.
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 100_000 else 1


@expert_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Paid orders with their form, due soonest first; those still waiting for it apart."""
    level = _level_filter(request)
    now = timezone.now()
    page = Paginator(_paid(level, form_filled=True), PAGE_SIZE).get_page(_requested_page(request))
    stats = desk_stats()

    # The orders waiting for their form can't be claimed: a compact list that shows no time
    # relative to now, cached under the count and latest change of all such orders.
    def waiting_form() -> dict:
        orders = _paid(level, form_filled=False)
        return {"orders": orders[:PAGE_SIZE], "count": orders.count()}

    waiting_list = cached_fragment(
        "desk_waiting_form",
        (level, stats["awaiting_form_version"]),
        "experts/includes/waiting_form.html",
        waiting_form,
    )
    return render(
        request,
        "experts/queue.html",
        {
            "page": page,
            # An empty queue (the usual state between two payments) builds no page query.
            "cards": _cards(page.object_list, request.expert, now) if page.paginator.count else [],
            "waiting_form": waiting_list,
            "mine": _my_orders(request.expert, now),
            "level": level,
            "levels": LEVELS,
            "stats": stats,
            "now": now,
            "desk_section": "queue",
        },
    )


@validator_required
@require_GET
def validation_queue(request: HttpRequest) -> HttpResponse:
    """Content waiting for a second look, the longest-waiting first (SPEC §8.4).

    A reading is not in the queue of anyone who wrote any part of it.
    """
    level = _level_filter(request)
    awaiting = Order.objects.filter(status=Status.AWAITING_VALIDATION)
    orders = awaiting.exclude(reading__writers=request.user).select_related(
        "assigned_expert", "reading"
    )
    if level:
        orders = orders.filter(level=level)
    return render(
        request,
        "experts/validation_queue.html",
        {
            "page": _page(request, orders.order_by("updated_at", "pk")),
            # Counted in "En validation" but not shown above: said, so that nobody wonders.
            "own": awaiting.filter(reading__writers=request.user).order_by("updated_at", "pk")[
                :PAGE_SIZE
            ],
            "level": level,
            "levels": LEVELS,
            "stats": desk_stats(),
            "now": timezone.now(),
            "desk_section": "validation",
        },
    )


# --- The order page ---------------------------------------------------------------------------


def _desk_order(public_id: UUID) -> Order:
    return get_object_or_404(
        Order.objects.select_related("assigned_expert", "reading__validated_by", "expert"),
        public_id=public_id,
        status__in=DESK_STATUSES,
    )


def _intake(order: Order) -> list[tuple[str, object]]:
    rows = [
        (_("Prénom"), order.first_name),
        # Dates in French ("17 mai 1990", "08:30"), not as the database stores them.
        (
            _("Date de naissance"),
            date_format(order.date_of_birth, "j F Y") if order.date_of_birth else None,
        ),
        (
            _("Heure de naissance"),
            time_format(order.birth_time, "H:i") if order.birth_time else None,
        ),
        (_("Lieu de naissance"), order.birth_place),
        (_("Question"), order.question),
        (_("Question de vie"), order.life_question),
        (_("Contexte"), order.specific_context),
        (_("Voix audio"), order.get_audio_voice_display()),
        (_("Livraison"), order.get_delivery_format_display()),
    ]
    return [(label, value) for label, value in rows if value not in {None, ""}]


# Where the desk shows a file or the mandala, by the kind of section (orders.sections).
SECTION_URLS = {Kind.SVG: "experts:mandala", Kind.AUDIO: "experts:audio", Kind.PDF: "experts:pdf"}


def _sections(order: Order, reading: Reading, form: ContentForm | None = None) -> list[dict]:
    """The sections of the order's level as the desk shows them, with the editor's fields."""
    rows = []
    for section in sections_for_level(order.level):
        url = ""
        if section.kind in SECTION_URLS and reading.has(section):
            url = reverse(SECTION_URLS[section.kind], args=[order.public_id])
            if section.kind == Kind.SVG:
                url += f"?v={int(reading.updated_at.timestamp())}"  # a new mandala, a new URL
        rows.append(
            {
                "section": section,
                "text": reading.text(section.name) if section.is_text else "",
                "url": url,
                "field": form[section.name] if form is not None else None,
                "file_field": form[file_field_name(section)]
                if form is not None and section.kind == Kind.SVG
                else None,
            }
        )
    return rows


def _preview(order: Order, reading: Reading, version: ReadingVersion | None) -> list[dict]:
    """The reading as the client will see it (the Sanctuaire's rows), from the desk's files."""
    texts = version.texts if version is not None else reading.texts
    rows = []
    for section in sections_for_level(order.level):
        row = {"section": section, "title": str(section.client_title), "text": "", "url": ""}
        if section.kind in SECTION_URLS:
            present = reading.has(section) if section.is_file else bool(texts.get(section.name))
            if present:
                row["url"] = reverse(SECTION_URLS[section.kind], args=[order.public_id])
        else:
            row["text"] = texts.get(section.name, "")
        rows.append(row)
    return rows


def _whole_change(before: str, after: str) -> str:
    """How a section that is not diffed word by word (a file, the mandala's code) moved: ""
    when it did not."""
    if before == after:
        return ""
    if not before:
        return _("ajouté")
    return _("retiré") if not after else _("remplacé")


def _changes(order: Order, versions: list[ReadingVersion]) -> list[dict]:
    """Each section of the last version against the one before it (SPEC §8.4): the texts word
    by word, the mandala and the files as a whole."""
    if len(versions) < 2:
        return []
    before, after = versions[-2], versions[-1]
    rows = []
    for section in sections_for_level(order.level):
        if section.kind in {Kind.SHORT_TEXT, Kind.TEXT}:
            segments = diff_words(before.text(section.name), after.text(section.name))
            rows.append(
                {"section": section, "segments": segments, "changed": has_changes(segments)}
            )
        else:
            change = _whole_change(before.content(section), after.content(section))
            rows.append({"section": section, "whole": change, "changed": bool(change)})
    return rows


def _versions(versions: list[ReadingVersion]) -> list[dict]:
    """Newest first; each file named by what happened to it since the version before."""
    rows = []
    previous = None
    for version in versions:
        who = (version.source == "generator" and _("le générateur")) or ""
        if version.author is not None:
            try:
                who = version.author.expert.name
            except Expert.DoesNotExist:
                who = version.author.get_username()
        files = []
        for name, stored in version.files.items():
            before = previous.files.get(name, "") if previous else ""
            if name not in BY_NAME or not (stored or before):
                continue
            change = "" if previous is None else _whole_change(before, stored) or _("inchangé")
            files.append({"label": BY_NAME[name].label, "change": change})
        rows.append({"version": version, "who": who, "files": files})
        previous = version
    return rows[::-1]


def _render_order(
    request: HttpRequest,
    order: Order,
    *,
    content_form: ContentForm | None = None,
    missing: list[Section] | None = None,
    reject_form: RejectForm | None = None,
    approve_form: ApproveForm | None = None,
    generate_form: GenerateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    expert_pk = request.expert.pk if request.expert is not None else None
    is_mine = expert_pk is not None and order.assigned_expert_id == expert_pk
    can_edit = can_work(order, request.expert)
    # Nobody wrote anything yet: an empty reading to show, saved by the first write.
    reading = order.reading_or_none or Reading(order=order)
    versions = (
        list(reading.versions.select_related("author__expert")) if reading.pk is not None else []
    )
    wrote_it = reading.written_by(request.user)
    awaiting = order.status == Status.AWAITING_VALIDATION
    if can_edit and content_form is None and missing:
        content_form = ContentForm.marking_missing(
            reading.texts, level=order.level, missing=missing
        )
    elif can_edit and content_form is None:
        content_form = ContentForm(level=order.level, initial=reading.texts)
    now = timezone.now()
    context = {
        "order": order,
        "reading": reading,
        "is_mine": is_mine,
        "can_claim": expert_pk is not None
        and order.status == Status.PAID
        and order.intake_submitted_at is not None
        and not order.reserved_for_another(expert_pk),
        "reserved_to": order.expert.name
        if order.status == Status.PAID
        and order.expert is not None
        and order.reserved_until is not None
        and order.reserved_until > now
        else "",
        "is_late": order.is_late,
        "now": now,
        "can_edit": can_edit,
        # The second look is someone else's (SPEC §8.4).
        "can_validate": awaiting and not wrote_it,
        "wrote_it": awaiting and wrote_it,
        "preview": _preview(order, reading, versions[-1] if versions else None) if awaiting else [],
        "changes": _changes(order, versions) if awaiting else [],
        "versions": _versions(versions),
        "generator_ready": generation.is_configured(),
        "content_form": content_form if can_edit else None,
        "generate_form": generate_form
        or GenerateForm(initial={"instructions": reading.instructions}),
        "reject_form": reject_form or RejectForm(),
        "approve_form": approve_form or ApproveForm(),
        "intake": _intake(order),
        "photos": order.photos.all(),
        "sections": _sections(order, reading, content_form if can_edit else None),
        "history": history(order),
        "show_rejection": bool(reading.rejection_reason) and order.status == Status.PROCESSING,
    }
    return render(request, "experts/order.html", context, status=status)


@validator_required
@require_GET
def order_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _render_order(request, _desk_order(public_id))


# --- Actions (POST, one per view) -------------------------------------------------------------


def _back(order: Order) -> HttpResponse:
    return redirect("experts:order", public_id=order.public_id)


def _refused_review(request: HttpRequest, order: Order, target: str, **form) -> HttpResponse:
    """A validator's form refused: the order's page again, the message at the field (400),
    while the reading still waits; once it has moved on, why it can no longer go to `target`."""
    if order.status == Status.AWAITING_VALIDATION:
        return _render_order(request, order, status=400, **form)
    messages.error(request, TransitionRefused(order.status, target).message)
    return _back(order)


@expert_required
@require_POST
def claim_order(request: HttpRequest, public_id: UUID) -> HttpResponse:
    order = _desk_order(public_id)
    try:
        order_services.claim(order, expert=request.expert, actor=request.user)
    except ClaimRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("experts:queue")
    except TransitionRefused as refusal:
        order.refresh_from_db()
        if order.status == Status.PROCESSING:
            messages.error(request, _("Cette commande vient d’être prise par un autre expert."))
        else:
            messages.error(request, refusal.message)
        return redirect("experts:queue")
    messages.success(request, _("Commande %(number)s prise en charge.") % {"number": order.number})
    return _back(order)


@expert_required
@require_POST
def release_order(request: HttpRequest, public_id: UUID) -> HttpResponse:
    order = _desk_order(public_id)
    if order.assigned_expert_id != request.expert.pk:
        messages.error(request, _("Seul l’expert qui a pris la commande peut la remettre en file."))
        return _back(order)
    try:
        order_services.return_to_queue(order, actor=request.user)
    except TransitionRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    messages.success(
        request, _("Commande %(number)s remise dans la file.") % {"number": order.number}
    )
    return redirect("experts:queue")


@expert_required
@require_POST
def save_order_content(request: HttpRequest, public_id: UUID) -> HttpResponse:
    order = _desk_order(public_id)
    form = ContentForm(request.POST, request.FILES, level=order.level)
    if not form.is_valid():
        if can_work(order, request.expert):
            messages.error(
                request, _("Le contenu n’a pas été enregistré : corrigez les champs signalés.")
            )
            return _render_order(request, order, content_form=form, status=400)
        messages.error(
            request, _("Le contenu ne se modifie que pendant la préparation de la commande.")
        )
        return _back(order)
    try:
        save_content(order, expert=request.expert, texts=form.texts(), files=form.new_files())
    except WorkRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    if request.POST.get("action") != "submit":
        messages.success(request, _("Contenu enregistré."))
        return _back(order)
    # "Enregistrer et soumettre": what was typed is saved above, whatever the submission says.
    return _submit(request, order, saved=True)


@expert_required
@require_POST
def generate_content(request: HttpRequest, public_id: UUID) -> HttpResponse:
    order = _desk_order(public_id)
    form = GenerateForm(request.POST)
    try:
        # First whether the form is this expert's to send at all: then what it holds.
        generation.ensure_can_generate(order, request.expert)
        if not form.is_valid():
            # The page again, with the instructions as typed and the message at their field.
            return _render_order(request, order, generate_form=form, status=400)
        generation.request_generation(
            order, expert=request.expert, instructions=form.cleaned_data["instructions"]
        )
    except WorkRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    # The worker makes the call later; a backend that runs tasks at once (the tests') has made
    # it already, and the page then shows its error rather than this message.
    order.refresh_from_db()
    if not order.reading.generation_error:
        messages.success(
            request,
            _("Demande envoyée au générateur : le contenu arrivera en validation dès son retour."),
        )
    return _back(order)


@expert_required
@require_POST
def submit_order(request: HttpRequest, public_id: UUID) -> HttpResponse:
    order = _desk_order(public_id)
    if order.assigned_expert_id != request.expert.pk:
        messages.error(request, _("Cette commande est prise en charge par un autre expert."))
        return _back(order)
    return _submit(request, order)


def _submit(request: HttpRequest, order: Order, *, saved: bool = False) -> HttpResponse:
    try:
        order_services.submit_for_validation(order, actor=request.user)
    except ContentIncomplete as incomplete:
        if saved:
            message = _(
                "Contenu enregistré, mais pas encore soumis ; il reste à compléter : %(labels)s."
            )
        else:
            message = _("Pas encore soumis ; il reste à compléter : %(labels)s.")
        messages.error(request, message % {"labels": incomplete.labels})
        # The editor again, as saved, with what is missing said at its field.
        order = _desk_order(order.public_id)
        return _render_order(request, order, missing=incomplete.missing, status=400)
    except TransitionRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    messages.success(
        request, _("Commande %(number)s envoyée en validation.") % {"number": order.number}
    )
    return redirect("experts:queue")


@validator_required
@require_POST
def approve_order(request: HttpRequest, public_id: UUID) -> HttpResponse:
    order = _desk_order(public_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _refused_review(request, order, Status.COMPLETED, approve_form=form)
    try:
        order_services.approve(order, validator=request.user, notes=form.cleaned_data["notes"])
    except ValidationRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    except TransitionRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    messages.success(
        request,
        _("Commande %(number)s validée et livrée : le client est prévenu par e-mail.")
        % {"number": order.number},
    )
    return redirect("experts:validation")


@validator_required
@require_POST
def reject_order(request: HttpRequest, public_id: UUID) -> HttpResponse:
    order = _desk_order(public_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _refused_review(request, order, Status.PROCESSING, reject_form=form)
    try:
        order_services.reject(order, validator=request.user, reason=form.cleaned_data["reason"])
    except ValidationRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    except TransitionRefused as refusal:
        messages.error(request, refusal.message)
        return _back(order)
    messages.success(
        request,
        _("Commande %(number)s renvoyée à l’expert avec votre motif.") % {"number": order.number},
    )
    return redirect("experts:validation")


# --- Files the client gave and the expert made (desk only) ------------------------------------


def _file_response(name: str, content_type: str, *, download_as: str = "") -> FileResponse:
    if not name:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=bool(download_as),
        filename=download_as or None,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@validator_required
@require_GET
def order_photo(request: HttpRequest, public_id: UUID, photo_id: UUID) -> FileResponse:
    order = _desk_order(public_id)
    photo = get_object_or_404(OrderPhoto, order=order, public_id=photo_id)
    content_type = (
        photo.content_type if photo.content_type in PHOTO_TYPES else "application/octet-stream"
    )
    return _file_response(photo.file.name, content_type)


def _desk_reading(public_id: UUID) -> Reading:
    reading = _desk_order(public_id).reading_or_none
    if reading is None:
        raise Http404
    return reading


@validator_required
@require_GET
def order_audio(request: HttpRequest, public_id: UUID) -> FileResponse:
    audio = _desk_reading(public_id).audio
    extension = audio.name.rsplit(".", 1)[-1].lower() if audio else ""
    if extension not in AUDIO_CONTENT_TYPES:
        raise Http404
    return _file_response(audio.name, AUDIO_CONTENT_TYPES[extension])


@validator_required
@require_GET
def order_pdf(request: HttpRequest, public_id: UUID) -> FileResponse:
    reading = _desk_reading(public_id)
    return _file_response(
        reading.pdf.name if reading.pdf else "",
        PDF_CONTENT_TYPE,
        download_as=f"{reading.order.number}.pdf",
    )


@validator_required
@require_GET
def order_mandala(request: HttpRequest, public_id: UUID) -> HttpResponse:
    # Sanitised on save too; again here for content that arrived another way (import).
    svg = sanitize_svg_or_empty(_desk_reading(public_id).text("mandala"))
    if not svg:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = MANDALA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="mandala.svg"'
    return response
