"""Client pages of the tunnel (SPEC §6.1). Thin: read input, call one service, render."""

import logging
import uuid

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from experts.models import Expert
from legal.models import current_terms_version
from lumira.fragments import cached, cached_fragment
from lumira.jsonapi import ErrorCode, json_error
from orders import intake, services
from orders.access import client_owns_order, remember_order
from orders.catalogue import OfferMismatch, OfferNotFound, resolve_offer
from orders.forms import IntakeForm
from orders.models import PAID_STATUSES, UNPAID_STATUSES, Offer, Order
from orders.timeline import build_timeline, client_status
from payments.checkout import ensure_intent, start_checkout
from payments.gateways import get_gateway, is_demo
from payments.gateways.base import (
    GENERIC_DECLINE,
    GatewayConfigError,
    GatewayError,
    PaymentDeclined,
)
from shop.catalogue import catalogue_version
from shop.forms import CheckoutForm, ConsentForm, DemoCardForm

logger = logging.getLogger(__name__)


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    # The page's content is the same for every visitor until an offer or an expert changes.
    body = cached_fragment(
        "landing",
        catalogue_version(),
        "orders/includes/landing_body.html",
        lambda: {
            "offers": Offer.objects.filter(is_active=True),
            "experts": Expert.objects.filter(is_active=True)[:LANDING_EXPERTS],
            "support_email": settings.SUPPORT_EMAIL,
        },
    )
    return render(request, "orders/landing.html", {"body": body})


LANDING_EXPERTS = 6


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    criteria = {
        "slug": source.get("offer"),
        "level": source.get("level"),
        "service": source.get("service"),
    }
    try:
        if request.method == "POST":
            # The order snapshots this offer's price: read afresh, never from a cache.
            offer = resolve_offer(**criteria)
        else:
            # A GET's page is the same for every visitor of this offer until the catalogue
            # changes: all of it but the CSRF token, rendered once per version.
            parts = cached(
                f"checkout:{get_language()}",
                (criteria, catalogue_version()),
                lambda: _checkout_parts(resolve_offer(**criteria), CheckoutForm()),
            )
    except OfferNotFound:
        return _offer_problem(request, _("Cette offre n’existe pas ou n’est plus proposée."), 404)
    except OfferMismatch:
        return _offer_problem(
            request,
            _("Le niveau et le service demandés ne correspondent pas à la même offre."),
            400,
        )
    if request.method == "GET":
        return render(request, "orders/checkout.html", parts)
    form = CheckoutForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            order, _intent = start_checkout(
                offer,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                expert=form.cleaned_data["expert"],
                user=request.user,
            )
        except GatewayError:
            error = _(
                "Le service de paiement est momentanément indisponible. Réessayez dans un instant."
            )
        else:
            remember_order(request, order)
            return redirect("orders:payment", public_id=order.public_id)
    parts = _checkout_parts(offer, form, error)
    return render(request, "orders/checkout.html", parts, status=400)


def _checkout_parts(offer: Offer, form: CheckoutForm, error: str = "") -> dict[str, str]:
    """The tunnel's page but its CSRF token, rendered: a GET takes these strings from the cache.

    Strings only, so that a cached GET has nothing left to render but the layout and the token,
    and no model instance or form to unpickle (docs/performance.md).
    """
    form_context = {"offer_slug": offer.slug, "form": form, "error": error}
    return {
        "title": _("Commander — %(name)s") % {"name": _(offer.name)},
        "steps": render_to_string("includes/checkout_steps.html", {"step": 1}),
        "form_body": render_to_string("orders/includes/checkout_form.html", form_context),
        "summary": _offer_summary(offer),
    }


def _offer_summary(offer: Offer) -> str:
    context = {
        "offer_name": offer.name,
        "level": offer.level,
        "level_name": offer.level_name,
        "price": offer.price_display,
        "minutes": offer.duration_minutes,
        "delivery_hours": offer.delivery_hours,
        "features": offer.features,
    }
    return render_to_string("orders/includes/offer_summary.html", context)


def _offer_problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    offers = Offer.objects.filter(is_active=True)
    return render(
        request, "orders/offer_problem.html", {"message": message, "offers": offers}, status=status
    )


