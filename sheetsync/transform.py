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

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
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
#: A decimal number as JSON or a person writes it (no inf or nan words).
_LITERAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


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


def serial(moment: datetime, tz: tzinfo) -> float | int:
    """A sheet serial number: days since 1899-12-30, in ``tz``'s wall time (an int at midnight,
    as Google reads whole numbers back)."""
    local = moment.astimezone(tz).replace(tzinfo=None)
    return _days(local - SERIAL_EPOCH)


def _days(span: timedelta) -> float | int:
    days = span / _DAY  # exact: microseconds over a day's, rounded once
    return int(days) if days.is_integer() else days


_DAY = timedelta(days=1)
_UNIX = datetime(1970, 1, 1, tzinfo=UTC)


class Serials:
    """:func:`serial` for one time zone, without a zone lookup per value: the zone's offset is
    looked up once per UTC hour (and used for the whole hour only when it holds no change)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._offsets: dict[int, timedelta | None] = {}

    def __call__(self, moment: datetime) -> float | int:
        since = moment - _UNIX  # aware: the instant, whatever offset it was written with
        hour = since.days * 24 + since.seconds // 3600
        offset = self._offsets.get(hour, _MISSING)
        if offset is _MISSING:
            start = _UNIX + timedelta(hours=hour)
            first = start.astimezone(self.tz).utcoffset()
            last = (start + timedelta(seconds=3599)).astimezone(self.tz).utcoffset()
            offset = first if first == last else None
            self._offsets[hour] = offset
        if offset is None:
            return serial(moment, self.tz)
        return _days(since + offset + _UNIX_SERIAL)


_MISSING: Any = object()
_UNIX_SERIAL = datetime(1970, 1, 1) - SERIAL_EPOCH


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
    if isinstance(value, dict):
        # A related object where one value was expected: never write Python's repr of it.
        shown = json.dumps(value, ensure_ascii=False, default=str)
        raise TransformError(
            f"Pardot sent an object ({shown[:200]}) where a single value was expected; map "
            "one of its fields with dot notation (e.g. campaign.name)"
        )
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
        raise _unfit(spec, value, "is not a boolean")
    moment = _moment(value, spec)
    if kind == "date":
        day = moment.astimezone(spec.tz).date() if isinstance(moment, datetime) else moment
        return date_serial(day)
    if isinstance(moment, datetime):
        return serial(moment, spec.tz)
    return date_serial(moment)


def _unfit(spec: ColumnSpec, value: Any, problem: str) -> TransformError:
    """A value the column's type cannot show: what, and the two ways out."""
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return TransformError(
        f"column {spec.header!r}: {shown} {problem}; correct the value in Pardot, or show "
        "the column as text (type: text)"
    )


def _number(value: Any, spec: ColumnSpec) -> CellValue:
    if isinstance(value, bool):
        raise _unfit(spec, value, "is a boolean, not a number")
    number: int | float
    if isinstance(value, int | float):
        number = value
    else:
        text = as_text(value).strip().replace(",", "")
        try:
            number = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
        except ValueError:
            raise _unfit(spec, value, "is not a number") from None
    if isinstance(number, float):
        if not math.isfinite(number):
            text = as_text(value).strip()
            if _LITERAL.fullmatch(text):
                # A literal past a double's range (1e400, as jsonfast keeps it): a Sheets
                # number cannot hold it, so keep it as its text, like a long integer.
                return clean_text(text)
            raise _unfit(spec, value, "is not a finite number")
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
            raise _unfit(spec, value, "is not a date or datetime") from None
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=spec.tz)
    return moment


def _placeholder(value: Any) -> str:
    """A value as it goes into a link URL: URL-quoted UTF-8 (half a surrogate pair, which
    UTF-8 cannot hold, becomes U+FFFD first)."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    text = as_text(value)
    if text.isascii() and text.isalnum():
        return text  # ids and the like need no quoting
    return quote(_SURROGATE.sub("\ufffd", text), safe="")


def fill_template(template: str, record: Mapping[str, Any]) -> str:
    """``https://x/read?id={id}`` with each placeholder URL-quoted from the record."""
    return _PLACEHOLDER.sub(lambda m: _placeholder(record.get(m.group(1))), template)


def cell(record: Mapping[str, Any], spec: ColumnSpec) -> Cell:
    value = convert(record.get(spec.field), spec)
    if spec.link is None or value is None:
        return value
    return Link(as_text(value), fill_template(spec.link, record))


def row(record: Mapping[str, Any], specs: Sequence[ColumnSpec]) -> tuple[Cell, ...]:
    """The record's cells, one per column spec (the reference; see :class:`RowMaker`)."""
    return tuple(cell(record, spec) for spec in specs)


# -- the same rules, compiled per column: a full sync converts millions of cells ------------------

Converter = Callable[[Any], CellValue]
#: Text this short cannot pass Google's 50,000-unit cell limit (each character is <= 2 units).
_SHORT = MAX_CELL_CHARS // 2


