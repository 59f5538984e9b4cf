"""Small pure helpers shared by the mapping modules: the text of a value, emptiness, reading a
(possibly dotted) field from a record, and "did you mean" suggestions."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def value_text(value: Any) -> str:
    """The text of a value as a value map and text comparisons see it.

    ``true``/``false`` for booleans (JSON spelling), whole floats without ``.0`` (``1500.0`` and
    ``1500`` are both ``"1500"``), ISO 8601 for dates, ``""`` for None, items joined by ``", "``
    for lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def is_empty(value: Any) -> bool:
    """``is empty`` means no value: None, the empty text or an empty list."""
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def field_value(record: Mapping[str, Any], name: str) -> Any:
    """The value of ``name`` in a record: a flat key first (``"assignedTo.email"``), else the
    nested objects of v5 dot notation (``{"assignedTo": {"email": ...}}``); None when absent."""
    if name in record:
        return record[name]
    value: Any = record
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def describe(value: Any) -> str:
    """A value as an error message quotes it: ``'interger'``, ``12``, ``a list``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return str(value)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (same text ignoring case first), or None."""
    options = list(candidates)
    by_lower = {c.lower(): c for c in options}
    if word.lower() in by_lower:
        return by_lower[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` or ``""``."""
    hint = closest(word, candidates)
    return f"; did you mean '{hint}'?" if hint is not None and hint != word else ""
