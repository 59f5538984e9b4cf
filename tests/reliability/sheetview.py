"""The worksheet as the soak looks at it: cells by position (from the Sheets emulator's own
snapshot, not the engine), the header row, which rows hold which prospect, and which hold the
users' own keyless rows (found by their marker in the ``Notes`` column)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from gspread.utils import a1_to_rowcol

from .harness import KEY_HEADER

Pos = tuple[int, int]  # 0-based (row, col)
NOTES = "Notes"  # the users' first column; keyless rows carry a marker in it
MARKER_PREFIX = "user row "


def cell_value(cell: dict[str, Any] | None) -> Any:
    return None if cell is None else cell.get("value")


@dataclass
class SheetView:
    cells: dict[Pos, dict[str, Any]]
    headers: dict[str, list[int]] = field(default_factory=dict)  # header text -> columns
    prospect_rows: dict[int, list[int]] = field(default_factory=dict)  # id -> rows
    keyless_rows: dict[str, list[int]] = field(default_factory=dict)  # marker -> rows
    height: int = 0  # rows of the used range (anything in a cell counts)
    width: int = 0

    @classmethod
    def of(cls, a1_cells: dict[str, dict[str, Any]]) -> SheetView:
        cells: dict[Pos, dict[str, Any]] = {}
        for name, cell in a1_cells.items():
            row, col = a1_to_rowcol(name)
            cells[(row - 1, col - 1)] = dict(cell)
        view = cls(cells)
        view.height = max((r for r, _ in cells), default=-1) + 1
        view.width = max((c for _, c in cells), default=-1) + 1
        headers: dict[str, list[int]] = defaultdict(list)
        for (r, c), cell in cells.items():
            value = cell.get("value")
            if r == 0 and isinstance(value, str) and value.strip():
                headers[value.strip()].append(c)
        view.headers = {h: sorted(cs) for h, cs in headers.items()}
        key_col = view.col(KEY_HEADER)
        notes_col = view.col(NOTES)
        prospects: dict[int, list[int]] = defaultdict(list)
        keyless: dict[str, list[int]] = defaultdict(list)
        for r in range(1, view.height):
            key = cell_value(cells.get((r, key_col))) if key_col is not None else None
            if isinstance(key, int | float) and not isinstance(key, bool):
                prospects[int(key)].append(r)
                continue
            marker = cell_value(cells.get((r, notes_col))) if notes_col is not None else None
            if key is None and isinstance(marker, str) and marker.startswith(MARKER_PREFIX):
                keyless[marker].append(r)
        view.prospect_rows = dict(prospects)
        view.keyless_rows = dict(keyless)
        return view

    def col(self, header: str) -> int | None:
        found = self.headers.get(header)
        return found[0] if found else None

    def cell(self, row: int, col: int) -> dict[str, Any]:
        return self.cells.get((row, col), {})

    def row_of(self, prospect_id: int) -> int | None:
        rows = self.prospect_rows.get(prospect_id)
        return rows[0] if rows else None

    def data_rows(self) -> range:
        return range(1, self.height)
