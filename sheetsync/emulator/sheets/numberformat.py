"""How numbers look under FORMATTED_VALUE: the automatic format and the common patterns.

Covers what the API's users meet in practice (plain, grouped, fixed decimals, percent, currency,
scientific; dates, times and date-times in the ``yyyy-mm-dd hh:mm:ss`` family). The automatic
format's exact switch to scientific notation (at 1e15 here) is UNCONFIRMED.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

SERIAL_EPOCH = datetime(1899, 12, 30)
DATE_TYPES = frozenset({"DATE", "TIME", "DATE_TIME"})

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def serial_to_datetime(serial: float) -> datetime:
    # Round to the millisecond so 0.1-day steps do not print as 2:23:59.
    millis = round(serial * 86_400_000)
    return SERIAL_EPOCH + timedelta(milliseconds=millis)


def datetime_to_serial(when: datetime) -> float | int:
    delta = when - SERIAL_EPOCH
    serial = delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400_000_000
    return int(serial) if float(serial).is_integer() else serial


def is_date_format(number_format: dict[str, Any] | None) -> bool:
    return number_format is not None and number_format.get("type") in DATE_TYPES


def format_number(value: float, number_format: dict[str, Any] | None) -> str:
    """The text a cell holding ``value`` shows with the given NumberFormat (None = automatic)."""
    if not number_format:
        return general(value)
    kind = number_format.get("type")
    pattern = number_format.get("pattern") or _DEFAULT_PATTERNS.get(str(kind), "")
    if not pattern or kind == "TEXT":
        return general(value)
    if kind in DATE_TYPES:
        return format_datetime(value, pattern)
    return format_with_pattern(value, pattern)


_DEFAULT_PATTERNS = {
    "NUMBER": "#,##0.00",
    "PERCENT": "0.00%",
    "CURRENCY": '"$"#,##0.00',
    "SCIENTIFIC": "0.00E+00",
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
}


def general(value: float) -> str:
    """The automatic format: integers in full, else up to 10 significant digits."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-9:
        return scientific(value, 5, strip=True)
    if float(value).is_integer():
        return str(int(value))
    exponent = math.floor(math.log10(magnitude))
    decimals = max(0, 9 - exponent)
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def scientific(value: float, decimals: int, *, strip: bool = False) -> str:
    mantissa, exponent = f"{value:.{decimals}E}".split("E")
    if strip and "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}E{sign}{exponent.lstrip('+-').zfill(2)}"


# -- number patterns -------------------------------------------------------------------------


def _split_sections(pattern: str) -> list[str]:
    sections: list[str] = []
    current: list[str] = []
    quoted = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and i + 1 < len(pattern):
            current.append(pattern[i : i + 2])
            i += 2
            continue
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    sections.append("".join(current))
    return sections


@lru_cache(maxsize=256)
def _compile_number_pattern(section: str) -> tuple[str, str, int, int, int, bool, bool, int]:
    """(prefix, suffix, min_int, min_dec, max_dec, grouping, percent, sci_exp_digits)."""
    prefix: list[str] = []
    suffix: list[str] = []
    numeric: list[str] = []
    i = 0
    stage = 0  # 0 prefix, 1 numeric, 2 suffix
    percent = False
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            (prefix if stage == 0 else suffix).append(section[i + 1 : end])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(section):
            (prefix if stage == 0 else suffix).append(section[i + 1])
            i += 2
            continue
        if ch in "0#?,." or (stage == 1 and ch in "Ee" and i + 1 < len(section)):
            if stage == 2:
                suffix.append(ch)
            else:
                stage = 1
                numeric.append(ch)
                if ch in "Ee":
                    numeric.append(section[i + 1])
                    i += 1
            i += 1
            continue
        if ch == "%":
            percent = True
        if ch in "_*":  # spacing directives: skip the next char
            i += 2
            continue
        if stage == 1:
            stage = 2
        (prefix if stage == 0 else suffix).append(ch)
        i += 1
    body = "".join(numeric)
    sci_digits = 0
    sci_match = re.search("[Ee][+-]", body)
    if sci_match:
        sci_digits = max(1, body[sci_match.end() :].count("0"))
        body = body[: sci_match.start()]
    int_part, _, dec_part = body.partition(".")
    grouping = "," in int_part
    min_int = int_part.count("0")
    min_dec = dec_part.count("0")
    max_dec = sum(dec_part.count(c) for c in "0#?")
    return (
        "".join(prefix),
        "".join(suffix),
        min_int,
        min_dec,
        max_dec,
        grouping,
        percent,
        sci_digits,
    )


