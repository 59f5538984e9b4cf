"""What a cell holds, and how values come in (RAW, USER_ENTERED, ExtendedValue).

A cell value is ``None`` (empty), ``str``, ``int``/``float`` (a double; dates are serial
numbers), ``bool`` or :class:`Formula`. Everything else about a cell (format, note, text runs,
data validation) lives in a small per-cell dict of CellData fields, kept only where present.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .errors import CELL_TEXT_LIMIT, CELL_TEXT_MESSAGE, bad_request
from .formula import Formula
from .numberformat import datetime_to_serial

CellValue = str | int | float | bool | Formula | None

# CellData fields stored beside the value (the writable ones besides userEnteredValue).
EXTRA_KEYS: tuple[str, ...] = ("userEnteredFormat", "note", "textFormatRuns", "dataValidation")
READ_ONLY_KEYS = frozenset(
    {"effectiveValue", "formattedValue", "effectiveFormat", "hyperlink", "dataSourceFormula"}
)
OTHER_WRITABLE = frozenset({"pivotTable", "dataSourceTable", "chipRuns"})

_NUMBER = re.compile(
    r"^(?P<sign>[+-])?(?P<cur>\$)?"
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)"
    r"(?:[eE](?P<exp>[+-]?\d+))?(?P<pct>%)?$"
)
_ISO_DATE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])[Mm])?$")


def text_length(text: str) -> int:
    """Length as the 50,000-character limit counts it: UTF-16 code units (UNCONFIRMED)."""
    if len(text) * 2 <= CELL_TEXT_LIMIT:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def check_text(text: str) -> None:
    if len(text) > CELL_TEXT_LIMIT // 2 and text_length(text) > CELL_TEXT_LIMIT:
        raise bad_request(CELL_TEXT_MESSAGE)


def from_raw(value: Any) -> CellValue:
    """A ``values`` item under RAW: stored as given; ``""`` clears."""
    if isinstance(value, str):
        if not value:
            return None
        check_text(value)
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return as_double(value)
    raise TypeError(value)


def as_double(value: int | float) -> int | float:
    """Sheets stores doubles: integers past 2**53 lose their last digits, as in Google."""
    if isinstance(value, int) and abs(value) > 2**53:
        return float(value)
    return value


def from_user_entered(value: Any) -> tuple[CellValue, dict[str, Any] | None]:
    """A ``values`` item under USER_ENTERED: parsed as if typed; returns (value, number format)."""
    if not isinstance(value, str):
        return from_raw(value), None
    if not value:
        return None, None
    check_text(value)
    if value.startswith("'"):
        return (value[1:] or None), None
    if value.startswith("=") and len(value) > 1:
        return Formula(value), None
    text = value.strip()
    upper = text.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE", None
    parsed = _parse_number(text)
    if parsed is not None:
        return parsed
    parsed_date = _parse_date_time(text)
    if parsed_date is not None:
        return parsed_date
    if text.startswith("+") and len(text) > 1:
        # A leading + starts a formula in the Sheets UI; non-numbers end in a parse error.
        return Formula("=" + text), None
    return value, None


def _parse_number(text: str) -> tuple[CellValue, dict[str, Any] | None] | None:
    match = _NUMBER.match(text)
    if not match:
        return None
    digits = match.group("num").replace(",", "")
    number = float(digits + (f"e{match.group('exp')}" if match.group("exp") else ""))
    if match.group("sign") == "-":
        number = -number
    fmt: dict[str, Any] | None = None
    decimals = "." in digits and digits.split(".")[1] != ""
    if match.group("pct"):
        number /= 100
        fmt = {"type": "PERCENT", "pattern": "0.00%" if decimals else "0%"}
    elif match.group("cur"):
        fmt = {"type": "CURRENCY", "pattern": '"$"#,##0.00'}
    elif match.group("exp"):
        fmt = {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
    elif "," in match.group("num"):
        fmt = {"type": "NUMBER", "pattern": "#,##0.00" if decimals else "#,##0"}
    stored: int | float = number
    if number.is_integer() and abs(number) < 2**53 and not match.group("pct"):
        stored = int(number)
    return stored, fmt


def _parse_date_time(text: str) -> tuple[CellValue, dict[str, Any] | None] | None:
    date_part, _, time_part = text.partition(" ")
    date_value: datetime | None = None
    pattern = ""
    iso = _ISO_DATE.match(date_part)
    us = _US_DATE.match(date_part)
    try:
        if iso:
            sep = iso.group(2)
            date_value = datetime(int(iso.group(1)), int(iso.group(3)), int(iso.group(4)))
            pattern = f"yyyy{sep}mm{sep}dd"
        elif us:
            date_value = datetime(int(us.group(3)), int(us.group(1)), int(us.group(2)))
            pattern = "M/d/yyyy"
    except ValueError:
        return None
    if date_value is None:
        seconds = _parse_time(text)
        if seconds is None:
            return None
        return _serial(datetime(1899, 12, 30), seconds), {
            "type": "TIME",
            "pattern": "h:mm:ss am/pm",
        }
    if not time_part:
        return datetime_to_serial(date_value), {"type": "DATE", "pattern": pattern}
    seconds = _parse_time(time_part.strip())
    if seconds is None:
        return None
    return _serial(date_value, seconds), {"type": "DATE_TIME", "pattern": f"{pattern} H:mm:ss"}


def _parse_time(text: str) -> int | None:
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    half = (match.group(4) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour * 3600 + minute * 60 + second


def _serial(day: datetime, seconds: int) -> float | int:
    base = datetime_to_serial(day)
    total = base + seconds / 86_400
    return int(total) if float(total).is_integer() else total


def from_extended(value: Any) -> CellValue:
    """An ExtendedValue (``userEnteredValue``) as written through updateCells / repeatCell."""
    if not value:
        return None
    if not isinstance(value, dict):
        raise bad_request("Invalid value for userEnteredValue: expected an ExtendedValue.")
    kinds = [k for k in ("stringValue", "numberValue", "boolValue", "formulaValue") if k in value]
    if len(kinds) != 1:
        if "errorValue" in value:
            raise bad_request("errorValue is read-only and cannot be written.")
        raise bad_request("Exactly one of the ExtendedValue kinds must be set.")
    kind = kinds[0]
    raw = value[kind]
    if kind == "stringValue":
        text = str(raw)
        check_text(text)
        return text if text else None
    if kind == "numberValue":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise bad_request(f"Invalid numberValue: {raw!r}")
        return as_double(raw)
    if kind == "boolValue":
        return bool(raw)
    text = str(raw)
    check_text(text)
    return Formula(text if text.startswith("=") else "=" + text)


def to_extended(value: CellValue) -> dict[str, Any] | None:
    """The ``userEnteredValue`` JSON of a stored value."""
    if value is None:
        return None
    if isinstance(value, Formula):
        return {"formulaValue": value.text}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": json_number(value)}
    return {"stringValue": value}


def json_number(value: int | float) -> int | float:
    """Integers stay integers in Google's JSON (``53``, not ``53.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def value_type(value: CellValue) -> str:
    if isinstance(value, Formula):
        return "formula"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "string"
