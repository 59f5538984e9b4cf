"""What a write request works on: a spreadsheet clone, id generation and the limits."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .a1 import Bounds, format_bounds, format_range, quote_title
from .errors import ApiError, bad_request
from .model import Sheet, Spreadsheet

MAX_ID = 2**31 - 1


def cell_cap_message(limit: int) -> str:
    return (
        "This action would increase the number of cells in the workbook above the limit of "
        f"{limit} cells."
    )


def no_grid(sheet_id: Any) -> ApiError:
    return bad_request(f"No grid with id: {sheet_id}")


def exceeds_grid(sheet: Sheet, text: str) -> ApiError:
    return bad_request(
        f"Range ({quote_title(sheet.title)}!{text}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}"
    )


@dataclass
class GridBlock:
    """A resolved, closed block of one sheet (0-based, half-open)."""

    sheet: Sheet
    r0: int
    r1: int
    c0: int
    c1: int

    @property
    def a1(self) -> str:
        return format_range(self.sheet.title, self.r0, self.r1, self.c0, self.c1)


@dataclass
class Context:
    book: Spreadsheet
    rng: random.Random
    cell_limit: int
    metadata_limit: int
    # Sheets known to hold no formula during this batch (see refmove): not scanned again.
    formula_free: set[int] = field(default_factory=set)

    def new_id(self, taken: set[int]) -> int:
        while True:
            candidate = self.rng.randint(1, MAX_ID)
            if candidate not in taken:
                return candidate

    def check_cells(self) -> None:
        if self.book.cell_count() > self.cell_limit:
            raise bad_request(cell_cap_message(self.cell_limit))

    def sheet(self, sheet_id: Any) -> Sheet:
        sheet = self.book.sheet_by_id(_int(sheet_id or 0, "sheetId"))
        if sheet is None:
            raise no_grid(sheet_id or 0)
        return sheet

    def grid_range(self, data: Any) -> GridBlock:
        """Resolve a GridRange; unbounded sides close at the grid's edge; outside -> error."""
        if not isinstance(data, dict):
            raise bad_request("A GridRange is required.")
        sheet = self.sheet(data.get("sheetId"))
        r0 = _int(data.get("startRowIndex") or 0, "startRowIndex")
        c0 = _int(data.get("startColumnIndex") or 0, "startColumnIndex")
        r1_raw, c1_raw = data.get("endRowIndex"), data.get("endColumnIndex")
        r1 = _int(r1_raw, "endRowIndex") if r1_raw is not None else sheet.row_count
        c1 = _int(c1_raw, "endColumnIndex") if c1_raw is not None else sheet.col_count
        if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
            raise bad_request("Invalid GridRange: start indexes must be >= 0 and <= end indexes.")
        if r1 > sheet.row_count or c1 > sheet.col_count:
            shown = Bounds(r0, r1, c0, c1)
            raise exceeds_grid(sheet, format_bounds(shown))
        return GridBlock(sheet, r0, r1, c0, c1)


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise bad_request(f"Invalid value for {name}: {value!r}")
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"Invalid value for {name}: {value!r}") from None


def as_int(value: Any, name: str) -> int:
    return _int(value, name)
