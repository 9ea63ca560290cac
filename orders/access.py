"""Who may see which order: the client who bought it (this browser, or their account)."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from orders.models import Order

SESSION_KEY = "lumira_orders"


def remember_order(request: HttpRequest, order: Order) -> None:
    """This browser created the order: it may read it back (JSON contact fields included)."""
    known = request.session.get(SESSION_KEY, [])
    if str(order.public_id) not in known:
        request.session[SESSION_KEY] = [*known[-19:], str(order.public_id)]


def client_owns_order(request: HttpRequest, order: Order) -> bool:
    user = request.user
    if user.is_authenticated and (
        order.user_id == user.pk or (user.email and user.email.lower() == order.email.lower())
    ):
        return True
    return str(order.public_id) in request.session.get(SESSION_KEY, [])


def get_order_for_client(request: HttpRequest, public_id) -> Order:
    """The order if the client owns it, else 404 (never 403: no hint that it exists)."""
    order = get_object_or_404(Order, public_id=public_id)
    if not client_owns_order(request, order):
        raise Http404
    return order
