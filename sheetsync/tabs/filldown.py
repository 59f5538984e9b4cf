"""``fill_down``: users' formula columns continue onto the rows a sync appends. Pure.

For each named column, one ``copyPaste`` (``PASTE_FORMULA``) from that column's cell on the last
synced row (the last row with a key, not being removed) to the new rows: Google moves the
formula as it does when a user fills down, so ``=C5*2`` becomes ``=C6*2`` on row 6 and
``$``-absolute references stay. Only the values move, never formats. The source is the last
keyed row rather than the row just above, which may be a users' own row (a total, say). A plain
value in that cell is copied as it is: the column was declared a formula column.

The requests run after the write's row deletions (see ``SheetWrite.extra_requests``), so row
indices here are those of the grid after them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from sheetsync.diff import normalise_key
from sheetsync.sheets.table import DuplicateHeaderError, Table


def fill_down_requests(
    table: Table,
    headers: Sequence[str],
    *,
    sheet_id: int,
    key_col: int,
    first_new: int,
    new_rows: int,
    deleted: Sequence[int],
) -> tuple[list[dict[str, Any]], list[str]]:
    """(copyPaste requests, warnings). ``first_new`` is the 0-based index the first new row
    gets in the grid as read; ``deleted`` the 0-based rows this write deletes (all above it)."""
    if not headers or new_rows <= 0:
        return [], []
    removed = sorted(set(deleted))
    source = None
    for number in range(table.next_row - 1, table.first_data_row - 1, -1):
        index = number - 1
        if index in removed or normalise_key(table.cell(number, key_col)) is None:
            continue
        source = index - bisect_left(removed, index)
        break
    if source is None:
        return [], []  # no synced row yet: nothing to copy from
    target = first_new - len(removed)
    requests: list[dict[str, Any]] = []
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
        requests.append(
            {
                "copyPaste": {
                    "source": _range(sheet_id, source, source + 1, col),
                    "destination": _range(sheet_id, target, target + new_rows, col),
                    "pasteType": "PASTE_FORMULA",
                    "pasteOrientation": "NORMAL",
                }
            }
        )
    return requests, warnings


def _range(sheet_id: int, start: int, end: int, col: int) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": start,
        "endRowIndex": end,
        "startColumnIndex": col,
        "endColumnIndex": col + 1,
    }
