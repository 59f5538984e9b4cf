"""A diff turned into what the gateway writes, with the safety checks. Pure.

Changed cells are coalesced into runs of contiguous columns per row (one ``updateCells`` each);
new rows go right after the used range; removed rows are deleted bottom-up by the gateway.
A plan removing more than the allowed share of the keyed rows is refused whole unless forced:
an empty or truncated Pardot read must never wipe a sheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from sheetsync.diff import CellChange, Diff
from sheetsync.sheets.model import (
    MAX_SPREADSHEET_CELLS,
    Cell,
    CellNote,
    CellRun,
    NumberFormat,
    SheetWrite,
)

MANAGED_NOTE = (
    "Managed by sheetsync: filled from {source}. Edits in this column are replaced at the next "
    "sync; add your own columns beside it instead."
)
# Up to this many removals pass whatever their share (a small sheet losing one row).
SMALL_REMOVAL = 5


class PlanRefused(Exception):
    """The plan is unsafe to apply; nothing was written."""


@dataclass
class Plan:
    write: SheetWrite
    rows_added: int
    rows_updated: int
    rows_removed: int
    rows_marked: int
    cells_written: int
    changes: list[CellChange] = field(default_factory=list)
    headers_added: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        w = self.write
        return not (w.runs or w.notes or w.delete_rows)


#: The gateway cuts writes into batches of at most 2 MB, on row boundaries.
BATCH_BYTES = 1_700_000  # a little under the gateway's 2 MB cut: batches end on row boundaries
#: JSON around one cell value in an updateCells request (measured: typed value, formats, links).
CELL_OVERHEAD_BYTES = 60


def estimated_write_requests(plan: Plan) -> int:
    """About how many batchUpdate requests applying ``plan`` sends (0 for an empty plan)."""
    if plan.empty:
        return 0
    size = 0
    for run in plan.write.runs:
        size += 80 + sum(len(str(v)) + CELL_OVERHEAD_BYTES for v in run.values)
    return max(1, -(-size // BATCH_BYTES))


def coalesce(
    cells: Sequence[tuple[int, int, Cell]],
    formats: Mapping[int, NumberFormat | None] | None = None,
) -> list[CellRun]:
    """(row, col, value) cells -> runs of contiguous columns per row (0-based indices).

    ``formats`` gives the number format of columns whose cells get one (a column just added:
    its cells are new, like a new row's)."""
    runs: list[CellRun] = []
    ordered = sorted(cells, key=lambda c: (c[0], c[1]))
    formats = formats or {}
    for row, group in groupby(ordered, key=lambda c: c[0]):
        start = -2
        values: list[Cell] = []
        for _, col, value in group:
            if col != start + len(values):
                if values:
                    runs.append(_run(row, start, values, formats))
                start, values = col, []
            values.append(value)
        if values:
            runs.append(_run(row, start, values, formats))
    return runs


def _run(
    row: int, start: int, values: list[Cell], formats: Mapping[int, NumberFormat | None]
) -> CellRun:
    fmts = [formats.get(start + i) for i in range(len(values))] if formats else []
    return CellRun(row, start, tuple(values), _formats(fmts))


def new_row_runs(
    row: int,
    columns: Sequence[int],
    cells: Sequence[Cell],
    formats: Sequence[NumberFormat | None],
) -> list[CellRun]:
    """Runs for one appended row: one per stretch of contiguous managed columns."""
    return NewRows(columns, formats).runs(row, cells)


class NewRows:
    """Runs of appended rows: the column order is worked out once, not per row.

    Empty cells are part of the runs: a new row's date cell that is empty still gets the
    column's number format, so the date a later sync writes there shows as a date. (The row
    is past the used range, so writing its empty cells clears nothing.)"""

    def __init__(self, columns: Sequence[int], formats: Sequence[NumberFormat | None]) -> None:
        order = sorted(range(len(columns)), key=lambda i: columns[i])
        self.order = order
        self.columns = [columns[i] for i in order]
        self.formats = [formats[i] for i in order]

    def runs(self, row: int, cells: Sequence[Cell]) -> list[CellRun]:
        runs: list[CellRun] = []
        start = -2
        values: list[Cell] = []
        fmts: list[NumberFormat | None] = []
        for col, index, fmt in zip(self.columns, self.order, self.formats, strict=True):
            value = cells[index]
            if col != start + len(values):
                if values:
                    runs.append(CellRun(row, start, tuple(values), _formats(fmts)))
                start, values, fmts = col, [], []
            values.append(value)
            fmts.append(fmt)
        if values:
            runs.append(CellRun(row, start, tuple(values), _formats(fmts)))
        return runs


def _formats(fmts: list[NumberFormat | None]) -> tuple[NumberFormat | None, ...] | None:
    return tuple(fmts) if any(f is not None for f in fmts) else None


def build_plan(
    result: Diff,
    *,
    formats: Sequence[NumberFormat | None],
    used_rows: int,
    grid_rows: int,
    grid_cols: int,
    other_cells: int,
    max_remove_percent: float,
    force: bool,
    notes_for: Sequence[int] = (),
    sources: Sequence[str] = (),
    records: str = "prospects",
) -> Plan:
    """The write for a diff. ``used_rows`` is the used range's height (new rows go after it);
    ``other_cells`` counts the spreadsheet's cells outside this worksheet (the 10M cap);
    ``notes_for`` lists header indices that get the managed note (new headers always do);
    ``sources`` says, per header, what fills it (e.g. "the Pardot field email"); ``records``
    names the rows' Pardot object in messages (prospects, campaigns)."""
    layout = result.layout
    header_index = layout.header_row - 1
    formatted = {layout.columns[i] for i in layout.added if formats[i] is not None}
    empties = [c for c in result.new_column_cells if c.col in formatted]  # only to format them
    cells = [(c.row - 1, c.col, c.new) for c in (*result.changes, *empties)]
    headers_added = [layout.headers[i] for i in layout.added]
    runs = coalesce(cells, {layout.columns[i]: formats[i] for i in layout.added})
    runs += coalesce([(header_index, layout.columns[i], layout.headers[i]) for i in layout.added])
    first_new = max(used_rows, layout.header_row)  # 0-based index of the first appended row
    appended = NewRows(layout.columns, formats)
    for offset, row_cells in enumerate(result.new_rows):
        runs += appended.runs(first_new + offset, row_cells)
    noted = sorted(set(layout.added) | set(notes_for))
    notes = [
        CellNote(
            header_index,
            layout.columns[i],
            MANAGED_NOTE.format(source=sources[i] if i < len(sources) else "Pardot"),
        )
        for i in noted
    ]
    needed_rows = first_new + len(result.new_rows)
    needed_cols = max(layout.width, grid_cols)
    min_rows = max(grid_rows, needed_rows)
    total = other_cells + min_rows * needed_cols
    if total > MAX_SPREADSHEET_CELLS:
        raise PlanRefused(
            f"writing would grow the worksheet to {min_rows:,} rows x {needed_cols} columns and "
            f"the spreadsheet to {total:,} cells, past Google's limit of "
            f"{MAX_SPREADSHEET_CELLS:,}; remove unused rows or columns (every tab counts), or "
            "move this mapping to another spreadsheet. Nothing was written"
        )
    removed = len(result.removed_rows)
    managed = result.managed_rows
    if removed and not force:
        share = 100.0 * removed / managed if managed else 100.0
        wipes_all = removed >= managed
        if (share > max_remove_percent and removed > SMALL_REMOVAL) or (wipes_all and managed > 1):
            raise PlanRefused(
                f"the plan would remove {removed} of {managed} rows ({share:.0f}%, more than the "
                f"allowed {max_remove_percent:g}%); nothing was written. If Pardot really lost "
                f"these {records}, run again with --force (or raise max_remove_percent)"
            )
    write = SheetWrite(
        runs=runs,
        notes=notes,
        min_rows=min_rows,
        min_cols=needed_cols,
        delete_rows=sorted(row - 1 for row, _, _ in result.removed_rows),
    )
    new_cells = sum(1 for row_cells in result.new_rows for value in row_cells if value is not None)
    return Plan(
        write=write,
        rows_added=len(result.new_rows),
        rows_updated=result.rows_updated,
        rows_removed=removed,
        rows_marked=len(result.marked_rows),
        cells_written=len(result.changes) + new_cells + len(layout.added),
        changes=result.changes,
        headers_added=headers_added,
        warnings=list(result.warnings),
    )
