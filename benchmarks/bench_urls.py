"""The site's URLs plus two reference views every figure is compared with.

`/bench/trivial` is a few bytes with no database and no template: the ceiling of this server.
`/bench/template` is a plain 5 KB template page (base-less, no i18n, no database): what a bare
Django project renders, so a page's ratio to it says how much our own work costs.
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


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def plain_template(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PLAIN_PAGE.render({"title": "Page de référence", "rows": ROWS}, request))


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/template", plain_template),
    path("", include("lumira.urls")),
]
