"""The demo's part for these tabs: turn them on for the demo mapping and print what they hold.

Works on the Sheets emulator's snapshot dictionaries (A1 name -> cell); imports no emulator.
"""

from __future__ import annotations

from typing import Any

from gspread.utils import a1_to_rowcol
from rich.console import Console
from rich.table import Table

from sheetsync.mapping import Mapping
from sheetsync.mapping.models import ChangelogOption, StatusTabOption

STATUS_TAB = "sheetsync status"
HISTORY_TAB = "Change history"
SHOWN_LINES = 8


def with_demo_tabs(mapping: Mapping) -> Mapping:
    """``mapping`` with a status tab and a change history (unless it sets them itself)."""
    update: dict[str, Any] = {}
    if mapping.status is None:
        update["status"] = StatusTabOption(worksheet=STATUS_TAB)
    if mapping.changelog is None:
        update["changelog"] = ChangelogOption(worksheet=HISTORY_TAB, keep_rows=1000)
    return mapping.model_copy(update=update) if update else mapping


def tab_grid(snapshot: dict[str, Any], title: str) -> list[list[Any]]:
    sheet = next((s for s in snapshot["sheets"] if s["properties"]["title"] == title), None)
    if sheet is None:
        return []
    cells = {a1_to_rowcol(name): cell.get("value") for name, cell in sheet["cells"].items()}
    if not cells:
        return []
    rows, cols = max(r for r, _ in cells), max(c for _, c in cells)
    return [[cells.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


def _table(title: str, rows: list[list[Any]]) -> Table:
    table = Table(title=title)
    for header in rows[0]:
        table.add_column(str(header or ""), overflow="fold")
    for row in rows[1:]:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


def show_tabs(console: Console, snapshot: dict[str, Any], mapping: Mapping, changed: int) -> bool:
    """Print the status table and the last lines of the change history; True when the status
    line shows the second run and the history holds its ``changed`` company changes."""
    status = tab_grid(snapshot, mapping.status.worksheet if mapping.status else STATUS_TAB)
    history = tab_grid(snapshot, mapping.changelog.worksheet if mapping.changelog else HISTORY_TAB)
    if not status or not history:
        console.print("[red]demo check failed:[/] the status or change history tab is missing")
        return False
    console.print(_table(f"{mapping.status.worksheet if mapping.status else STATUS_TAB!r}", status))
    last_run = history[-1][6]
    lines = [row for row in history[1:] if row[6] == last_run]
    shown = [history[0], *lines[:SHOWN_LINES]]
    console.print(
        _table(f"change history: the {len(lines)} line(s) of the last run (first shown)", shown)
    )
    line = next((r for r in status[1:] if r[0] == mapping.name), None)
    companies = [r for r in lines if r[3] == "Company"]
    if line is None or line[2] != "incremental" or len(companies) != changed:
        console.print(
            f"[red]demo check failed:[/] expected the status line of {mapping.name} and "
            f"{changed} company changes in the history, got {line} and {len(companies)}"
        )
        return False
    return True
