"""The client area (SPEC §9): magic-link login, profile, dashboard, level-gated content,
files behind an ownership check, and "my data"."""

import json
import logging
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.models import CreditNote, Invoice
from lumira.clientip import client_ip
from lumira.fragments import cached_fragment
from operations.tasks import enqueue
from orders.access import client_owns_order
from orders.intake import can_amend
from orders.models import Order, OrderPhoto, Reading
from orders.sections import BY_NAME, Kind
from orders.svg import sanitize_svg_or_empty
from orders.timeline import build_timeline, client_status
from sanctuaire import services, tasks, tokens
from sanctuaire.forms import DeletionForm, LoginForm, ProfileForm
from sanctuaire.models import ClientProfile, DeletionRequest

logger = logging.getLogger(__name__)

PRIVATE_FILE_POLICY = "default-src 'none'; sandbox"
MANDALA_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".wav": "audio/wav",
    ".webm": "audio/webm",
}


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def client_required(view: Callable) -> Callable:
    """Anonymous visitors go to the Sanctuaire login (not the desk's), then come back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            login_url = reverse("sanctuaire:login")
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def profile_required(view: Callable) -> Callable:
    """SPEC §9: an incomplete profile (name, date of birth) comes before anything else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not services.profile_is_complete(request.user):
            messages.info(
                request,
                _("Complétez d’abord votre profil : nom et date de naissance."),
            )
            profile_url = reverse("sanctuaire:profile")
            return redirect(f"{profile_url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def _client_order(request: HttpRequest, public_id: uuid.UUID) -> Order:
    """The order if it is this client's, else 404 (never 403: no hint that it exists)."""
    return get_object_or_404(services.client_orders(request.user), public_id=public_id)


# --- Login ------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login_request(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.user.is_authenticated:
        return redirect("sanctuaire:dashboard")
    initial = {"next": _safe_next(request, request.GET.get("next"))}
    form = LoginForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not services.allow_login_request(email, client_ip(request)):
            form.add_error(
                None,
                _("Trop de demandes de lien. Patientez quelques minutes avant de réessayer."),
            )
            return render(request, "sanctuaire/login.html", {"form": form}, status=429)
        # Known or not, the same task is queued and the same page answers, in the same time:
        # the task decides whether to send, so nobody learns here who is a client.
        enqueue(
            tasks.send_login_link_email,
            email,
            _safe_next(request, form.cleaned_data["next"]),
            uuid.uuid4().hex,
            translation.get_language() or "",
        )
        return redirect("sanctuaire:login_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "sanctuaire/login.html", {"form": form}, status=status)


@require_GET
def login_sent(request: HttpRequest) -> HttpResponse:
    minutes = int(tokens.LIFETIME.total_seconds() // 60)
    return render(request, "sanctuaire/login_sent.html", {"minutes": minutes})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def magic_link(request: HttpRequest, token: str) -> HttpResponse:
    # Mail scanners open links: a GET only shows a button, the POST logs in.
    try:
        # HEAD (a link checker) answers as GET does: it never consumes the link.
        row = tokens.consume(token) if request.method == "POST" else tokens.check(token)
    except tokens.LinkRefused as refused:
        return _link_refused(request, refused)
    if request.method in ("GET", "HEAD"):
        return render(request, "sanctuaire/magic_link.html", {"email": row.email})
    try:
        user = services.log_in_client(row)
    except services.LoginRefused:
        return render(request, "sanctuaire/link_refused.html", {"staff": True}, status=403)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return redirect(_safe_next(request, row.next_url) or "sanctuaire:dashboard")


def _link_refused(request: HttpRequest, refused: tokens.LinkRefused) -> HttpResponse:
    message = {
        "used": _("Ce lien a déjà servi : chaque lien ne s’utilise qu’une fois."),
        "expired": _("Ce lien a expiré : il n’est valable que 30 minutes."),
    }.get(refused.reason, _("Ce lien n’est pas valide. Vérifiez qu’il est complet."))
    form = LoginForm(initial={"email": refused.email})
    context = {"message": message, "form": form}
    return render(request, "sanctuaire/link_refused.html", context, status=400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Vous êtes déconnecté·e. À bientôt."))
    return redirect("sanctuaire:login")


# --- Profile and dashboard --------------------------------------------------------------------


@client_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    record, _created = ClientProfile.objects.get_or_create(user=user)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_of_birth": record.date_of_birth,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user.first_name = form.cleaned_data["first_name"]
        user.last_name = form.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        record.date_of_birth = form.cleaned_data["date_of_birth"]
        record.save(update_fields=["date_of_birth", "updated_at"])
        messages.success(request, _("Votre profil est enregistré."))
        return redirect(_safe_next(request, request.GET.get("next")) or "sanctuaire:dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "sanctuaire/profile.html", {"form": form}, status=status)


# A card shows an order's summary and timeline, nothing of its content.


def _card(order: Order) -> dict:
    return {
        "order": order,
        "steps": build_timeline(order),
        "client_status": client_status(order),
        "can_fill_intake": can_amend(order),
        "intake_done": order.intake_submitted_at is not None,
    }


@client_required
@profile_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    # The cards are cached under each order's public id and last change (every write to an
    # order sets updated_at): a payment, a claim or a delivery shows on the next view.
    cards = cached_fragment(
        "sanctuaire_cards",
        services.client_orders_version(request.user),
        "sanctuaire/includes/order_cards.html",
        lambda: {
            "cards": [
                _card(order)
                for order in services.client_orders(request.user).select_related("reading")
            ]
        },
    )
    return render(request, "sanctuaire/dashboard.html", {"cards": cards})


# Where the client gets a file or the mandala, by the kind of section (orders.sections).
SECTION_URLS = {
    Kind.SVG: "sanctuaire:mandala",
    Kind.AUDIO: "sanctuaire:audio",
    Kind.PDF: "sanctuaire:pdf",
}


def _sections(order: Order) -> list[dict]:
    """The unlocked sections (SPEC §9), in reading order, ready to display."""
    reading = order.reading_or_none or Reading(order=order)
    sections = []
    for section in order.unlocked_sections:
        row = {"section": section, "title": str(section.client_title), "text": "", "url": ""}
        if section.kind in SECTION_URLS:
            # A file, or a mandala that is still a drawing once sanitised: shown by its URL.
            shown = (
                reading.has(section)
                if section.is_file
                else bool(sanitize_svg_or_empty(reading.client_text(section.name)))
            )
            if shown:
                row["url"] = reverse(SECTION_URLS[section.kind], args=[order.public_id])
        else:
            # The version the validator approved, never a later draft (SPEC §5).
            row["text"] = reading.client_text(section.name)
        sections.append(row)
    return sections


def _archetype(order: Order) -> str:
    """The archetype, beside the title of a delivered reading."""
    reading = order.reading_or_none
    if reading is None or BY_NAME["archetype"] not in order.unlocked_sections:
        return ""
    return reading.client_text("archetype")


@client_required
@profile_required
@require_GET
def order_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    order = _client_order(request, public_id)
    context = {
        "order": order,
        "archetype": _archetype(order),
        "steps": build_timeline(order),
        "client_status": client_status(order),
        "sections": _sections(order),
        "can_fill_intake": can_amend(order),
        "photos": list(order.photos.all()),
        "invoice": Invoice.objects.filter(order=order).first(),
        "credit_notes": CreditNote.objects.filter(invoice__order=order).order_by("issued_at"),
    }
    return render(request, "sanctuaire/order.html", context)


# --- Files: only through these views, after an ownership check --------------------------------


def _private(response: HttpResponse, policy: str = PRIVATE_FILE_POLICY) -> HttpResponse:
    response["Content-Security-Policy"] = policy
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _unlocked_reading(request: HttpRequest, public_id: uuid.UUID, name: str) -> Reading:
    """The client's reading, if the section `name` is unlocked for them (SPEC §9), else 404."""
    order = _client_order(request, public_id)
    if BY_NAME[name] not in order.unlocked_sections or order.reading_or_none is None:
        raise Http404
    return order.reading


def _open(field: FieldFile) -> File:
    try:
        return field.open("rb")
    except (FileNotFoundError, ValueError):
        logger.error("missing private file %s", field.name)
        raise Http404 from None


@client_required
@require_GET
def audio(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    reading = _unlocked_reading(request, public_id, "audio")
    if not reading.audio:
        raise Http404
    extension = "." + reading.audio.name.rsplit(".", 1)[-1].lower()
    content_type = AUDIO_TYPES.get(extension)
    response = FileResponse(
        _open(reading.audio),
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=f"lecture-{reading.order.number}{extension}",
    )
    return _private(response)


@client_required
@require_GET
def pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    reading = _unlocked_reading(request, public_id, "pdf")
    if not reading.pdf:
        raise Http404
    response = FileResponse(
        _open(reading.pdf),
        content_type="application/pdf",
        as_attachment=True,  # opened by the client's reader, never rendered under our origin
        filename=f"lecture-{reading.order.number}.pdf",
    )
    return _private(response)


@client_required
@require_GET
def mandala(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    reading = _unlocked_reading(request, public_id, "mandala")
    markup = sanitize_svg_or_empty(reading.client_text("mandala"))
    if not markup:
        raise Http404
    response = HttpResponse(markup, content_type="image/svg+xml; charset=utf-8")
    return _private(response, MANDALA_POLICY)


def can_see_photo(request: HttpRequest, order: Order) -> bool:
    """The client who owns the order, or someone working at the desk."""
    user = request.user
    if user.is_authenticated and user.is_active and user.is_staff:
        return True
    return client_owns_order(request, order)


@require_GET
def photo(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    record = get_object_or_404(
        OrderPhoto.objects.select_related("order"),
        public_id=public_id,
        order__anonymised_at__isnull=True,
    )
    if not can_see_photo(request, record.order):
        raise Http404
    response = FileResponse(_open(record.file), content_type=record.content_type)
    return _private(response)


# --- My data ----------------------------------------------------------------------------------


@client_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    pending = DeletionRequest.objects.filter(user=request.user, processed_at__isnull=True).first()
    context = {"form": DeletionForm(), "pending": pending}
    return render(request, "sanctuaire/my_data.html", context)


@client_required
@require_GET
def export_data(request: HttpRequest) -> HttpResponse:
    data = services.export_client_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-oracle-lumira.json"'
    return _private(response)


@client_required
@require_POST
def request_deletion(request: HttpRequest) -> HttpResponse:
    form = DeletionForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "pending": None}
        return render(request, "sanctuaire/my_data.html", context, status=400)
    services.request_deletion(request.user)
    messages.success(
        request,
        _("Votre demande de suppression est enregistrée. Nous la traitons sous 30 jours."),
    )
    return redirect("sanctuaire:my_data")


# --- Invoices and credit notes (billing), the client's own only ---------------------------------


def _owned_invoice(request: HttpRequest, public_id: uuid.UUID) -> Invoice:
    invoice = Invoice.objects.select_related("order").filter(public_id=public_id).first()
    if (
        invoice is None
        or not services.client_orders(request.user).filter(pk=invoice.order_id).exists()
    ):
        raise Http404  # never 403: no hint that it exists
    return invoice


@client_required
@require_GET
def invoice_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    invoice = _owned_invoice(request, public_id)
    from billing.pdf import invoice_pdf, pdf_download  # fpdf loads on first use

    return pdf_download(invoice_pdf(invoice), invoice.number)


@client_required
@require_GET
def credit_note_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = CreditNote.objects.select_related("invoice__order").filter(public_id=public_id).first()
    if note is None:
        raise Http404
    _owned_invoice(request, note.invoice.public_id)
    from billing.pdf import credit_note_pdf, pdf_download  # fpdf loads on first use

    return pdf_download(credit_note_pdf(note), note.number)
