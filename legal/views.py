"""The legal pages, as an admin last published them (SPEC §13)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from legal.models import LegalPage, LegalPageVersion


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    legal_page = get_object_or_404(LegalPage, slug=slug)
    return _render(
        request,
        {
            "title": legal_page.title,
            "body": legal_page.body,
            "number": legal_page.version,
            "published_at": legal_page.updated_at,
            "slug": slug,
        },
    )


@require_GET
def version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A past version, e.g. the CGV a client accepted (its number is on the order)."""
    old = get_object_or_404(LegalPageVersion, page__slug=slug, number=number)
    return _render(
        request,
        {
            "title": old.title,
            "body": old.body,
            "number": old.number,
            "published_at": old.created_at,
            "slug": slug,
            "is_old": True,
        },
    )


def _render(request: HttpRequest, context: dict) -> HttpResponse:
    # An admin writes the texts in the site's own language, whatever the reader's.
    return render(request, "legal/page.html", {**context, "text_language": settings.LANGUAGE_CODE})
