"""Pardot record -> typed sheet cells. Pure.

The rules (each one is why an unchanged record writes nothing, run after run):

- ``text`` stays text, whatever it looks like (``0123``, ``+81…``, ``=HYPERLINK(…)``): it is
  written as a string value, never parsed. Empty text is an empty cell (Google stores no ``""``).
- ``number``/``integer`` are JSON numbers (numeric text is converted); an integer too large for
  a Sheets number (above 2**53) stays text so no digit is lost.
- ``boolean`` is a boolean.
- ``date``/``datetime`` become sheet serial numbers (days since 1899-12-30) in the column's time
  zone: Pardot sends ISO 8601 with the account's offset, and the sheet shows local wall time.
- Text over 50,000 characters (counted as Sheets counts: UTF-16 units) is cut with a visible
  marker, on a character boundary; lone surrogates become U+FFFD and control characters other
  than tab and newline are dropped, so the value written is the value read back.
- A value map replaces matching values (matched on the value's text, ``true``/``1500``/ISO dates,
  as the mapping documents); an empty value takes the column's default. A replacement or a
  default is written as the YAML typed it (``Hot`` is text even in an integer column); only
  values that pass through unchanged are converted to the column's type.
- A link column shows the value and links to the URL template filled from the record.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal
from urllib.parse import quote

from sheetsync.mapping.values import is_empty, value_text
from sheetsync.sheets.model import (
    MAX_CELL_CHARS,
    MAX_EXACT_INT,
    Cell,
    CellValue,
    Link,
    NumberFormat,
    sheets_length,
)

ColumnType = Literal["text", "number", "integer", "boolean", "date", "datetime"]

SERIAL_EPOCH = datetime(1899, 12, 30)
TRUNCATION_MARKER = " …[truncated by sheetsync: {n} characters]"
TRUNCATED_TAIL = " characters]"  # how a cut value ends (checked by the engine's report)
DEFAULT_FORMATS: dict[str, NumberFormat] = {
    "date": NumberFormat("DATE", "yyyy-mm-dd"),
    "datetime": NumberFormat("DATE_TIME", "yyyy-mm-dd hh:mm"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


class TransformError(ValueError):
    """A value that cannot become the column's type; names the column and the value."""


@dataclass(frozen=True)
class ColumnSpec:
    """A mapping column, resolved: its type is known and its time zone loaded."""

    header: str
    field: str
    type: ColumnType
    tz: tzinfo
    number_format: NumberFormat | None = None
    values: Mapping[Any, Any] | None = None
    default: Any = None
    link: str | None = None

    @property
    def format_for_new_rows(self) -> NumberFormat | None:
        return self.number_format or DEFAULT_FORMATS.get(self.type)


def clean_text(text: str) -> str:
    """Text as Sheets will store it: no lone surrogates, no control characters, <= 50,000."""
    text = _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if len(text) * 2 <= MAX_CELL_CHARS or sheets_length(text) <= MAX_CELL_CHARS:
        return text
    total = sheets_length(text)
    marker = TRUNCATION_MARKER.format(n=total)
    budget = MAX_CELL_CHARS - sheets_length(marker)
    used = 0
    cut = 0
    for cut, char in enumerate(text):  # noqa: B007 - cut is read after the loop
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            break
    return text[:cut] + marker


def serial(moment: datetime, tz: tzinfo) -> float:
    """A sheet serial number: days since 1899-12-30, in ``tz``'s wall time."""
    local = moment.astimezone(tz).replace(tzinfo=None)
    return (local - SERIAL_EPOCH) / timedelta(days=1)


def date_serial(day: date) -> int:
    return (day - SERIAL_EPOCH.date()).days


def parse_datetime(value: str) -> datetime | date:
    text = value.strip().replace("Z", "+00:00")
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_EXACT_INT:
        return str(int(value))
    if isinstance(value, list | tuple):
        return "; ".join(as_text(v) for v in value)
    return str(value)


def literal(value: Any) -> CellValue:
    """A value map's replacement or a default, written as the YAML typed it."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean_text(as_text(value)) or None


def convert(value: Any, spec: ColumnSpec) -> CellValue:
    """One field value as the column's typed cell value (None = empty cell)."""
    if is_empty(value):
        return literal(spec.default)
    if spec.values:
        text = value_text(value)
        if text in spec.values:
            return literal(spec.values[text])
    kind = spec.type
    if kind == "text":
        return clean_text(as_text(value)) or None
    if kind in ("number", "integer"):
        return _number(value, spec)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = as_text(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise TransformError(f"column {spec.header!r}: {value!r} is not a boolean")
    moment = _moment(value, spec)
    if kind == "date":
        day = moment.astimezone(spec.tz).date() if isinstance(moment, datetime) else moment
        return date_serial(day)
    if isinstance(moment, datetime):
        return serial(moment, spec.tz)
    return date_serial(moment)


def _number(value: Any, spec: ColumnSpec) -> CellValue:
    if isinstance(value, bool):
        raise TransformError(f"column {spec.header!r}: {value!r} is a boolean, not a number")
    number: int | float
    if isinstance(value, int | float):
        number = value
    else:
        text = as_text(value).strip().replace(",", "")
        try:
            number = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
        except ValueError:
            raise TransformError(f"column {spec.header!r}: {value!r} is not a number") from None
    if isinstance(number, float):
        if not math.isfinite(number):
            raise TransformError(f"column {spec.header!r}: {value!r} is not a finite number")
        if number.is_integer() and abs(number) <= MAX_EXACT_INT:
            number = int(number)
    if isinstance(number, int) and abs(number) > MAX_EXACT_INT:
        return clean_text(str(number))  # a Sheets number would round it: keep every digit
    return number


def _moment(value: Any, spec: ColumnSpec) -> datetime | date:
    if isinstance(value, datetime | date):
        moment: datetime | date = value
    else:
        try:
            moment = parse_datetime(as_text(value))
        except ValueError:
            raise TransformError(
                f"column {spec.header!r}: {value!r} is not a date or datetime"
            ) from None
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=spec.tz)
    return moment


def fill_template(template: str, record: Mapping[str, Any]) -> str:
    """``https://x/read?id={id}`` with each placeholder URL-quoted from the record."""
    return _PLACEHOLDER.sub(
        lambda m: quote(as_text(record.get(m.group(1)) or ""), safe=""), template
    )


def cell(record: Mapping[str, Any], spec: ColumnSpec) -> Cell:
    value = convert(record.get(spec.field), spec)
    if spec.link is None or value is None:
        return value
    return Link(as_text(value), fill_template(spec.link, record))


def row(record: Mapping[str, Any], specs: Sequence[ColumnSpec]) -> tuple[Cell, ...]:
    """The record's cells, one per column spec."""
    return tuple(cell(record, spec) for spec in specs)
