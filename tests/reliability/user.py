"""Sales people using the sheet, through gspread on the Sheets emulator: they type into their
own columns (values, colours, notes), add keyless rows and their own columns, insert blank rows,
delete rows, sort, move columns, and overwrite managed cells.

A sort or a column move is played as Sheets does it: every cell of the used range (value,
format and note) moves with its row or column, written back in one ``updateCells``.

The user's own cells are tracked by identity, not position: (prospect id, header) for cells on
a prospect's row, (marker, header) on a keyless row. :meth:`SheetUser.check` finds each one
wherever it is now and compares value, type, format and note."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .harness import MANAGED, SoakWorld
from .sheetview import MARKER_PREFIX, NOTES, Pos, SheetView

FIELDS = "userEnteredValue,userEnteredFormat,note"
COLOURS = ({"red": 1.0, "green": 0.9, "blue": 0.6}, {"red": 0.8, "green": 1.0, "blue": 0.8})
WORDS = ("call back", "0042", "=not a formula?", "+81 3 1234", "VIP", "lost", "ünïcødé ✓", "")


def cell_data(cell: dict[str, Any]) -> dict[str, Any]:
    """A snapshot cell as the CellData that writes it back."""
    out: dict[str, Any] = {}
    if "value" in cell:
        value, kind = cell["value"], cell.get("type")
        key = {"formula": "formulaValue", "bool": "boolValue", "number": "numberValue"}.get(
            str(kind), "stringValue"
        )
        out["userEnteredValue"] = {key: value}
    if "format" in cell:
        out["userEnteredFormat"] = cell["format"]
    if "note" in cell:
        out["note"] = cell["note"]
    return out


def range_of(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


@dataclass
class UserFigures:
    edits: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.edits[what] = self.edits.get(what, 0) + 1


@dataclass
class UserCheck:
    changed: list[str] = field(default_factory=list)  # user cells changed or gone
    lost_rows: list[str] = field(default_factory=list)  # rows carrying user cells, gone


class SheetUser:
    def __init__(self, world: SoakWorld, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.on_prospect_rows: dict[tuple[int, str], dict[str, Any]] = {}
        self.on_keyless_rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.user_headers: list[str] = []
        self.deleted_by_user: set[int] = set()  # prospects whose row a user deleted
        self.overwritten: set[tuple[int, str]] = set()  # managed cells typed over since a full run
        self.figures = UserFigures()
        self._markers = 0
        self._extra_columns = 0

    # -- helpers -----------------------------------------------------------------------------
    def view(self) -> SheetView:
        return SheetView.of(self.world.cells())

    def _random_cell(self) -> dict[str, Any]:
        rng = self.rng
        cell: dict[str, Any] = {}
        pick = rng.random()
        if pick < 0.5:
            word = rng.choice(WORDS)
            if word:
                cell.update(value=f"{word} {rng.randrange(1000)}", type="string")
        elif pick < 0.7:
            cell.update(value=rng.choice((rng.randrange(-50, 5000), rng.random() * 100)))
            cell["type"] = "number"
        elif pick < 0.8:
            cell.update(value=rng.random() < 0.5, type="bool")
        else:
            cell.update(value=f"={rng.randrange(9)}+{rng.randrange(9)}", type="formula")
        if rng.random() < 0.4:
            cell["format"] = {"backgroundColor": dict(rng.choice(COLOURS))}
        if rng.random() < 0.3:
            cell["note"] = f"note {rng.randrange(10_000)}"
        return cell

    def _write_cells(self, sheet_id: int, cells: dict[Pos, dict[str, Any]]) -> None:
        requests = [
            {
                "updateCells": {
                    "range": range_of(sheet_id, r, r + 1, c, c + 1),
                    "rows": [{"values": [cell_data(cell)]}],
                    "fields": FIELDS,
                }
            }
            for (r, c), cell in cells.items()
        ]
        self.world.user_batch(requests)

    def _rewrite(self, view: SheetView, grid: dict[Pos, dict[str, Any]], height: int) -> None:
        """Write every cell of the used range (values, formats, notes) as ``grid`` has them."""
        width = max(view.width, max((c for _, c in grid), default=-1) + 1)
        rows = [
            {"values": [cell_data(grid.get((r, c), {})) for c in range(width)]}
            for r in range(height)
        ]
        self.world.user_batch(
            [
                {
                    "updateCells": {
                        "range": range_of(self.world.sheet_id(), 0, height, 0, width),
                        "rows": rows,
                        "fields": FIELDS,
                    }
                }
            ]
        )

    # -- setup -------------------------------------------------------------------------------
    def add_first_columns(self) -> None:
        """Two user columns at the right end, with a header each."""
        view = self.view()
        sheet_id = self.world.sheet_id()
        self.world.user_batch(
            [{"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": 4}}]
        )
        cells: dict[Pos, dict[str, Any]] = {}
        for offset, header in enumerate((NOTES, "Owner")):
            cells[(0, view.width + offset)] = {"value": header, "type": "string"}
            self.user_headers.append(header)
        self._write_cells(sheet_id, cells)

    # -- edits that never move anything --------------------------------------------------------
    def type_cells(self, count: int) -> None:
        view = self.view()
        prospects = sorted(view.prospect_rows)
        if not prospects:
            return
        cells: dict[Pos, dict[str, Any]] = {}
        for _ in range(count):
            header = self.rng.choice(self.user_headers)
            col = view.col(header)
            if col is None:
                continue
            if view.keyless_rows and self.rng.random() < 0.2:
                marker = self.rng.choice(sorted(view.keyless_rows))
                if header == NOTES:
                    continue  # the marker stays
                row = view.keyless_rows[marker][0]
                cell = self._random_cell()
                self.on_keyless_rows[(marker, header)] = cell
            else:
                prospect_id = self.rng.choice(prospects)
                row = view.prospect_rows[prospect_id][0]
                cell = self._random_cell()
                self.on_prospect_rows[(prospect_id, header)] = cell
            cells[(row, col)] = cell
        self._write_cells(self.world.sheet_id(), cells)
        self.figures.count("typed into own cells")

    def overwrite_managed(self) -> None:
        """A user types over a managed cell (not the key); the next full run puts it right."""
        view = self.view()
        prospects = sorted(view.prospect_rows)
        headers = sorted(h for h in MANAGED if h in view.headers and h != "Prospect ID")
        if not prospects or not headers:
            return
        prospect_id = self.rng.choice(prospects)
        header = self.rng.choice(headers)
        row = view.prospect_rows[prospect_id][0]
        col = view.headers[header][0]
        self.overwritten.add((prospect_id, header))
        old = view.cell(row, col)
        cell = {k: v for k, v in old.items() if k not in ("value", "type")}
        cell.update(value=f"typed over {self.rng.randrange(100)}", type="string")
        self._write_cells(self.world.sheet_id(), {(row, col): cell})
        self.figures.count("overwrote managed cells")

    # -- structural edits --------------------------------------------------------------------
    def insert_rows(self) -> None:
        """Blank rows, or a keyless row of the user's own (a marker and maybe more)."""
        view = self.view()
        if view.height < 2:
            return
        at = self.rng.randrange(1, view.height + 1)
        keyless = self.rng.random() < 0.6
        count = 1 if keyless else self.rng.randrange(1, 4)
        sheet_id = self.world.sheet_id()
        requests: list[dict[str, Any]] = [
            {
                "insertDimension": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": at,
                        "endIndex": at + count,
                    },
                    "inheritFromBefore": False,
                }
            }
        ]
        self.world.user_batch(requests)
        if keyless:
            self._markers += 1
            marker = f"{MARKER_PREFIX}{self._markers}"
            cells = {(at, view.col(NOTES) or 0): {"value": marker, "type": "string"}}
            self.on_keyless_rows[(marker, NOTES)] = cells[(at, view.col(NOTES) or 0)]
            owner = view.col("Owner")
            if owner is not None and self.rng.random() < 0.7:
                cell = self._random_cell()
                cells[(at, owner)] = cell
                self.on_keyless_rows[(marker, "Owner")] = cell
            self._write_cells(sheet_id, cells)
            self.figures.count("inserted keyless rows")
        else:
            self.figures.count("inserted blank rows")

    def delete_row(self) -> None:
        view = self.view()
        if view.height < 3:
            return
        row = self.rng.randrange(1, view.height)
        for prospect_id, rows in view.prospect_rows.items():
            if row in rows:
                self.deleted_by_user.add(prospect_id)
                for key in [k for k in self.on_prospect_rows if k[0] == prospect_id]:
                    del self.on_prospect_rows[key]
        for marker, rows in view.keyless_rows.items():
            if row in rows:
                for key in [k for k in self.on_keyless_rows if k[0] == marker]:
                    del self.on_keyless_rows[key]
        self.world.user_batch(
            [
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": self.world.sheet_id(),
                            "dimension": "ROWS",
                            "startIndex": row,
                            "endIndex": row + 1,
                        }
                    }
                }
            ]
        )
        self.figures.count("deleted rows")

    def sort_rows(self) -> None:
        """Sort the data rows by a column (or shuffle them): each row moves whole."""
        view = self.view()
        rows = list(view.data_rows())
        if len(rows) < 2:
            return
        headers = sorted(view.headers)
        by = view.headers[self.rng.choice(headers)][0] if headers else 0
        descending = self.rng.random() < 0.5

        def sort_key(r: int) -> tuple[int, str]:
            value = view.cell(r, by).get("value")
            return (value is None, repr(value) if value is not None else "")

        order = sorted(rows, key=sort_key, reverse=descending)
        if self.rng.random() < 0.3:
            self.rng.shuffle(order)
        grid = {(r, c): cell for (r, c), cell in view.cells.items() if r == 0}
        for new, old in enumerate(order, start=1):
            for c in range(view.width):
                if (old, c) in view.cells:
                    grid[(new, c)] = view.cells[(old, c)]
        self._rewrite(view, grid, view.height)
        self.figures.count("sorted")

    def move_column(self) -> None:
        """Move one column (managed or not) to another place: every cell moves with it."""
        view = self.view()
        if view.width < 2:
            return
        order = list(range(view.width))
        moved = order.pop(self.rng.randrange(view.width))
        order.insert(self.rng.randrange(view.width), moved)
        grid = {
            (r, new): view.cells[(r, old)]
            for new, old in enumerate(order)
            for r in range(view.height)
            if (r, old) in view.cells
        }
        self._rewrite(view, grid, view.height)
        self.figures.count("moved columns")

    def add_column(self) -> None:
        """Insert a column of the user's own somewhere, with a header and a few cells."""
        view = self.view()
        if view.width < 1 or len(self.user_headers) >= 6:
            return
        at = self.rng.randrange(view.width + 1)
        self._extra_columns += 1
        header = f"Extra {self._extra_columns}"
        sheet_id = self.world.sheet_id()
        self.world.user_batch(
            [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": at,
                            "endIndex": at + 1,
                        },
                        "inheritFromBefore": False,
                    }
                }
            ]
        )
        self.user_headers.append(header)
        cells: dict[Pos, dict[str, Any]] = {(0, at): {"value": header, "type": "string"}}
        prospects = sorted(view.prospect_rows)
        for prospect_id in self.rng.sample(prospects, min(3, len(prospects))):
            cell = self._random_cell()
            cells[(view.prospect_rows[prospect_id][0], at)] = cell
            self.on_prospect_rows[(prospect_id, header)] = cell
        self._write_cells(sheet_id, cells)
        self.figures.count("added columns")

    # -- the check ---------------------------------------------------------------------------
    def check(self, view: SheetView, gone: set[int]) -> UserCheck:
        """Every tracked user cell where its row and column are now. ``gone``: prospects whose
        row the sync may rightly have removed (deleted in Pardot, or off the list, at some point
        since the last check); their cells are forgotten when their row is gone."""
        found = UserCheck()
        for header in self.user_headers:
            if len(view.headers.get(header, [])) != 1:
                found.changed.append(f"user header {header!r} at {view.headers.get(header)}")
        for (prospect_id, header), want in list(self.on_prospect_rows.items()):
            rows = view.prospect_rows.get(prospect_id)
            col = view.col(header)
            if not rows:
                if prospect_id in gone:
                    del self.on_prospect_rows[(prospect_id, header)]
                else:
                    found.lost_rows.append(f"row of prospect {prospect_id} (with user cells)")
                continue
            have = view.cell(rows[0], col) if col is not None else None
            if have != want:
                found.changed.append(f"prospect {prospect_id} {header!r}: {have!r} != {want!r}")
        for (marker, header), want in self.on_keyless_rows.items():
            rows = view.keyless_rows.get(marker)
            col = view.col(header)
            if not rows:
                found.lost_rows.append(f"keyless row {marker!r}")
                continue
            have = view.cell(rows[0], col) if col is not None else None
            if have != want:
                found.changed.append(f"{marker} {header!r}: {have!r} != {want!r}")
        return found
