"""The change-history tab: one line per changed cell, added row and removed row of a run.

Lines are appended below the last used row of column A (only that column is read) and the
oldest lines, at the top under the header, are deleted past ``keep_rows``: both in the run's
own write. A line travels in the batch that writes its row (a large write goes in several
batches): a write stopped part-way (a failure, a deadline, a killed process) has logged exactly
the rows it wrote, at the end of the tab, and the next run appends the rest below them. A new
tab, its header and its grid growth go in the first batch; the lines of removed rows and the
trim after the deletions. Columns are fixed (A..G): the tab is sheetsync's, users read and
filter it. Pure: builds the requests, the gateway sends them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheetsync.sheets.model import Cell, TabRead
from sheetsync.sheets.table import header_text

from .grid import NEW_TAB_ROWS, add_tab, free_sheet_id, grow_rows, write_rows

ROW_ADDED = "row added"
ROW_REMOVED = "row removed"
#: Lines per updateCells request, so a large history splits into ~2 MB batches.
ROWS_PER_REQUEST = 500


def changelog_headers(id_header: str) -> tuple[str, ...]:
    return ("Time", id_header, "Email", "Column", "Old value", "New value", "Run")


@dataclass(frozen=True)
class Entry:
    """One line: a changed cell (``column`` set), or a whole row added or removed.

    ``row``: the data tab's row (0-based, the grid as read) the line belongs with; ``None``
    for a removed row (its line goes with the deletions)."""

    record_id: Cell
    email: Cell
    column: str
    old: Cell
    new: Cell
    row: int | None = None


@dataclass
class ChangelogWrite:
    """The history's part of a write, by where it travels (see the module docstring)."""

    first: list[dict[str, Any]] = field(default_factory=list)
    rows: HistoryLines | None = None
    last: list[dict[str, Any]] = field(default_factory=list)


class HistoryLines:
    """The lines that belong with data rows (a :class:`~sheetsync.sheets.chunking.RowRequests`):
    line ``i`` of the run goes to tab row ``start + i``, and lines are in data-row order, so
    the batches fill the tab from the top down, without gaps."""

    def __init__(self, sheet_id: int, start: int, lines: Sequence[tuple[int, list[Cell]]]) -> None:
        self.sheet_id = sheet_id
        self.start = start
        self.anchors = [row for row, _ in lines]  # ascending
        self.lines = [cells for _, cells in lines]
        self._cost: dict[int, int] = {}
        for row, cells in lines:
            self._cost[row] = self._cost.get(row, 0) + _line_cost(cells)

    def rows(self) -> Iterable[int]:
        return self._cost.keys()

    def cost(self, row: int) -> int:
        return self._cost.get(row, 0)

    def requests(self, rows: Sequence[int]) -> list[dict[str, Any]]:
        if not rows:
            return []
        wanted = set(rows)
        first = bisect_left(self.anchors, rows[0])
        end = bisect_left(self.anchors, rows[-1] + 1)
        requests: list[dict[str, Any]] = []
        block: list[list[Cell]] = []
        block_start = previous = first
        for index in range(first, end):
            if self.anchors[index] not in wanted:
                continue
            if block and (index != previous + 1 or len(block) == ROWS_PER_REQUEST):
                requests.append(write_rows(self.sheet_id, self.start + block_start, 0, block))
                block = []
            if not block:
                block_start = index
            block.append(self.lines[index])
            previous = index
        if block:
            requests.append(write_rows(self.sheet_id, self.start + block_start, 0, block))
        return requests


def _line_cost(cells: Sequence[Cell]) -> int:
    """Estimated JSON bytes of one line: its text, and about 40 bytes around each cell."""
    return 40 + sum(40 + len(str(c).encode()) for c in cells)


def changelog_requests(
    title: str,
    tab: TabRead | None,
    sheet_ids: Sequence[int],
    entries: Sequence[Entry],
    *,
    keep_rows: int,
    at: str,
    run_id: str,
    id_header: str,
) -> ChangelogWrite:
    """Append ``entries`` (time ``at``, run ``run_id``) and trim to ``keep_rows`` lines.

    ``entries`` come in data-row order: the lines with a ``row`` first, ascending, then those
    of removed rows."""
    write = ChangelogWrite()
    if not entries:
        return write
    headers = changelog_headers(id_header)
    sheet_id = tab.sheet_id if tab is not None else free_sheet_id(sheet_ids, title)
    if tab is None:
        write.first.append(add_tab(sheet_id, title, len(headers)))
    used = len(tab.rows) if tab is not None else 0
    has_header = tab is not None and bool(tab.rows) and header_text(tab.rows[0][0]) != ""
    if not has_header:
        write.first.append(write_rows(sheet_id, 0, 0, [headers]))
    kept = list(entries)[-keep_rows:]  # one run's own lines past keep_rows: its newest stay
    start = max(used, 1)
    row_count = tab.row_count if tab is not None else NEW_TAB_ROWS
    write.first += grow_rows(sheet_id, start + len(kept) - row_count)
    lines = [[at, e.record_id, e.email, e.column, e.old, e.new, run_id] for e in kept]
    anchored = [(e.row, line) for e, line in zip(kept, lines, strict=True) if e.row is not None]
    if any(e.row is None for e in kept[: len(anchored)]):
        raise ValueError("history entries must list the lines of removed rows last")
    if anchored:
        write.rows = HistoryLines(sheet_id, start, anchored)
    rest = lines[len(anchored) :]
    for offset in range(0, len(rest), ROWS_PER_REQUEST):
        write.last.append(
            write_rows(
                sheet_id,
                start + len(anchored) + offset,
                0,
                rest[offset : offset + ROWS_PER_REQUEST],
            )
        )
    existing = max(start - 1, 0)
    trim = existing + len(kept) - keep_rows
    if trim > 0:
        span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 1 + trim}
        write.last.append({"deleteDimension": {"range": span}})
    return write
