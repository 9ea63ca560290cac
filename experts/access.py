"""Who enters the desk (SPEC §8.1): an active user with an active Expert profile.

A superuser without an Expert profile is refused like a client, except on the order and
validation pages (validator_required), where they may give a reading its second look. To claim
and write, give them an Expert profile.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from experts.models import Expert


def active_expert(user) -> Expert | None:
    """The user's Expert profile if both are active, else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        expert = user.expert
    except Expert.DoesNotExist:
        return None
    return expert if expert.is_active else None


def expert_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → the login page; any other non-expert → a French 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        expert = active_expert(request.user)
        if expert is None:
            return render(request, "experts/forbidden.html", status=403)
        request.expert = expert
        return view(request, *args, **kwargs)

    return wrapper


def validator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like expert_required, and an active superuser without an Expert profile may come in to
    validate (SPEC §8.4): `request.expert` is None for them."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        expert = active_expert(request.user)
        if expert is None and not (request.user.is_active and request.user.is_superuser):
            return render(request, "experts/forbidden.html", status=403)
        request.expert = expert
        return view(request, *args, **kwargs)

    return wrapper
