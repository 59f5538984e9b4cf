"""``sheetsync demo``: the main job end to end on the built-in emulators, checking itself.

1. Start the Pardot and Sheets emulators in-process with realistic data, and create the
   spreadsheets the example mappings name.
2. Run every example mapping (the first run is a full one).
3. Change some prospects of the hot-prospects sheet in Pardot, through the API, and delete one.
4. Run again (incrementally) and show both reports and the first rows of the sheet.
5. Succeed only if the second run did exactly what was changed: every changed prospect updated,
   the deleted one removed or marked, nothing else.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sheetsync.engine import Engine
from sheetsync.mapping import Mapping, load_mappings
from sheetsync.pardot import PardotClient
from sheetsync.report import RunReport
from sheetsync.settings import Settings
from sheetsync.sheets import SheetsGateway, build_client

DEMO_START = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
CHANGED = 3
SHOWN_ROWS = 8


def run_demo(console: Console, *, prospects: int = 3000, mappings_dir: str = "mappings") -> bool:
    from sheetsync.alerts.demo import demo_sender, show_received, with_demo_alert
    from sheetsync.alerts.receiver import WebhookReceiver
    from sheetsync.cli import print_reports
    from sheetsync.emulate import running_emulators
    from sheetsync.tabs.demo import show_tabs, with_demo_tabs

    mappings = load_mappings(Path(mappings_dir))
    target = _demo_target(mappings)
    mappings = [with_demo_alert(m) if m is target else m for m in mappings]  # alert: score 100
    # A status tab and a change history beside the demo's sheet (sheetsync.tabs).
    mappings = [with_demo_tabs(m) if m.name == target.name else m for m in mappings]
    with (
        WebhookReceiver() as hook,  # stands in for a Slack incoming webhook
        tempfile.TemporaryDirectory(prefix="sheetsync-demo-") as key_dir,
        running_emulators(
            prospects=prospects,
            seed=1,
            daily_limit=None,
            key_dir=Path(key_dir),
            mappings=mappings,
            start=DEMO_START,
        ) as (pardot_emu, sheets_emu, env),
    ):
        console.print(
            f"Emulators up: Pardot {pardot_emu.url} ({prospects} prospects), "
            f"Google Sheets {sheets_emu.url}."
        )
        settings = Settings.load(
            **{k.removeprefix("SHEETSYNC_").lower(): v for k, v in env.items()}
        )
        pardot = PardotClient(settings.pardot())
        engine = Engine(
            pardot, SheetsGateway(build_client(settings)), settings, clock=pardot_emu.clock.now
        )
        engine.alert_sender = demo_sender(hook, mappings)
        first = engine.run_all(mappings)
        print_reports(first, "First run (full)")
        target = _demo_target(mappings)
        in_sheet = _prospect_ids_in_sheet(sheets_emu.snapshot(target.spreadsheet_id), target)
        if len(in_sheet) < CHANGED + 1:
            console.print(f"[red]The {target.name} sheet has too few rows to change.[/]")
            return False
        # Pardot moves on: a few minutes later some prospects change, one is deleted.
        pardot_emu.clock.advance(300)
        # One of them also reaches a score of 100: the demo's alert rule fires for it.
        low = next((i for i in in_sheet if _score(pardot_emu, i) < 100), None)
        in_sheet = [low, *(i for i in in_sheet if i != low)] if low is not None else in_sheet
        changed = in_sheet[:CHANGED]
        deleted = in_sheet[CHANGED]
        for number, prospect_id in enumerate(changed, 1):
            values: dict[str, Any] = {"company": f"Demo Industries #{number}"}
            if prospect_id == low:
                values["score"] = 120
            pardot.update("prospects", prospect_id, values)
        pardot.delete("prospects", deleted)
        console.print(
            f"Changed the company of prospects {', '.join(map(str, changed))} and deleted "
            f"prospect {deleted}, through the Pardot API."
            + (f" Prospect {low}'s score went up to 120." if low is not None else "")
        )
        pardot_emu.clock.advance(60)
        second = engine.run_all(mappings)
        print_reports(second, "Second run (incremental)")
        _show_sheet(console, sheets_emu.snapshot(target.spreadsheet_id), target)
        tabs_ok = show_tabs(console, sheets_emu.snapshot(target.spreadsheet_id), target, CHANGED)
        alerted = show_received(console, hook, low)
        if not alerted:
            console.print(f"[red]demo check failed:[/] expected one alert about prospect {low}")
        pardot.close()
        return _check(console, first, second, target) and alerted and tabs_ok


def _score(pardot_emu: Any, prospect_id: int) -> float:
    prospect = pardot_emu.store.prospect(prospect_id) or {}
    score = prospect.get("score")
    return float(score) if isinstance(score, int | float) else 100.0


def _demo_target(mappings: list[Mapping]) -> Mapping:
    for mapping in mappings:
        fields = {c.field for c in mapping.columns}
        if mapping.source.object == "prospects" and {"id", "company"} <= fields:
            return mapping
    raise ValueError("the demo needs a prospects mapping with id and company columns")


def _sheet(snapshot: dict[str, Any], title: str) -> dict[str, Any]:
    return next(s for s in snapshot["sheets"] if s["properties"]["title"] == title)


def _grid(snapshot: dict[str, Any], title: str) -> list[list[Any]]:
    """The worksheet's values as rows (from the emulator's snapshot: A1 -> cell)."""
    from gspread.utils import a1_to_rowcol

    cells = _sheet(snapshot, title)["cells"]
    grid: dict[tuple[int, int], Any] = {
        a1_to_rowcol(name): cell.get("value") for name, cell in cells.items()
    }
    if not grid:
        return []
    rows = max(r for r, _ in grid)
    cols = max(c for _, c in grid)
    return [[grid.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


def _prospect_ids_in_sheet(snapshot: dict[str, Any], mapping: Mapping) -> list[int]:
    rows = _grid(snapshot, mapping.worksheet)
    header = rows[mapping.header_row - 1]
    id_header = next(c.header for c in mapping.columns if c.field == "id")
    col = header.index(id_header)
    return [int(r[col]) for r in rows[mapping.header_row :] if col < len(r) and r[col] is not None]


def _show_sheet(console: Console, snapshot: dict[str, Any], mapping: Mapping) -> None:
    rows = _grid(snapshot, mapping.worksheet)
    header = [str(h or "") for h in rows[mapping.header_row - 1]]
    table = Table(title=f"{mapping.worksheet!r}: first {SHOWN_ROWS} of {len(rows) - 1} rows")
    shown = {"id", "email", "company", "score", "grade"}
    wanted = [
        header.index(c.header) for c in mapping.columns if c.field in shown and c.header in header
    ]
    if mapping.status_header in header:
        wanted.append(header.index(mapping.status_header))
    for i in wanted:
        table.add_column(header[i], overflow="ellipsis", no_wrap=True, max_width=30)
    for row in rows[mapping.header_row : mapping.header_row + SHOWN_ROWS]:
        table.add_row(*(_show(row[i] if i < len(row) else None) for i in wanted))
    console.print(table)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _check(
    console: Console, first: list[RunReport], second: list[RunReport], target: Mapping
) -> bool:
    problems = [
        f"{r.mapping} run {i} ended {r.status}: {r.message}"
        for i, reports in ((1, first), (2, second))
        for r in reports
        if r.status != "ok"
    ]
    report = next(r for r in second if r.mapping == target.name)
    gone = report.rows_removed + report.rows_marked
    if report.rows_updated != CHANGED:
        problems.append(f"{target.name}: {report.rows_updated} rows updated, expected {CHANGED}")
    if gone != 1:
        problems.append(f"{target.name}: {gone} rows removed or marked, expected 1")
    if report.rows_added:
        problems.append(f"{target.name}: {report.rows_added} rows added, expected none")
    for other in second:
        if other.mapping != target.name and other.cells_written:
            problems.append(f"{other.mapping}: wrote {other.cells_written} cells, expected none")
    if problems:
        for problem in problems:
            console.print(f"[red]demo check failed:[/] {problem}", highlight=False)
        return False
    console.print(
        f"[green]Demo OK:[/] the second run updated exactly the {CHANGED} changed prospects, "
        f"{'marked' if report.rows_marked else 'removed'} the deleted one, and wrote "
        f"{report.cells_written} cells in {report.sheets_write_requests} write request(s)."
    )
    return True
