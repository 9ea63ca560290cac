"""Cached fragments of pages, keyed by what they show.

A page that renders the same part for many requests renders it once per *version*: a value the
view reads from the database on every request and that changes with every write to what the
part shows (an `updated_at`, the latest change of a set of rows). Each process may keep its own
cache: a write made by any process changes the version, so no page shows stale data and no code
has to invalidate anything. The view reads the data for the part only when it is missing, in
plain sight: `build` is called by `get_or_set`, never from inside a template.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# A version that no longer changes is dropped after this long; a changed one is never read.
FRAGMENT_SECONDS = 60 * 60
T = TypeVar("T")


def cached_fragment(
    name: str, version: object, template: str, build: Callable[[], dict], *, seconds: int = 0
) -> SafeString:
    """`template` rendered with `build()`, shared by every request that asks for this version."""
    return cached(
        f"fragment:{name}:{get_language()}",
        version,
        lambda: render_to_string(template, build()),
        seconds=seconds,
    )


def cached(name: str, version: object, build: Callable[[], T], *, seconds: int = 0) -> T:
    """`build()`, called once per process for this version of what it reads."""
    digest = hashlib.sha256(repr(version).encode()).hexdigest()[:32]
    return cache.get_or_set(f"{name}:{digest}", build, seconds or FRAGMENT_SECONDS)
