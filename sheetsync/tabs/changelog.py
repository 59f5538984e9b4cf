"""The change-history tab: one line per changed cell, added row and removed row of a run.

Lines are appended below the last used row of column A (only that column is read) and the
oldest lines, at the top under the header, are deleted past ``keep_rows``: both in the run's
own atomic write. Columns are fixed (A..G): the tab is sheetsync's, users read and filter it.
Pure: builds the requests, the gateway sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    """One line: a changed cell (``column`` set), or a whole row added or removed."""

    record_id: Cell
    email: Cell
    column: str
    old: Cell
    new: Cell


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
) -> list[dict[str, Any]]:
    """Append ``entries`` (time ``at``, run ``run_id``) and trim to ``keep_rows`` lines."""
    if not entries:
        return []
    requests: list[dict[str, Any]] = []
    headers = changelog_headers(id_header)
    sheet_id = tab.sheet_id if tab is not None else free_sheet_id(sheet_ids, title)
    if tab is None:
        requests.append(add_tab(sheet_id, title, len(headers)))
    used = len(tab.rows) if tab is not None else 0
    has_header = tab is not None and bool(tab.rows) and header_text(tab.rows[0][0]) != ""
    if not has_header:
        requests.append(write_rows(sheet_id, 0, 0, [headers]))
    kept = list(entries)[-keep_rows:]  # one run's own lines past keep_rows: its newest stay
    start = max(used, 1)
    row_count = tab.row_count if tab is not None else NEW_TAB_ROWS
    requests += grow_rows(sheet_id, start + len(kept) - row_count)
    lines = [[at, e.record_id, e.email, e.column, e.old, e.new, run_id] for e in kept]
    for offset in range(0, len(lines), ROWS_PER_REQUEST):
        requests.append(
            write_rows(sheet_id, start + offset, 0, lines[offset : offset + ROWS_PER_REQUEST])
        )
    existing = max(start - 1, 0)
    trim = existing + len(kept) - keep_rows
    if trim > 0:
        span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 1 + trim}
        requests.append({"deleteDimension": {"range": span}})
    return requests
