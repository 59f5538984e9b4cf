"""Small request builders shared by the status and change-history tabs. Pure.

Values are written typed, exactly as the data tab's cells (``stringValue`` for text: nothing a
tab shows is ever evaluated as a formula), under the ``userEnteredValue`` mask so users' formats
stay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sheetsync.sheets.batch import encode_cell
from sheetsync.sheets.model import Cell, TabRead
from sheetsync.sheets.table import header_text

#: Cells of a new tab: just the columns it needs, so the spreadsheet's 10M-cell cap is spared.
NEW_TAB_ROWS = 100


def show_time(moment: datetime, zone: ZoneInfo) -> str:
    """``2026-11-02 12:00 EST``: sortable, and says which zone it is in."""
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or zone.key}"


def free_sheet_id(taken: Sequence[int], title: str) -> int:
    """A sheetId for a new tab (small, unused; stable for a title to ease reading requests)."""
    used = set(taken)
    candidate = 1000 + sum(title.encode()) % 1000
    while candidate in used:
        candidate += 1
    return candidate


def add_tab(sheet_id: int, title: str, columns: int) -> dict[str, Any]:
    return {
        "addSheet": {
            "properties": {
                "sheetId": sheet_id,
                "title": title,
                "gridProperties": {
                    "rowCount": NEW_TAB_ROWS,
                    "columnCount": columns,
                    "frozenRowCount": 1,
                },
            }
        }
    }


def grow_rows(sheet_id: int, rows: int) -> list[dict[str, Any]]:
    if rows <= 0:
        return []
    return [{"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": rows}}]


def grow_cols(sheet_id: int, cols: int) -> list[dict[str, Any]]:
    if cols <= 0:
        return []
    return [{"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": cols}}]


def write_rows(sheet_id: int, row: int, col: int, rows: Sequence[Sequence[Cell]]) -> dict[str, Any]:
    """One ``updateCells`` writing ``rows`` from (``row``, ``col``), 0-based."""
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
            "rows": [{"values": [encode_cell(v) for v in cells]} for cells in rows],
            "fields": "userEnteredValue",
        }
    }


def write_cells(sheet_id: int, row: int, cells: Mapping[int, Cell]) -> list[dict[str, Any]]:
    """``updateCells`` for some cells of one row: one request per run of adjacent columns."""
    requests: list[dict[str, Any]] = []
    run: list[Cell] = []
    start = -2
    for col in sorted(cells):
        if col != start + len(run):
            if run:
                requests.append(write_rows(sheet_id, row, start, [run]))
            start, run = col, []
        run.append(cells[col])
    if run:
        requests.append(write_rows(sheet_id, row, start, [run]))
    return requests


def header_columns(tab: TabRead | None, headers: Sequence[str]) -> tuple[dict[str, int], int]:
    """Where each header is in row 1 (found by text, ignoring case: users may move columns),
    and the first free column for the missing ones."""
    first = tab.rows[0] if tab is not None and tab.rows else []
    seen: dict[str, int] = {}
    for col, value in enumerate(first):
        seen.setdefault(header_text(value).casefold(), col)
    found = {h: seen[h.casefold()] for h in headers if h.casefold() in seen}
    used = max((c + 1 for c, v in enumerate(first) if header_text(v)), default=0)
    return found, used
