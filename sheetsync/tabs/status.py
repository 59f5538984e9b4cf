"""The status tab: one line per mapping writing to the spreadsheet, found by the mapping's name.

Row 1 holds the headers; columns are found by header text (users may move them; a missing
header is added at the right) and a mapping's line by the text of its ``Mapping`` cell, never by
position, so users may sort, filter and colour the tab. A mapping without a line gets one after
the last used row. Pure: builds the requests, the gateway sends them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sheetsync.sheets.model import Cell, TabRead
from sheetsync.sheets.table import header_text

from .grid import add_tab, free_sheet_id, grow_cols, grow_rows, header_columns, write_cells

MAPPING = "Mapping"
ERROR = "Last error"
STATUS_HEADERS = (
    MAPPING,
    "Last successful sync",
    "Mode",
    "Rows added",
    "Rows updated",
    "Rows removed",
    "Next run",
    ERROR,
)
#: An error message is cut here: the line is a pointer, the run report has the whole story.
MAX_ERROR_CHARS = 1_000


@dataclass(frozen=True)
class StatusLine:
    """What a successful run shows (``removed`` counts rows removed or marked)."""

    synced_at: str
    mode: str
    added: int
    updated: int
    removed: int
    next_run: str

    def cells(self) -> dict[str, Cell]:
        return {
            "Last successful sync": self.synced_at,
            "Mode": self.mode,
            "Rows added": self.added,
            "Rows updated": self.updated,
            "Rows removed": self.removed,
            "Next run": self.next_run,
            ERROR: None,  # a success clears the last error
        }


class StatusTab:
    """The status tab as read (or absent), seen from one mapping."""

    def __init__(
        self, title: str, mapping: str, tab: TabRead | None, sheet_ids: Sequence[int]
    ) -> None:
        self.title = title
        self.mapping = mapping
        self.tab = tab
        self.sheet_id = tab.sheet_id if tab is not None else free_sheet_id(sheet_ids, title)
        self.columns, self.free_col = header_columns(tab, STATUS_HEADERS)
        self.row = self._find_row()

    def _find_row(self) -> int | None:
        col = self.columns.get(MAPPING)
        if self.tab is None or col is None:
            return None
        for index, cells in enumerate(self.tab.rows[1:], start=1):
            if col < len(cells) and header_text(cells[col]) == self.mapping:
                return index
        return None

    @property
    def error(self) -> str:
        """The mapping's "Last error" as the tab shows it ("" when none)."""
        col = self.columns.get(ERROR)
        if self.tab is None or self.row is None or col is None:
            return ""
        cells = self.tab.rows[self.row]
        return header_text(cells[col]) if col < len(cells) else ""

    def requests(self, cells: Mapping[str, Cell]) -> list[dict[str, Any]]:
        """Write ``cells`` (header -> value) on the mapping's line, creating what is missing:
        the tab, the headers, the line (with the mapping's name)."""
        requests: list[dict[str, Any]] = []
        if self.tab is None:
            requests.append(add_tab(self.sheet_id, self.title, len(STATUS_HEADERS)))
        columns = dict(self.columns)
        headers: dict[int, Cell] = {}
        free = self.free_col
        for header in STATUS_HEADERS:
            if header not in columns:
                columns[header] = free
                headers[free] = header
                free += 1
        values: dict[int, Cell] = {columns[h]: v for h, v in cells.items()}
        row = self.row
        if row is None:
            row = max(len(self.tab.rows) if self.tab is not None else 0, 1)
            values[columns[MAPPING]] = self.mapping
        rows = self.tab.row_count if self.tab is not None else 100
        cols = self.tab.col_count if self.tab is not None else len(STATUS_HEADERS)
        requests += grow_rows(self.sheet_id, row + 1 - rows)
        requests += grow_cols(self.sheet_id, max(columns.values()) + 1 - cols)
        if headers:
            requests += write_cells(self.sheet_id, 0, headers)
        requests += write_cells(self.sheet_id, row, values)
        return requests

    def success(self, line: StatusLine) -> list[dict[str, Any]]:
        """The whole line, whatever made the run write it (data, or only an old error to clear)."""
        return self.requests(line.cells())

    def failure(self, message: str) -> list[dict[str, Any]]:
        """Only the "Last error" cell (and the name, on a new line)."""
        text = message if len(message) <= MAX_ERROR_CHARS else message[:MAX_ERROR_CHARS] + "…"
        return self.requests({ERROR: text})

    def clear_error(self, line: StatusLine) -> list[dict[str, Any]]:
        """For a run with nothing to change: the whole line (its "Last error" empty) when an old
        error is there to clear, else nothing, so a quiet run costs no write request."""
        return self.success(line) if self.error else []
