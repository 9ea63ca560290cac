"""The site's URLs plus the reference views every figure is compared with.

`/bench/trivial` is a few bytes with no database and no template: the ceiling of this server.
`/bench/template` is a plain 5 KB template page (base-less, no i18n, no database): what a bare
Django project renders, so a page's ratio to it says how much our own work costs.
`/bench/logged-in` is the floor of a logged-in page: the session and the user read as every
Sanctuaire and desk page reads them, then an empty page in the site's `base.html`.
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

PLAIN_PAGE = engines["django"].from_string(
    """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
{% for row in rows %}<section><h2>{{ row.name }}</h2><p>{{ row.text }}</p></section>
{% endfor %}</main></body></html>"""
)
ROWS = [
    {
        "name": f"Section {index}",
        "text": "Lorem ipsum dolor sit amet, consectetur adipiscing "
        "elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim "
        "veniam, quis nostrud exercitation ullamco laboris.",
    }
    for index in range(24)
]


LOGGED_IN_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>{{ user.first_name }}</h1>{% endblock %}'
)


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def plain_template(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PLAIN_PAGE.render({"title": "Page de référence", "rows": ROWS}, request))


def logged_in(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    return HttpResponse(LOGGED_IN_PAGE.render({}, request))


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/template", plain_template),
    path("bench/logged-in", logged_in),
    path("", include("lumira.urls")),
]
