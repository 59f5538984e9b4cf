"""When a mapping's ``schedule:`` (unix-cron, 5 fields) runs next, in the mapping's time zone.

The grammar is the one :mod:`sheetsync.mapping.cron` validates (``*``, ``N``, ``N-M``, ``/S``,
month and weekday names, weekday 7 = Sunday). As in cron, when both day-of-month and
day-of-week are restricted a day matching either one runs. Wall-clock times that do not exist
(the hour skipped when clocks go forward) are skipped; an ambiguous one runs at its first
occurrence. Pure; small enough not to need croniter.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_RANGES = ((0, 59, ()), (0, 23, ()), (1, 31, ()), (1, 12, _MONTHS), (0, 7, _WEEKDAYS))
#: Far enough for any valid expression (Feb 29 on a given weekday recurs within 28 years).
_HORIZON_DAYS = 366 * 29


def _number(text: str, low: int, names: tuple[str, ...]) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + (1 if low == 1 else 0)
    return int(text)


def _values(field: str, low: int, high: int, names: tuple[str, ...]) -> set[int]:
    found: set[int] = set()
    for item in field.split(","):
        span, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            start, end = low, high
        else:
            first, _, last = span.partition("-")
            start = _number(first, low, names)
            end = _number(last, low, names) if last else (high if step_text else start)
        found.update(range(start, end + 1, step))
    return found


def next_run(expression: str, after: datetime, zone: ZoneInfo) -> datetime | None:
    """The first time strictly after ``after`` that ``expression`` fires, in ``zone``; None if
    the expression cannot be read (the mapping's validation reports why)."""
    parts = expression.split()
    if len(parts) != 5:
        return None
    try:
        minutes, hours, days, months, weekdays = (
            _values(part, low, high, names)
            for part, (low, high, names) in zip(parts, _RANGES, strict=True)
        )
    except ValueError:
        return None
    weekdays = {0 if d == 7 else d for d in weekdays}
    any_day, any_weekday = parts[2] == "*", parts[4] == "*"
    local = after.astimezone(zone)
    day: date = local.date()
    times = sorted(time(h, m) for h in hours for m in minutes)
    for _ in range(_HORIZON_DAYS):
        if day.month in months:
            by_day = day.day in days
            by_weekday = (day.isoweekday() % 7) in weekdays
            if any_day and any_weekday:
                matches = True
            elif any_day:
                matches = by_weekday
            elif any_weekday:
                matches = by_day
            else:
                matches = by_day or by_weekday
            if matches:
                for at in times:
                    wall = datetime.combine(day, at)
                    candidate = wall.replace(tzinfo=zone)
                    round_trip = candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
                    if round_trip != wall:
                        continue  # skipped by a daylight-saving change
                    if candidate > after:
                        return candidate
        day += timedelta(days=1)
    return None
