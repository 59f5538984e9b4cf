"""Reading cells back: formula results and the three value render options.

FORMATTED_VALUE gives strings as shown in the UI; UNFORMATTED_VALUE gives JSON numbers, bools
and strings (dates as serials, or as formatted text with FORMATTED_STRING); FORMULA gives the
formula text for formula cells and UNFORMATTED values for the rest. A formula the evaluator does
not implement reads back as its own text under every option (documented stand-in).
"""

from __future__ import annotations

from typing import Any

from .cells import CellValue, json_number
from .formula import REF, ErrorResult, Evaluator, Formula, Scalar, Unsupported
from .model import Sheet, Spreadsheet
from .numberformat import format_number, is_date_format

FORMATTED = "FORMATTED_VALUE"
UNFORMATTED = "UNFORMATTED_VALUE"
FORMULA = "FORMULA"
SERIAL = "SERIAL_NUMBER"
FORMATTED_STRING = "FORMATTED_STRING"
VALUE_RENDER_OPTIONS = (FORMATTED, UNFORMATTED, FORMULA)
DATE_TIME_OPTIONS = (SERIAL, FORMATTED_STRING)


class _UnsupportedResult:
    """Marker: the formula could not be evaluated; show its text."""


_UNSUPPORTED = _UnsupportedResult()


def number_format(extras: dict[str, Any] | None) -> dict[str, Any] | None:
    if not extras:
        return None
    fmt = extras.get("userEnteredFormat")
    if not fmt:
        return None
    nf = fmt.get("numberFormat")
    return nf if isinstance(nf, dict) else None


class Renderer:
    """Renders cells of one spreadsheet version; caches formula results for one request."""

    def __init__(self, book: Spreadsheet, now_serial: float) -> None:
        self.book = book
        self.now_serial = now_serial
        self._cache: dict[tuple[int, int, int], Scalar | _UnsupportedResult] = {}
        self._visiting: set[tuple[int, int, int]] = set()

    # -- formulas ----------------------------------------------------------------------------
    def computed(self, sheet: Sheet, r: int, c: int, value: CellValue) -> Any:
        """The value a cell shows: the stored value, or a formula's result."""
        if not isinstance(value, Formula):
            return value
        key = (sheet.sheet_id, r, c)
        if key in self._cache:
            return self._cache[key]
        if key in self._visiting:
            return REF
        self._visiting.add(key)
        try:
            evaluator = Evaluator(
                lambda title, rr, cc: self._lookup(sheet, title, rr, cc), lambda: self.now_serial
            )
            result: Scalar | _UnsupportedResult = evaluator.evaluate(value)
        except Unsupported:
            result = _UNSUPPORTED
        finally:
            self._visiting.discard(key)
        self._cache[key] = result
        return result

    def _lookup(self, current: Sheet, title: str | None, r: int, c: int) -> Scalar:
        sheet = current if title is None else self.book.sheet_by_title(title)
        if sheet is None or r >= sheet.row_count or c >= sheet.col_count:
            return REF
        result = self.computed(sheet, r, c, sheet.value(r, c))
        if isinstance(result, _UnsupportedResult):
            value = sheet.value(r, c)
            return value.text if isinstance(value, Formula) else None
        return result  # type: ignore[no-any-return]

    # -- values ------------------------------------------------------------------------------
    def render(
        self,
        sheet: Sheet,
        r: int,
        c: int,
        value: CellValue,
        extras: dict[str, Any] | None,
        option: str,
        date_option: str,
    ) -> Any:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, Formula):
            if option == FORMULA:
                return value.text
            result = self.computed(sheet, r, c, value)
            if isinstance(result, _UnsupportedResult):
                return value.text
        else:
            result = value
        if result is None:
            return ""
        if isinstance(result, ErrorResult):
            return result.code
        if isinstance(result, bool):
            if option == FORMATTED:
                return "TRUE" if result else "FALSE"
            return result
        if isinstance(result, int | float):
            nf = number_format(extras)
            if option == FORMATTED:
                return format_number(result, nf)
            if date_option == FORMATTED_STRING and is_date_format(nf):
                return format_number(result, nf)
            return json_number(result)
        return result

    def matrix(
        self,
        sheet: Sheet,
        rows: tuple[int, int],
        cols: tuple[int, int],
        option: str,
        date_option: str,
    ) -> list[list[Any]]:
        """Rendered rows of a block, trailing empty cells and rows trimmed (ROWS major)."""
        r0, r1 = rows
        c0, c1 = cols
        out: list[list[Any]] = []
        last = min(r1, sheet.value_rows())
        for r in range(r0, last):
            row = sheet.row(r)
            if row is None:
                out.append([])
                continue
            values = row.values[c0:c1]
            n = len(values)
            while n and values[n - 1] is None:
                n -= 1
            if not n:
                out.append([])
                continue
            rendered: list[Any] = []
            append = rendered.append
            for i in range(n):
                v = values[i]
                if v is None:
                    append("")
                elif type(v) is str:
                    append(v)
                else:
                    append(
                        self.render(
                            sheet, r, c0 + i, v, row.cell_extras(c0 + i), option, date_option
                        )
                    )
            out.append(rendered)
        while out and not out[-1]:
            out.pop()
        return out


def to_columns(rows: list[list[Any]]) -> list[list[Any]]:
    """ROWS-major matrix -> COLUMNS-major, trailing empties trimmed the same way."""
    width = max((len(row) for row in rows), default=0)
    columns: list[list[Any]] = []
    for c in range(width):
        column = [row[c] if c < len(row) else "" for row in rows]
        n = len(column)
        while n and column[n - 1] == "":
            n -= 1
        columns.append(column[:n])
    while columns and not columns[-1]:
        columns.pop()
    return columns
