"""A1 notation: parsing ranges as the API accepts them and echoing them as it answers.

Bounds are 0-based and half-open like a GridRange; ``None`` means unbounded on that side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 18_278  # ZZZ

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]*)$")
_SIMPLE_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
_R1C1_LIKE = re.compile(r"^[Rr][0-9]*[Cc][0-9]*$")


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def cell_name(row: int, col: int) -> str:
    return f"{column_letters(col)}{row + 1}"


@dataclass(frozen=True)
class Bounds:
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None

    def is_single_cell(self) -> bool:
        return (
            self.start_row is not None
            and self.end_row == self.start_row + 1
            and self.start_col is not None
            and self.end_col == self.start_col + 1
        )


WHOLE_SHEET = Bounds()


@dataclass(frozen=True)
class ParsedRange:
    """``sheet`` is the title as written (unquoted), or None for "the first visible sheet"."""

    sheet: str | None
    bounds: Bounds
    cells_given: bool  # False when the range is a bare sheet name


def _endpoint(text: str) -> tuple[int | None, int | None] | None:
    match = _ENDPOINT.match(text)
    if not match:
        return None
    letters, digits = match.groups()
    if not letters and not digits:
        return None
    col = column_index(letters) if letters else None
    row = int(digits) - 1 if digits else None
    if row is not None and row < 0:
        return None
    if col is not None and col >= MAX_COLUMNS:
        return None
    return col, row


def parse_cells(text: str) -> Bounds | None:
    """``A1``, ``A1:B2``, ``A:C``, ``1:3``, ``A1:C`` (open), ``D4:A1`` (reversed); else None."""
    parts = text.split(":")
    if len(parts) == 1:
        point = _endpoint(parts[0])
        if point is None:
            return None
        col, row = point
        if col is None or row is None:
            return None
        return Bounds(row, row + 1, col, col + 1)
    if len(parts) != 2:
        return None
    first, second = _endpoint(parts[0]), _endpoint(parts[1])
    if first is None or second is None:
        return None
    start_col, end_col = _span(first[0], second[0])
    start_row, end_row = _span(first[1], second[1])
    return Bounds(start_row, end_row, start_col, end_col)


def _span(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    if a is not None and b is not None:
        return min(a, b), max(a, b) + 1
    if a is not None:
        return a, None
    if b is not None:
        # Only the second endpoint names this dimension (``A:A5``): bounded above only.
        return None, b + 1
    return None, None


def parse_range(text: str) -> ParsedRange | None:
    """Split ``'My sheet'!A1:B2`` / ``Sheet1!A:A`` / ``Sheet1`` / ``A1:B2``; None if malformed."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("'"):
        title, rest = _quoted(text)
        if title is None:
            return None
        if rest == "":
            return ParsedRange(title, WHOLE_SHEET, False)
        if not rest.startswith("!"):
            return None
        bounds = parse_cells(rest[1:])
        return None if bounds is None else ParsedRange(title, bounds, True)
    if "!" in text:
        title, cells = text.rsplit("!", 1)
        if not title:
            return None
        bounds = parse_cells(cells)
        return None if bounds is None else ParsedRange(title, bounds, True)
    bounds = parse_cells(text)
    if bounds is not None:
        return ParsedRange(None, bounds, True)
    return ParsedRange(text, WHOLE_SHEET, False)


def _quoted(text: str) -> tuple[str | None, str]:
    """Read ``'it''s'`` at the start of text; return (title, rest) or (None, '')."""
    out: list[str] = []
    i = 1
    while i < len(text):
        ch = text[i]
        if ch == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out), text[i + 1 :]
        out.append(ch)
        i += 1
    return None, ""


def quote_title(title: str) -> str:
    """Sheet name as the API echoes it: bare when simple, else quoted with ``''`` escapes."""
    if _SIMPLE_TITLE.match(title) and not _CELL_LIKE.match(title) and not _R1C1_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_cells(start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    first = cell_name(start_row, start_col)
    if end_row - start_row == 1 and end_col - start_col == 1:
        return first
    return f"{first}:{cell_name(end_row - 1, end_col - 1)}"


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    return f"{quote_title(title)}!{format_cells(start_row, end_row, start_col, end_col)}"


def format_open(title: str, bounds: Bounds, rows: int, cols: int) -> str:
    """A possibly open range echoed with its open sides closed at the grid's edge."""
    start_row = bounds.start_row or 0
    start_col = bounds.start_col or 0
    end_row = bounds.end_row if bounds.end_row is not None else max(rows, start_row + 1)
    end_col = bounds.end_col if bounds.end_col is not None else max(cols, start_col + 1)
    return format_range(title, start_row, end_row, start_col, end_col)


def format_bounds(bounds: Bounds) -> str:
    """A range as written, open sides left open (``A1001``, ``A:B``, ``5:7``, ``A5:B``)."""
    if bounds.is_single_cell():
        # Type narrowing only: a single cell has both bounds.
        assert bounds.start_row is not None and bounds.start_col is not None  # nosec B101
        return cell_name(bounds.start_row, bounds.start_col)
    start = (column_letters(bounds.start_col) if bounds.start_col is not None else "") + (
        str(bounds.start_row + 1) if bounds.start_row is not None else ""
    )
    end = (column_letters(bounds.end_col - 1) if bounds.end_col is not None else "") + (
        str(bounds.end_row) if bounds.end_row is not None else ""
    )
    return f"{start}:{end}" if end else start
