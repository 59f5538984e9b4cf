"""The emulator's spreadsheets: sheets of rows, copy-on-write so that batches are atomic.

A write request works on :meth:`Spreadsheet.clone` and the store swaps the clone in only when
every part succeeded. Cloning copies the list of rows (pointers) but not the rows: a row is
copied the first time the clone writes to it (each :class:`Row` remembers which sheet version
owns it). A 100,000-row sheet therefore clones in about a millisecond.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from .cells import CellValue

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26


class Row:
    """One grid row: values by column, plus sparse CellData extras by column."""

    __slots__ = ("extras", "owner", "values")

    def __init__(
        self,
        owner: object,
        values: list[CellValue] | None = None,
        extras: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        self.owner = owner
        self.values: list[CellValue] = values if values is not None else []
        self.extras = extras

    def copy(self, owner: object) -> Row:
        extras = dict(self.extras) if self.extras else None
        return Row(owner, list(self.values), extras)

    def value(self, col: int) -> CellValue:
        return self.values[col] if col < len(self.values) else None

    def cell_extras(self, col: int) -> dict[str, Any] | None:
        return self.extras.get(col) if self.extras else None

    def is_empty(self) -> bool:
        return not self.extras and all(v is None for v in self.values)

    def width(self) -> int:
        """1 + the last column holding a value (extras ignored)."""
        n = len(self.values)
        while n and self.values[n - 1] is None:
            n -= 1
        return n


class Sheet:
    def __init__(self, props: dict[str, Any], token: object | None = None) -> None:
        self.props = props
        self.rows: list[Row | None] = []
        self.merges: list[dict[str, Any]] = []
        self.protected: list[dict[str, Any]] = []
        self.token = token if token is not None else object()

    # -- properties --------------------------------------------------------------------------
    @property
    def sheet_id(self) -> int:
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        return str(self.props["title"])

    @property
    def grid(self) -> dict[str, Any]:
        grid: dict[str, Any] = self.props.setdefault("gridProperties", {})
        return grid

    @property
    def row_count(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def col_count(self) -> int:
        return int(self.grid.get("columnCount", 0))

    @property
    def hidden(self) -> bool:
        return bool(self.props.get("hidden", False))

    def cell_count(self) -> int:
        return self.row_count * self.col_count

    # -- copy-on-write -----------------------------------------------------------------------
    def clone(self) -> Sheet:
        twin = Sheet(copy.deepcopy(self.props))
        twin.rows = list(self.rows)
        twin.merges = copy.deepcopy(self.merges)
        twin.protected = copy.deepcopy(self.protected)
        return twin

    def row(self, r: int) -> Row | None:
        return self.rows[r] if r < len(self.rows) else None

    def writable(self, r: int) -> Row:
        if r >= len(self.rows):
            self.rows.extend([None] * (r + 1 - len(self.rows)))
        row = self.rows[r]
        if row is None:
            row = Row(self.token)
            self.rows[r] = row
        elif row.owner is not self.token:
            row = row.copy(self.token)
            self.rows[r] = row
        return row

    # -- cells -------------------------------------------------------------------------------
    def value(self, r: int, c: int) -> CellValue:
        row = self.row(r)
        return row.value(c) if row is not None else None

    def cell_extras(self, r: int, c: int) -> dict[str, Any] | None:
        row = self.row(r)
        return row.cell_extras(c) if row is not None else None

    def set_value(self, r: int, c: int, value: CellValue) -> None:
        if value is None:
            row = self.row(r)
            if row is None or c >= len(row.values) or row.values[c] is None:
                return
        row = self.writable(r)
        if c >= len(row.values):
            row.values.extend([None] * (c + 1 - len(row.values)))
        row.values[c] = value

    def set_extra(self, r: int, c: int, key: str, value: Any) -> None:
        """Set (or with None/empty, remove) one CellData field of a cell."""
        current = self.cell_extras(r, c)
        if value is None or value == {} or value == []:
            if current is None or key not in current:
                return
            row = self.writable(r)
            cell = dict(current)
            del cell[key]
            assert row.extras is not None  # nosec B101  # type narrowing: current came from it
            if cell:
                row.extras[c] = cell
            else:
                del row.extras[c]
            return
        row = self.writable(r)
        cell = dict(current) if current else {}
        cell[key] = value
        if row.extras is None:
            row.extras = {}
        row.extras[c] = cell

    def used_rows(self) -> int:
        n = min(len(self.rows), self.row_count)
        while n:
            row = self.rows[n - 1]
            if row is not None and not row.is_empty():
                break
            n -= 1
        return n

    def value_rows(self) -> int:
        """1 + the last row holding a value."""
        n = min(len(self.rows), self.row_count)
        while n:
            row = self.rows[n - 1]
            if row is not None and row.width():
                break
            n -= 1
        return n

    # -- structure ---------------------------------------------------------------------------
    def insert_rows(self, at: int, count: int) -> None:
        if at < len(self.rows):
            self.rows[at:at] = [None] * count
        self.grid["rowCount"] = self.row_count + count

    def delete_rows(self, start: int, end: int) -> None:
        del self.rows[start:end]
        self.grid["rowCount"] = self.row_count - (end - start)

    def insert_cols(self, at: int, count: int) -> None:
        for r, row in enumerate(self.rows):
            if row is None or (len(row.values) <= at and not row.extras):
                continue
            row = self.writable(r)
            if at < len(row.values):
                row.values[at:at] = [None] * count
            if row.extras:
                row.extras = {(c + count if c >= at else c): v for c, v in row.extras.items()}
        self.grid["columnCount"] = self.col_count + count

    def delete_cols(self, start: int, end: int) -> None:
        width = end - start
        for r, row in enumerate(self.rows):
            if row is None or (len(row.values) <= start and not row.extras):
                continue
            row = self.writable(r)
            del row.values[start:end]
            if row.extras:
                row.extras = {
                    (c - width if c >= end else c): v
                    for c, v in row.extras.items()
                    if not start <= c < end
                } or None
        self.grid["columnCount"] = self.col_count - width

    def truncate(self, rows: int, cols: int) -> None:
        """Drop cells outside a shrunken grid."""
        del self.rows[rows:]
        for r, row in enumerate(self.rows):
            if row is None:
                continue
            over = len(row.values) > cols or (row.extras and max(row.extras) >= cols)
            if over:
                row = self.writable(r)
                del row.values[cols:]
                if row.extras:
                    row.extras = {c: v for c, v in row.extras.items() if c < cols} or None


class Spreadsheet:
    def __init__(self, spreadsheet_id: str, properties: dict[str, Any], created: datetime) -> None:
        self.id = spreadsheet_id
        self.properties = properties
        self.sheets: list[Sheet] = []
        self.metadata: dict[int, dict[str, Any]] = {}
        self.shared = True
        self.created = created
        self.modified = created

    @property
    def title(self) -> str:
        return str(self.properties.get("title", ""))

    def clone(self) -> Spreadsheet:
        twin = Spreadsheet(self.id, copy.deepcopy(self.properties), self.created)
        twin.sheets = [sheet.clone() for sheet in self.sheets]
        twin.metadata = copy.deepcopy(self.metadata)
        twin.shared = self.shared
        twin.modified = self.modified
        return twin

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        return None

    def sheet_by_title(self, title: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        folded = title.casefold()
        for sheet in self.sheets:
            if sheet.title.casefold() == folded:
                return sheet
        return None

    def first_visible(self) -> Sheet:
        for sheet in self.sheets:
            if not sheet.hidden:
                return sheet
        return self.sheets[0]

    def cell_count(self) -> int:
        return sum(sheet.cell_count() for sheet in self.sheets)

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i
