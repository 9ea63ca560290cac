"""The site's URLs plus the reference views every figure is compared with.

Each reference stands for what an idiomatic bare Django project writes for the same kind of
work, served by the same server with the same settings, so a page's ratio to it says what our
own code costs beyond that:

- `/bench/trivial`: a few bytes, no database, no template (the ceiling of this server);
- `/bench/layout`: a 5 KB page extending the site's layout, with `{% translate %}`, `{% url %}`,
  `{% static %}` and `{% csrf_token %}`;
- `/bench/layout-logged-in`: the same page for a logged-in user (the session, then the user);
- `/bench/order/<public id>`: a JSON view reading one row by a unique key;
- `/bench/orders`: a paginated ORM list of 20 orders over the whole table (Django's Paginator),
  for a logged-in user;
- `/bench/insert`: an HMAC-checked insert into a table with a unique key.
"""

import hashlib
import hmac
import json
import os

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders.models import Order
from payments.models import ProcessedEvent

LAYOUT_PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% load i18n static %}
{% block title %}{% translate "Page de référence" %}{% endblock title %}
{% block content %}<h1>{% translate "Page de référence" %}</h1>
<form method="post" action="{% url 'sanctuaire:login' %}">{% csrf_token %}
<img src="{% static 'img/favicon.svg' %}" alt="" width="28" height="28">
{% for row in rows %}<section><h2>{{ row.name }}</h2><p>{{ row.text }}</p>
<a href="{% url 'orders:landing' %}">{% translate "Les lectures" %}</a></section>
{% endfor %}</form>{% endblock content %}"""
)
ROWS = [
    {
        "name": f"Section {index}",
        "text": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud.",
    }
    for index in range(16)
]
LIST_PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block content %}<h1>Commandes</h1>
<p>{{ page.paginator.count }} commandes</p><ol>{% for order in page %}
<li><a href="{% url 'experts:order' order.public_id %}">{{ order.number }}</a>
{{ order.first_name }} · {{ order.offer_name }} · {{ order.get_status_display }}
· {{ order.created_at|date:"j F Y" }}</li>{% endfor %}</ol>
{% if page.has_next %}<a href="?page={{ page.next_page_number }}">Suivante</a>{% endif %}
{% endblock content %}"""
)
INSERT_SECRET = os.environ.get("DEMO_WEBHOOK_SECRET", "").encode()


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    return HttpResponse(LAYOUT_PAGE.render({"rows": ROWS}, request))


@login_required
def layout_logged_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(LAYOUT_PAGE.render({"rows": ROWS}, request))


def order_json(request: HttpRequest, public_id) -> JsonResponse:
    order = get_object_or_404(Order, public_id=public_id)
    return JsonResponse(
        {
            "id": str(order.public_id),
            "number": order.number,
            "status": order.status,
            "amount": order.price_cents,
            "createdAt": order.created_at.isoformat(),
        }
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = Order.objects.order_by("-created_at", "-pk")
    page = Paginator(orders, 20).get_page(request.GET.get("page"))
    return HttpResponse(LIST_PAGE.render({"page": page}, request))


@csrf_exempt
@require_POST
def hmac_insert(request: HttpRequest) -> JsonResponse:
    expected = hmac.new(INSERT_SECRET, request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
        return JsonResponse({"error": "bad signature"}, status=400)
    event = json.loads(request.body)
    try:
        ProcessedEvent.objects.create(event_id=event["id"], type=event["type"])
    except IntegrityError:
        return JsonResponse({"received": True, "duplicate": True})
    return JsonResponse({"received": True})


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/layout", layout),
    path("bench/layout-logged-in", layout_logged_in),
    path("bench/order/<uuid:public_id>", order_json),
    path("bench/orders", order_list),
    path("bench/insert", hmac_insert),
    path("", include("lumira.urls")),
]
