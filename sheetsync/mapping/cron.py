"""Checking a ``schedule:`` written in unix-cron, the 5-field format Cloud Scheduler reads.

Hand-written rather than a dependency: all it does is tell a user which field is wrong and why
(the deployment, not sheetsync, runs the schedule). ``minute hour day-of-month month day-of-week``;
each field is ``*`` or a comma list of ``N``, ``N-M``, with an optional ``/step`` after ``*`` or a
range; months and weekdays may be names (``JAN``, ``MON-FRI``); weekday 7 is Sunday like 0.
"""

from __future__ import annotations

import re

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _WEEKDAYS),
)
_ITEM = re.compile(r"^(?P<range>\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:/(?P<step>[0-9]+))?$")


def _number(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + (1 if name == "month" else 0)
    if not text.isdigit():
        hint = f" or a name ({names[0]}..{names[-1]})" if names else ""
        raise ValueError(f"{name}: '{text}' is not a number{hint}")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{name}: {value} is outside {low}-{high}")
    return value


def _check_field(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> None:
    for item in text.split(","):
        match = _ITEM.match(item)
        if match is None:
            raise ValueError(f"{name}: cannot read '{item}' (write *, N, N-M, */S or N-M/S)")
        span, step = match["range"], match["step"]
        if span != "*":
            first, _, last = span.partition("-")
            start = _number(first, name, low, high, names)
            end = _number(last, name, low, high, names) if last else start
            if end < start:
                raise ValueError(f"{name}: the range '{span}' runs backwards")
            if step is not None and not last:
                raise ValueError(f"{name}: a step needs * or a range before it ('{item}')")
        if step is not None and not 1 <= int(step) <= high - low + 1:
            raise ValueError(f"{name}: step {step} must be between 1 and {high - low + 1}")


def cron_problem(expression: str) -> str | None:
    """What is wrong with a unix-cron expression, or None when Cloud Scheduler can read it."""
    text = expression.strip()
    if text.startswith("@"):
        return f"'{text}' is not unix-cron: write the 5 fields, e.g. '0 * * * *' for hourly"
    parts = text.split()
    if len(parts) != len(_FIELDS):
        extra = " (there is no seconds field)" if len(parts) == 6 else ""
        return (
            f"needs 5 fields (minute hour day-of-month month day-of-week), got {len(parts)}"
            f"{extra}: '{text}'"
        )
    try:
        for part, (name, low, high, names) in zip(parts, _FIELDS, strict=True):
            _check_field(part, name, low, high, names)
    except ValueError as exc:
        return f"{exc} in '{text}'"
    return None
