"""Datetimes as the emulator keeps them (integer epoch seconds, UTC) and as Pardot writes them.

Records store datetimes as ``int`` epoch seconds: cheap to compare, sort and keep for 130,000
prospects. They become text only at the edges: ISO 8601 with the account time zone's offset in
JSON (``2025-05-16T11:27:08-07:00``, never ``Z``), ``YYYY-MM-DD HH:MM:SS`` local time in export CSV.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

# A '+' offset sent unencoded in a query string arrives as a space: say so instead of guessing.
_SPACE_OFFSET = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}:?\d{2}$")
_EXPORT_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


class DatetimeError(ValueError):
    """A datetime value the API refuses; the message says why."""


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_epoch(when: datetime) -> int:
    if when.tzinfo is None:
        raise ValueError("need an aware datetime")
    return int(when.timestamp())


def from_epoch(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def iso_local(epoch: float, tz: tzinfo) -> str:
    """JSON form: seconds, the account's offset (``-07:00``)."""
    return datetime.fromtimestamp(epoch, tz).isoformat(timespec="seconds")


def csv_local(epoch: float, tz: tzinfo) -> str:
    """Export CSV form: account-local wall time without an offset."""
    return datetime.fromtimestamp(epoch, tz).strftime("%Y-%m-%d %H:%M:%S")


def parse_request_datetime(text: str) -> float:
    """A datetime filter value: ISO 8601 with an explicit offset (``Z`` accepted)."""
    value = text.strip()
    if _SPACE_OFFSET.search(value):
        raise DatetimeError(
            f"'{text}' has a space where the offset sign should be; URL-encode '+' as %2B"
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DatetimeError(f"'{text}' is not an ISO 8601 datetime") from None
    if parsed.tzinfo is None or "T" not in value.upper():
        raise DatetimeError(
            f"'{text}' needs a time and an explicit UTC offset, e.g. 2025-05-16T11:27:08-07:00"
        )
    return parsed.timestamp()


def parse_export_datetime(text: str, tz: tzinfo) -> float:
    """An export procedure argument: ISO 8601 with offset, or ``YYYY-MM-DD HH:MM:SS`` local."""
    value = text.strip()
    if _EXPORT_LOCAL.match(value):
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz).timestamp()
    return parse_request_datetime(value)
