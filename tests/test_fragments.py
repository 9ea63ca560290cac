"""Cached fragments: keys made of what they show (lumira.fragments), stored in the one cache."""

from datetime import UTC, datetime, timedelta

from django.core.cache import cache, caches
from django.template import engines

from lumira.fragments import rows_version

NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_a_version_moves_when_a_row_changes_comes_or_goes():
    rows = [(1, NOON), (2, NOON)]
    version = rows_version(rows)
    assert rows_version(list(rows)) == version
    assert rows_version([(1, NOON), (2, NOON + timedelta(microseconds=1))]) != version
    assert rows_version([*rows, (3, NOON)]) != version
    assert rows_version(rows[:1]) != version


def test_fragments_live_in_the_default_cache_under_their_own_alias():
    """`{% cache %}` reads the "template_fragments" alias first: it must exist (no exception
    on each fragment) and be the same store, so that clearing the cache clears fragments."""
    caches["template_fragments"].set("shared", 1)
    assert cache.get("shared") == 1

    page = engines["django"].from_string(
        "{% load cache %}{% cache 60 probe %}{{ n }}{% endcache %}"
    )
    assert page.render({"n": 1}) == "1"
    assert page.render({"n": 2}) == "1"  # from the cache
    cache.clear()
    assert page.render({"n": 3}) == "3"
