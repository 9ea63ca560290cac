"""Keys for cached fragments, made of what they show: no invalidation code anywhere."""

from collections.abc import Iterable
from datetime import datetime


def rows_version(rows: Iterable[tuple[object, datetime]]) -> str:
    """`(id, updated_at)` pairs as one string that changes when a row changes, comes or goes."""
    return " ".join(f"{key}@{changed.isoformat()}" for key, changed in rows)
