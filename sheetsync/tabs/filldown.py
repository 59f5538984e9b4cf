"""``fill_down``: users' formula columns continue onto the rows a sync appends. Pure.

For each named column, one ``copyPaste`` (``PASTE_FORMULA``) from that column's cell on the last
synced row (the last row with a key, not being removed) to the new rows: Google moves the
formula as it does when a user fills down, so ``=C5*2`` becomes ``=C6*2`` on row 6 and
``$``-absolute references stay. Only the values move, never formats. The source is the last
keyed row rather than the row just above, which may be a users' own row (a total, say). A plain
value in that cell is copied as it is: the column was declared a formula column.

The copies travel in the batch that writes the new rows (:class:`FillDown`, a
``RowRequests``): a large write stopped between batches never leaves new rows without their
formulas (the next run would copy the empty cells on). They are made before the write's row
deletions, which all lie above the source row then, and move source and copies alike. When
the write also removes rows between the source and the new rows, a copy made before the
deletions would point its relative references at the removed rows: then the copies are made
after the deletions instead (``SheetWrite.extra_requests``, indices of the grid after them),
in the write's last batch, with the state.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sheetsync.diff import normalise_key
from sheetsync.sheets.table import DuplicateHeaderError, Table


@dataclass
class FillDown:
    """The formula copies, with the batch writing the new rows (indices: the grid as read)."""

    sheet_id: int
    source: int
    first_new: int
    new_rows: int
    columns: list[int]

    def rows(self) -> Iterable[int]:
        return range(self.first_new, self.first_new + self.new_rows)

    def cost(self, row: int) -> int:
        return 0  # a few hundred bytes per column and batch: within the batch's reserve

    def requests(self, rows: Sequence[int]) -> list[dict[str, Any]]:
        mine = [r for r in rows if self.first_new <= r < self.first_new + self.new_rows]
        requests: list[dict[str, Any]] = []
        for start, end in _blocks(mine):
            requests += [_copy(self.sheet_id, self.source, start, end, c) for c in self.columns]
        return requests


def fill_down_requests(
    table: Table,
    headers: Sequence[str],
    *,
    sheet_id: int,
    key_col: int,
    first_new: int,
    new_rows: int,
    deleted: Sequence[int],
) -> tuple[FillDown | None, list[dict[str, Any]], list[str]]:
    """(copies with the new rows, or else copies after the deletions, warnings).

    ``first_new`` is the 0-based index the first new row gets in the grid as read; ``deleted``
    the 0-based rows this write deletes (all above it)."""
    if not headers or new_rows <= 0:
        return None, [], []
    removed = sorted(set(deleted))
    source = None
    for number in range(table.next_row - 1, table.first_data_row - 1, -1):
        index = number - 1
        if index in removed or normalise_key(table.cell(number, key_col)) is None:
            continue
        source = index
        break
    if source is None:
        return None, [], []  # no synced row yet: nothing to copy from
    columns: list[int] = []
    warnings: list[str] = []
    for header in headers:
        try:
            col = table.column(header)
        except DuplicateHeaderError:
            warnings.append(f"fill_down: the header {header!r} is in several columns; not filled")
            continue
        if col is None:
            warnings.append(f"fill_down: no column {header!r} in the sheet; nothing filled")
            continue
        columns.append(col)
    if not columns:
        return None, [], warnings
    between = bisect_right(removed, source) < bisect_left(removed, first_new)
    if not between:
        return FillDown(sheet_id, source, first_new, new_rows, columns), [], warnings
    # After the deletions: the source and the new rows move up by the rows removed above them.
    after = source - bisect_left(removed, source)
    target = first_new - len(removed)
    return (
        None,
        [_copy(sheet_id, after, target, target + new_rows, col) for col in columns],
        warnings,
    )


def _blocks(rows: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Runs of consecutive rows as (start, end)."""
    start = end = None
    for row in rows:
        if end is not None and row == end:
            end += 1
            continue
        if start is not None and end is not None:
            yield start, end
        start, end = row, row + 1
    if start is not None and end is not None:
        yield start, end


def _copy(sheet_id: int, source: int, start: int, end: int, col: int) -> dict[str, Any]:
    return {
        "copyPaste": {
            "source": _range(sheet_id, source, source + 1, col),
            "destination": _range(sheet_id, start, end, col),
            "pasteType": "PASTE_FORMULA",
            "pasteOrientation": "NORMAL",
        }
    }


def _range(sheet_id: int, start: int, end: int, col: int) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": start,
        "endRowIndex": end,
        "startColumnIndex": col,
        "endColumnIndex": col + 1,
    }