def _text_fast(value: Any) -> CellValue:
    if type(value) is str and len(value) <= _SHORT and value.isprintable():
        return value  # printable: no control character, no lone surrogate; not empty here
    return clean_text(as_text(value)) or None


def _integer_fast(value: Any, spec: ColumnSpec) -> CellValue:
    if type(value) is int and -MAX_EXACT_INT <= value <= MAX_EXACT_INT:
        return value
    return _number(value, spec)


def compile_converter(spec: ColumnSpec) -> Converter:
    """A function giving exactly :func:`convert`'s result for ``spec``, faster."""
    default = literal(spec.default)
    values = spec.values or None
    kind = spec.type
    typed: Converter
    if kind == "text":
        typed = _text_fast
    elif kind in ("number", "integer"):

        def typed(value: Any) -> CellValue:
            return _integer_fast(value, spec)

    elif kind in ("datetime", "date") and values is None:
        tz = spec.tz
        as_date = kind == "date"
        serials = Serials(tz)

        def typed(value: Any) -> CellValue:
            if type(value) is str and len(value) > 10:
                try:
                    moment = datetime.fromisoformat(value)
                except ValueError:
                    return convert(value, spec)
                if moment.tzinfo is not None:
                    if as_date:
                        return date_serial(moment.astimezone(tz).date())
                    return serials(moment)
            return convert(value, spec)

    else:

        def typed(value: Any) -> CellValue:
            return convert(value, spec)

        return typed  # convert() applies the default and the value map itself

    def converter(value: Any) -> CellValue:
        if value is None or value == "" or value == []:
            return default
        if values is not None:
            text = value_text(value)
            if text in values:
                return literal(values[text])
        return typed(value)

    return converter


class RowMaker:
    """Turns records into rows of cells, one per column spec, exactly as :func:`row` does.

    Works a batch of records (a page) at a time, column by column: the usual value of each
    type (short printable text, an int, a bool) passes in a list comprehension without a
    function call, and everything else goes through the column's compiled converter. Also
    counts the values it had to cut to Google's cell limit (for the run report)."""

    def __init__(self, specs: Sequence[ColumnSpec]) -> None:
        self.specs = list(specs)
        self._plan = [
            (spec, self._counting(compile_converter(spec)), _compile_link(spec.link))
            for spec in self.specs
        ]
        self.truncated = 0

    def _counting(self, convert_one: Converter) -> Converter:
        def counted(value: Any) -> CellValue:
            cell = convert_one(value)
            if type(cell) is str and len(cell) >= _SHORT and cell.endswith(TRUNCATED_TAIL):
                self.truncated += 1
            return cell

        return counted

    def rows(self, records: Sequence[Mapping[str, Any]]) -> list[tuple[Cell, ...]]:
        columns = [self._column(records, *step) for step in self._plan]
        return list(zip(*columns, strict=True)) if columns else [() for _ in records]

    def __call__(self, record: Mapping[str, Any]) -> tuple[Cell, ...]:
        return self.rows([record])[0]

    def cell(self, record: Mapping[str, Any], index: int) -> Cell:
        """One column's cell (the key, say) without converting the whole row."""
        return self._column([record], *self._plan[index])[0]

    @staticmethod
    def _column(
        records: Sequence[Mapping[str, Any]],
        spec: ColumnSpec,
        slow: Converter,
        link: Callable[[Mapping[str, Any]], str] | None,
    ) -> list[Cell]:
        name = spec.field
        raw = [record.get(name) for record in records]
        plain = not spec.values and spec.default is None
        cells: list[CellValue]
        if plain and spec.type == "text":
            cells = [
                v
                if type(v) is str and v and len(v) <= _SHORT and v.isprintable()
                else (None if v is None else slow(v))
                for v in raw
            ]
        elif plain and spec.type in ("integer", "number"):
            top = MAX_EXACT_INT
            cells = [
                v if type(v) is int and -top <= v <= top else (None if v is None else slow(v))
                for v in raw
            ]
        elif plain and spec.type == "boolean":
            cells = [v if type(v) is bool else (None if v is None else slow(v)) for v in raw]
        else:
            cells = [slow(v) for v in raw]
        if link is None:
            return list(cells)
        return [
            cell
            if cell is None
            else Link(cell if type(cell) is str else as_text(cell), link(record))
            for cell, record in zip(cells, records, strict=True)
        ]


def _compile_link(template: str | None) -> Callable[[Mapping[str, Any]], str] | None:
    if template is None:
        return None
    pieces = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    texts, names = pieces[0::2], pieces[1::2]

    def fill(record: Mapping[str, Any]) -> str:
        out = [texts[0]]
        for name, text in zip(names, texts[1:], strict=True):
            out.append(_placeholder(record.get(name)))
            out.append(text)
        return "".join(out)

    return fill
