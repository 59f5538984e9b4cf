"""Reusable field validators for the mapping models; each raises ValueError with the message a
marketing-ops reader sees after ``file:line: key:``."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from sheetsync.mapping.links import FIELD_NAME
from sheetsync.mapping.values import describe, did_you_mean


def one_of(
    choices: tuple[str, ...], aliases: dict[str, str] | None = None, *, allow_none: bool = False
) -> Callable[[Any], Any]:
    """A before-validator for a Literal: accepts any letter case and surrounding spaces (then
    normalises), else says which values are allowed and which one was probably meant."""
    table = {c.lower(): c for c in choices} | {k.lower(): v for k, v in (aliases or {}).items()}

    def check(value: Any) -> Any:
        if value is None and allow_none:
            return None
        if isinstance(value, str) and value.strip().lower() in table:
            return table[value.strip().lower()]
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        raise ValueError(f"must be one of {', '.join(choices)} (got {describe(value)}){hint}")

    return check


def field_name(value: str) -> str:
    """A Pardot field name: ``email``, ``hobby__c``, ``assignedTo.email``."""
    name = value.strip()
    if not FIELD_NAME.match(name):
        raise ValueError(
            f"'{value}' is not a field name: use the field's API name (letters, digits and _; "
            "dots for related fields, e.g. assignedTo.email)"
        )
    return name


def non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_name(value: str) -> str:
    """An IANA time zone name such as ``Europe/Paris`` or ``UTC``."""
    name = value.strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        hint = did_you_mean(name, _zone_names()) if name else ""
        raise ValueError(
            f"unknown time zone '{value}' (use an IANA name such as Europe/Paris, "
            f"America/New_York or UTC){hint}"
        ) from None
    return name
