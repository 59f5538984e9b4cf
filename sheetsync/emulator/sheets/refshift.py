"""Moving a formula to another cell: relative references shift, ``$``-absolute parts do not.

What Google Sheets does when a formula is copied (``copyPaste``, fill down): ``=C5*2`` copied one
row down is ``=C6*2``; ``=$C$5*2`` stays; ``=C$5`` keeps its row and ``=$C5`` its column. Ranges
(``A1:B2``), whole columns (``A:A``) and rows (``3:3``) and sheet-qualified references
(``Data!A1``, ``'My data'!A1:B2``) shift the same way. Text in double quotes is never touched.
A reference shifted off the grid's top or left edge becomes ``#REF!``, as in Sheets.
"""

from __future__ import annotations

import re

from .a1 import column_index, column_letters

_PIECE = re.compile(
    r'(?P<str>"(?:[^"]|"")*")'
    r"|(?<![A-Za-z0-9_.$])"
    r"(?P<sheet>'(?:[^']|'')*'!|[A-Za-z_][A-Za-z0-9_.]*!)?"
    r"(?P<ref>\$?[A-Za-z]{1,3}\$?[0-9]+(?::\$?[A-Za-z]{1,3}\$?[0-9]+)?"
    r"|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}"
    r"|\$?[0-9]+:\$?[0-9]+)"
    r"(?![A-Za-z0-9_(!])"
)
_CELL = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)")
_COLUMN = re.compile(r"(\$?)([A-Za-z]{1,3})")
_ROW = re.compile(r"(\$?)([0-9]+)")


class _OffGrid(Exception):
    """A shifted reference would point above row 1 or left of column A."""


def _shift_col(absolute: str, letters: str, by: int) -> str:
    if absolute:
        return absolute + letters.upper()
    index = column_index(letters) + by
    if index < 0:
        raise _OffGrid
    return column_letters(index)


def _shift_row(absolute: str, digits: str, by: int) -> str:
    if absolute:
        return absolute + digits
    number = int(digits) + by
    if number < 1:
        raise _OffGrid
    return str(number)


def _shift_endpoint(text: str, rows: int, cols: int) -> str:
    cell = _CELL.fullmatch(text)
    if cell:
        col_abs, letters, row_abs, digits = cell.groups()
        return _shift_col(col_abs, letters, cols) + _shift_row(row_abs, digits, rows)
    column = _COLUMN.fullmatch(text)
    if column:
        return _shift_col(column.group(1), column.group(2), cols)
    row = _ROW.fullmatch(text)
    if row:
        return _shift_row(row.group(1), row.group(2), rows)
    return text  # pragma: no cover - the pattern only matches the three shapes above


def shift_formula(text: str, rows: int, cols: int) -> str:
    """``text`` (a formula, ``=...``) as it reads after moving ``rows`` down, ``cols`` right."""
    if rows == 0 and cols == 0:
        return text

    def moved(match: re.Match[str]) -> str:
        if match.group("str") is not None:
            return match.group(0)
        sheet = match.group("sheet") or ""
        try:
            parts = [_shift_endpoint(p, rows, cols) for p in match.group("ref").split(":")]
        except _OffGrid:
            return "#REF!"
        return sheet + ":".join(parts)

    return _PIECE.sub(moved, text)


# -- rows and columns inserted or deleted --------------------------------------------------------
#
# Unlike a copy, inserting or deleting rows (columns) moves every reference to the cells that
# moved, absolute or not, on any sheet: ``=D10`` becomes ``=D9`` when a row above is deleted; a
# reference to a deleted cell becomes ``#REF!``; a range loses the deleted part, or grows when
# rows are inserted inside it.

Span = tuple[int | None, int | None]


def _parse(part: str) -> tuple[str, int | None, str, int | None]:
    """``$C$5`` -> ("$", 2, "$", 4) (0-based); a missing column or row is None."""
    cell = _CELL.fullmatch(part)
    if cell:
        col_abs, letters, row_abs, digits = cell.groups()
        return col_abs, column_index(letters), row_abs, int(digits) - 1
    column = _COLUMN.fullmatch(part)
    if column:
        return column.group(1), column_index(column.group(2)), "", None
    row = _ROW.fullmatch(part)
    assert row is not None  # nosec B101  # type narrowing: the caller matched a reference
    return "", None, row.group(1), int(row.group(2)) - 1


def _write(col_abs: str, col: int | None, row_abs: str, row: int | None) -> str:
    text = "" if col is None else col_abs + column_letters(col)
    return text + ("" if row is None else row_abs + str(row + 1))


def _sheet_name(prefix: str) -> str | None:
    if not prefix:
        return None
    name = prefix[:-1]
    if name.startswith("'"):
        name = name[1:-1].replace("''", "'")
    return name


def restructure(
    text: str,
    *,
    moved_sheet: str,
    home_sheet: str,
    rows: bool,
    change: tuple[str, int, int],
) -> str:
    """``text`` (a formula on ``home_sheet``) after rows (``rows``) or columns of
    ``moved_sheet`` were inserted (``("insert", at, count)``) or deleted (``("delete", a, b)``)."""
    from .dimensions import cut_span, shift_span  # the spans move as merges and ranges do

    kind, first, second = change
    target = moved_sheet.casefold()

    def span(lo: int | None, hi: int | None) -> Span | None:
        if kind == "insert":
            return shift_span(lo, hi, first, second)
        return cut_span(lo, hi, first, second)

    def moved(match: re.Match[str]) -> str:
        if match.group("str") is not None:
            return match.group(0)
        prefix = match.group("sheet") or ""
        if (_sheet_name(prefix) or home_sheet).casefold() != target:
            return match.group(0)
        ends = [_parse(p) for p in match.group("ref").split(":")]
        values = [e[3] if rows else e[1] for e in ends]
        if any(v is None for v in values):
            return match.group(0)  # a whole column (row) does not move with rows (columns)
        numbers = [v for v in values if v is not None]
        new = span(min(numbers), max(numbers) + 1)
        if new is None or new[0] is None or new[1] is None:
            return "#REF!"
        lo, hi = new[0], new[1] - 1
        result = []
        for i, (col_abs, col, row_abs, row) in enumerate(ends):
            place = lo if i == 0 else hi
            if rows:
                result.append(_write(col_abs, col, row_abs, place))
            else:
                result.append(_write(col_abs, place, row_abs, row))
        return prefix + ":".join(result)

    return _PIECE.sub(moved, text)