def format_with_pattern(value: float, pattern: str) -> str:
    sections = _split_sections(pattern)
    section = sections[0]
    sign = ""
    if value < 0:
        if len(sections) > 1 and sections[1]:
            section = sections[1]
        else:
            sign = "-"
        value = -value
    elif value == 0 and len(sections) > 2 and sections[2]:
        section = sections[2]
    prefix, suffix, min_int, min_dec, max_dec, grouping, percent, sci = _compile_number_pattern(
        section
    )
    if percent:
        value *= 100
    if sci:
        mantissa, _, exponent = scientific(value, max_dec).partition("E")
        exp_sign, exp_digits = exponent[0], exponent[1:].lstrip("0") or "0"
        body = f"{mantissa}E{exp_sign}{exp_digits.zfill(sci)}"
        return f"{sign}{prefix}{body}{suffix}"
    text = f"{value:.{max_dec}f}"
    int_text, _, dec_text = text.partition(".")
    while len(dec_text) > min_dec and dec_text.endswith("0"):
        dec_text = dec_text[:-1]
    int_text = int_text.lstrip("0")
    int_text = int_text.rjust(min_int, "0")
    if grouping and int_text:
        int_text = f"{int(int_text):,}"
    body = int_text + ("." + dec_text if dec_text or (max_dec and min_dec) else "")
    if body.startswith(".") and min_int == 0 and not dec_text:
        body = "0"
    if sign and not body.strip("0.,"):
        sign = ""  # -0.00 prints as 0.00
    return f"{sign}{prefix}{body}{suffix}"


# -- date patterns ---------------------------------------------------------------------------

_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|\[h+\]|am/pm|AM/PM|a/p|A/P|yyyy|yy|y|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|'
    r"hh|h|HH|H|ss|s|\.0+|.",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def _date_tokens(pattern: str) -> tuple[tuple[str, str], ...]:
    raw = [t for t in _DATE_TOKEN.findall(pattern)]
    kinds: list[tuple[str, str]] = []
    for tok in raw:
        low = tok.lower()
        if tok.startswith('"'):
            kinds.append(("lit", tok[1:-1]))
        elif tok.startswith("\\"):
            kinds.append(("lit", tok[1:]))
        elif low in ("am/pm", "a/p"):
            kinds.append(("ampm", low))
        elif low.startswith("[h"):
            kinds.append(("elapsed", low))
        elif low[0] in "ymdhs" and set(low) == {low[0]}:
            kinds.append((low[0], low))
        elif low.startswith(".0"):
            kinds.append(("frac", low))
        else:
            kinds.append(("lit", tok))
    # m / mm next to hours or seconds means minutes.
    fields = [i for i, (kind, _) in enumerate(kinds) if kind in "ymdhs" and len(kind) == 1]
    for pos, i in enumerate(fields):
        if kinds[i][0] != "m" or len(kinds[i][1]) > 2:
            continue
        before = kinds[fields[pos - 1]][0] if pos > 0 else ""
        after = kinds[fields[pos + 1]][0] if pos + 1 < len(fields) else ""
        if before == "h" or after == "s":
            kinds[i] = ("minute", kinds[i][1])
    return tuple(kinds)


def format_datetime(serial: float, pattern: str) -> str:
    when = serial_to_datetime(serial)
    tokens = _date_tokens(pattern)
    twelve = any(kind == "ampm" for kind, _ in tokens)
    out: list[str] = []
    for kind, tok in tokens:
        if kind == "lit":
            out.append(tok)
        elif kind == "y":
            out.append(str(when.year) if len(tok) != 2 else f"{when.year % 100:02d}")
        elif kind == "m":
            if len(tok) == 1:
                out.append(str(when.month))
            elif len(tok) == 2:
                out.append(f"{when.month:02d}")
            elif len(tok) == 3:
                out.append(_MONTHS[when.month - 1][:3])
            elif len(tok) == 4:
                out.append(_MONTHS[when.month - 1])
            else:
                out.append(_MONTHS[when.month - 1][0])
        elif kind == "d":
            if len(tok) <= 2:
                out.append(str(when.day) if len(tok) == 1 else f"{when.day:02d}")
            else:
                name = _DAYS[when.weekday()]
                out.append(name[:3] if len(tok) == 3 else name)
        elif kind == "h":
            hour = when.hour
            if twelve:
                hour = hour % 12 or 12
            out.append(str(hour) if len(tok) == 1 else f"{hour:02d}")
        elif kind == "elapsed":
            out.append(str(int(serial * 24)))
        elif kind == "minute":
            out.append(str(when.minute) if len(tok) == 1 else f"{when.minute:02d}")
        elif kind == "s":
            out.append(str(when.second) if len(tok) == 1 else f"{when.second:02d}")
        elif kind == "frac":
            digits = len(tok) - 1
            out.append("." + f"{when.microsecond:06d}"[:digits])
        elif kind == "ampm":
            morning = when.hour < 12
            if tok == "a/p":
                out.append("a" if morning else "p")
            else:
                out.append("AM" if morning else "PM")
    return "".join(out)