@require_http_methods(["GET", "POST"])
def payment(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The payment step: the card form beside the two consent boxes (SPEC §6.1).

    Nothing is charged before both boxes are ticked: the demo card form is refused without
    them, and with Stripe the page holds no client secret: `payment_consent` gives it once the
    consent is recorded, and Stripe.js needs it to confirm the payment.
    """
    order = get_object_or_404(Order.objects.select_related("expert", "offer"), public_id=public_id)
    if order.status not in UNPAID_STATUSES:
        return redirect(_confirmation_url(order))
    demo = is_demo()
    posted = request.method == "POST"
    form = DemoCardForm(request.POST or None) if demo else None
    consent = ConsentForm(request.POST if posted else None)
    # The last decline shows until the client tries again; a new attempt shows only its own
    # outcome (never the old banner beside new field errors).
    declined = order.failure_text if order.status == Order.Status.FAILED and not posted else ""
    try:
        ensure_intent(order)
        if posted and demo and all([consent.is_valid(), form.is_valid()]):
            services.record_consent(order, terms_version=current_terms_version())
            # As with Stripe.js: the card's answer is known now, the order changes when the
            # event reaches the webhook code (a background task); the confirmation page polls.
            paid = get_gateway().pay(order, form.cleaned_data["card_number"])
            if paid.status == "succeeded":
                # Where Stripe sends the client back, with what it appends (see confirmation).
                return redirect(_confirmation_url(order, redirect_status="succeeded"))
            order.refresh_from_db()
            declined = paid.error.get("message") or order.failure_text or _(GENERIC_DECLINE)
    except PaymentDeclined as error:
        form.add_error("card_number", error.message_fr)
    except GatewayConfigError:
        logger.error("order %s: payment page without a configured gateway", order.number)
        return render(request, "orders/payment_unavailable.html", {"order": order}, status=503)
    except GatewayError:
        return render(request, "orders/payment_unavailable.html", {"order": order}, status=502)
    context = {
        "order": order,
        "offer_name": order.offer_name,
        "demo": demo,
        "form": form,
        "consent": consent,
        "declined": declined,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": request.build_absolute_uri(_confirmation_url(order)),
        "delivery_hours": order.offer.delivery_hours if order.offer_id else None,
        "features": order.offer.features if order.offer_id else [],
        "step": 2,
    }
    invalid = posted and (declined or (form and form.errors) or consent.errors)
    return render(request, "orders/payment.html", context, status=400 if invalid else 200)


@require_POST
def payment_consent(request: HttpRequest, public_id: uuid.UUID) -> JsonResponse:
    """Stripe's payment step posts the consent boxes here before confirming the payment: the
    consent is recorded, and only then is the PaymentIntent's client secret handed over."""
    order = Order.objects.only(*Order.SUMMARY_FIELDS).filter(public_id=public_id).first()
    if order is None:
        return json_error(_("Commande introuvable."), ErrorCode.ORDER_NOT_FOUND, 404)
    if order.status not in UNPAID_STATUSES:
        return json_error(_("Cette commande est déjà réglée."), ErrorCode.INVALID_STATE, 409)
    consent = ConsentForm(request.POST)
    if not consent.is_valid():
        fields = {name: errors[0] for name, errors in consent.errors.items()}
        body = {"error": " ".join(fields.values()), "code": ErrorCode.CONSENT_REQUIRED}
        return JsonResponse({**body, "fields": fields}, status=400)
    try:
        intent = ensure_intent(order)
    except GatewayError:
        return json_error(
            _("Le service de paiement est momentanément indisponible. Réessayez dans un instant."),
            ErrorCode.PAYMENT_FAILED,
            502,
        )
    services.record_consent(order, terms_version=current_terms_version())
    return JsonResponse({"clientSecret": intent.client_secret})


def _confirmation_url(order: Order, **query: str) -> str:
    return f"{reverse('orders:confirmation')}?{urlencode({'order_id': order.public_id, **query})}"


# What the confirmation page shows: the order's summary, the expert's name and the reading's
# dates for the timeline (the reading's content would cost more than the rest of the view).
CONFIRMATION_FIELDS = (
    *Order.SUMMARY_FIELDS,
    "expert__name",
    "reading__validated_at",
    "reading__delivered_at",
)


@require_GET
def confirmation(request: HttpRequest) -> HttpResponse:
    try:
        public_id = uuid.UUID(request.GET.get("order_id", ""))
    except ValueError:
        return render(request, "orders/order_not_found.html", status=404)
    # A client waiting for the bank's answer reloads this page (its script does too) until the
    # status moves: the page is cached under the order's last change (every write to an order
    # sets updated_at) and the name of the expert it shows. Each view reads only those; the
    # order itself is read, with the columns the page shows, when its page is not cached.
    version = confirmation_version(public_id)
    if version is None:
        return render(request, "orders/order_not_found.html", status=404)
    status = version[1]
    # Back from a retry the gateway accepted after a decline (Stripe appends redirect_status to
    # the return URL; the demo does the same), the order is still failed until the success's
    # event lands, a second later: the client sees the payment being confirmed, not the old
    # decline. The query string only chooses what is shown; the order moves on the event. Only
    # "succeeded": a payment still processing may yet fail, and that failure must show.
    retried = request.GET.get("redirect_status") == "succeeded"

    def waiting(stored: str) -> bool:
        return stored == Order.Status.PENDING or (stored == Order.Status.FAILED and retried)

    def page() -> dict:
        orders = Order.objects.select_related("expert", "reading").only(*CONFIRMATION_FIELDS)
        order = orders.get(public_id=public_id)
        stored = order.status  # the page's script reloads when it moves
        if waiting(stored):
            order.status = Order.Status.PENDING  # as shown, never saved
        return {
            "order": order,
            "status": stored,
            "steps": build_timeline(order),
            "is_pending": order.status == Order.Status.PENDING,
            "is_failed": order.status == Order.Status.FAILED,
            "is_paid": order.status in PAID_STATUSES,
            "can_fill_intake": order.status == Order.Status.PAID,
            # Where the order stands, what comes next and by when (SPEC §9).
            "client_status": client_status(order),
            "step": 3,
        }

    status_fragment = cached_fragment(
        "confirmation",
        (public_id, *version, retried),
        "orders/includes/confirmation_status.html",
        page,
    )
    context = {"status_fragment": status_fragment, "is_pending": waiting(status)}
    return render(request, "orders/confirmation.html", context)


# Every view of a confirmation reads this: one literal query (SPEC §14, docs/performance.md).
CONFIRMATION_VERSION_SQL = """
    SELECT o.updated_at, o.status, e.name
    FROM orders_order o LEFT OUTER JOIN experts_expert e ON e.id = o.expert_id
    WHERE o.public_id = %s
"""


def confirmation_version(public_id: uuid.UUID) -> tuple | None:
    """(last change, status, expert's name) of the order, None when there is no such order."""
    with connection.cursor() as cursor:
        # 32 hex digits: how SQLite stores a UUID, and a uuid PostgreSQL reads.
        cursor.execute(CONFIRMATION_VERSION_SQL, [public_id.hex])
        return cursor.fetchone()


@require_http_methods(["GET", "POST"])
def intake_form(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    order = get_object_or_404(Order, public_id=public_id, anonymised_at__isnull=True)
    key = request.GET.get("cle")
    if key and intake.key_opens(order, key):
        # The link from the payment email: this browser may now open the form without it.
        remember_order(request, order)
        return redirect("orders:intake", public_id=order.public_id)
    if not order.is_paid:
        # Says no more than the public confirmation page: no ownership check needed here.
        refunded = order.status == Order.Status.REFUNDED
        return render(
            request, "orders/intake_closed.html", {"order": order, "refunded": refunded}, status=403
        )
    if not client_owns_order(request, order):
        if request.user.is_authenticated:
            raise Http404
        login_url = reverse("sanctuaire:login")
        return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
    photos = list(order.photos.all())
    if not intake.can_amend(order):
        context = {"order": order, "photos": photos}
        status = 409 if request.method == "POST" else 200
        return render(request, "orders/intake_locked.html", context, status=status)
    posted = request.method == "POST"
    form = IntakeForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=_intake_initial(order),
        existing_photos=photos,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        if intake.save_intake(order, data, data["photos"], data["removed_photos"]):
            return redirect("orders:intake_sent", public_id=order.public_id)
        order.refresh_from_db()
        context = {"order": order, "photos": photos}
        return render(request, "orders/intake_locked.html", context, status=409)
    context = {"order": order, "form": form, "photos": photos, "max_photos": intake.MAX_PHOTOS}
    status = 400 if posted else 200
    return render(request, "orders/intake_form.html", context, status=status)


def _intake_initial(order: Order) -> dict:
    initial = {name: getattr(order, name) for name in intake.INTAKE_FIELDS}
    initial["data_consent"] = order.data_consent_at is not None
    initial["keep_photos"] = order.keep_photos
    return {name: value for name, value in initial.items() if value not in ("", None)}


@require_GET
def intake_sent(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """After a successful send: what happens next, not the same form again."""
    order = get_object_or_404(
        Order.objects.select_related("offer", "expert"),
        public_id=public_id,
        anonymised_at__isnull=True,
    )
    if not order.is_paid or not order.intake_submitted_at:
        return redirect("orders:intake", public_id=order.public_id)
    if not client_owns_order(request, order):
        raise Http404
    context = {
        "order": order,
        "can_amend": intake.can_amend(order),
        # Where the order stands and by when it arrives (SPEC §9).
        "client_status": client_status(order),
    }
    return render(request, "orders/intake_sent.html", context)
