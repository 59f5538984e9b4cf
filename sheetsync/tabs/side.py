"""What a run adds to its write for the sheet's users: fill-down formulas, the change history
and the status line. Pure: the engine passes what it planned, gets batchUpdate subrequests that
travel in the same guarded write as the data (:class:`SideWrite`): in its first batch (new
tabs), with the rows they belong to (history lines, a new row's formulas), or after the
deletions, in the batch carrying the state (the status line, lines of removed rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Mapping as AnyMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sheetsync.diff import Diff, normalise_key
from sheetsync.mapping import Mapping
from sheetsync.plan import Plan
from sheetsync.sheets.chunking import RowRequests
from sheetsync.sheets.model import Cell, CellValue, Link, SheetSnapshot, SheetWrite
from sheetsync.sheets.table import Table

from .changelog import ROW_ADDED, ROW_REMOVED, Entry, changelog_requests
from .filldown import fill_down_requests
from .grid import free_sheet_id, show_time
from .schedule import next_run
from .status import StatusLine, StatusTab

SERIAL_EPOCH = datetime(1899, 12, 30)
NOT_SCHEDULED = "not scheduled (runs when asked)"


def tab_ranges(mapping: Mapping) -> dict[str, str | None]:
    """The other tabs a run reads with its data (title -> columns; None = the whole tab)."""
    ranges: dict[str, str | None] = {}
    if mapping.status is not None:
        ranges[mapping.status.worksheet] = None
    if mapping.changelog is not None:
        ranges[mapping.changelog.worksheet] = "A:A"  # only its length matters
    return ranges


def status_tab(mapping: Mapping, snap: SheetSnapshot) -> StatusTab | None:
    if mapping.status is None:
        return None
    title = mapping.status.worksheet
    taken = list(snap.sheet_ids)
    history = mapping.changelog.worksheet if mapping.changelog is not None else None
    if history is not None and history not in snap.tabs:
        taken.append(free_sheet_id(snap.sheet_ids, history))  # both tabs may be new at once
    return StatusTab(title, mapping.name, snap.tabs.get(title), taken)


def next_run_text(mapping: Mapping, now: datetime) -> str:
    if not mapping.schedule:
        return NOT_SCHEDULED
    when = next_run(mapping.schedule, now, mapping.zone)
    return show_time(when, mapping.zone) if when is not None else ""


@dataclass
class PlannedRun:
    """One planned write of one mapping, as the engine has it just before applying."""

    mapping: Mapping
    snap: SheetSnapshot
    table: Table
    result: Diff
    plan: Plan
    headers: Sequence[str]  # every managed header, as the diff used them
    kinds: Sequence[str]  # the column type per header ("text" for the status column)
    fields: Sequence[str]  # the Pardot field per header ("" for the status column)
    key: int  # index of the key header
    record_ids: AnyMapping[str, int]  # key -> Pardot id, for the records read
    desired: AnyMapping[str, Sequence[Cell]]
    mode: str
    now: datetime
    run_id: str


@dataclass
class SideWrite:
    """The side features' subrequests, by where they travel in the write."""

    first: list[dict[str, Any]] = field(default_factory=list)
    rows: list[RowRequests] = field(default_factory=list)
    last: list[dict[str, Any]] = field(default_factory=list)

    def add_to(self, write: SheetWrite) -> None:
        write.first_requests = list(self.first)
        write.row_requests = _Together(self.rows) if self.rows else None
        write.extra_requests = list(self.last)


class _Together:
    """Several features' row requests as one (each batch: the first feature's, then the next)."""

    def __init__(self, parts: Sequence[RowRequests]) -> None:
        self.parts = list(parts)

    def rows(self) -> Iterable[int]:
        return sorted({row for part in self.parts for row in part.rows()})

    def cost(self, row: int) -> int:
        return sum(part.cost(row) for part in self.parts)

    def requests(self, rows: Sequence[int]) -> list[dict[str, Any]]:
        return [request for part in self.parts for request in part.requests(rows)]


def side_requests(run: PlannedRun) -> tuple[SideWrite, list[str]]:
    """(subrequests, warnings) for the features the mapping asks for; nothing when none."""
    mapping = run.mapping
    write = SideWrite()
    warnings: list[str] = []
    if mapping.fill_down:
        layout = run.result.layout
        with_rows, after, warned = fill_down_requests(
            run.table,
            mapping.fill_down,
            sheet_id=run.snap.sheet_id,
            key_col=layout.key_col,
            first_new=max(len(run.snap.rows), layout.header_row),
            new_rows=len(run.result.new_rows),
            deleted=run.plan.write.delete_rows,
        )
        if with_rows is not None:
            write.rows.append(with_rows)
        write.last += after
        warnings += warned
    if mapping.changelog is not None:
        title = mapping.changelog.worksheet
        lines = changelog_requests(
            title,
            run.snap.tabs.get(title),
            run.snap.sheet_ids,
            history(run),
            keep_rows=mapping.changelog.keep_rows,
            at=show_time(run.now, mapping.zone),
            run_id=run.run_id,
            id_header="Campaign ID" if mapping.source.object == "campaigns" else "Prospect ID",
        )
        write.first += lines.first
        if lines.rows is not None:
            write.rows.append(lines.rows)
        write.last += lines.last
    tab = status_tab(mapping, run.snap)
    if tab is not None:
        write.last += tab.success(status_line(mapping, run.plan, run.mode, run.now))
    return write, warnings


def status_line(mapping: Mapping, plan: Plan, mode: str, now: datetime) -> StatusLine:
    """The status line of a successful run that started at ``now``. Every write of the line by
    a success uses it whole, the small one clearing an old error too: a line half-updated would
    keep an old sync time and a "Next run" already past beside a run that just succeeded."""
    return StatusLine(
        synced_at=show_time(now, mapping.zone),
        mode=mode,
        added=plan.rows_added,
        updated=plan.rows_updated,
        removed=plan.rows_removed + plan.rows_marked,
        next_run=next_run_text(mapping, now),
    )


def history(run: PlannedRun) -> list[Entry]:
    """Exactly the cells the plan changes, then one line per added and per removed row."""
    layout = run.result.layout
    id_index = _index(run.fields, "id")
    email_index = _index(run.fields, "email")

    def identity(key: str, number: int | None, cells: Sequence[Cell] | None) -> tuple[Cell, Cell]:
        record_id: Cell = run.record_ids.get(key)
        if record_id is None and number is not None and id_index is not None:
            record_id = run.table.cell(number, layout.columns[id_index])
        email: Cell = None
        if email_index is not None:
            if cells is not None:
                email = cells[email_index]
            elif number is not None:
                email = run.table.cell(number, layout.columns[email_index])
        return (key if record_id is None else record_id), _plain(email)

    kinds = {header: kind for header, kind in zip(run.headers, run.kinds, strict=True)}
    entries: list[Entry] = []
    for change in sorted(run.result.changes, key=lambda c: (c.row, c.col)):
        record_id, email = identity(change.key, change.row, run.desired.get(change.key))
        kind = kinds.get(change.header, "text")
        entries.append(
            Entry(
                record_id,
                email,
                change.header,
                _shown(change.old, kind),
                _shown(change.new, kind),
                row=change.row - 1,
            )
        )
    first_new = max(len(run.snap.rows), layout.header_row)  # as the plan places new rows
    for offset, cells in enumerate(run.result.new_rows):
        key = normalise_key(cells[run.key]) or ""
        record_id, email = identity(key, None, cells)
        entries.append(Entry(record_id, email, "", None, ROW_ADDED, row=first_new + offset))
    for number, key, reason in sorted(run.result.removed_rows):
        record_id, email = identity(key, number, None)
        entries.append(Entry(record_id, email, "", None, f"{ROW_REMOVED} ({reason})"))
    return entries


def _index(fields: Sequence[str], name: str) -> int | None:
    return next((i for i, f in enumerate(fields) if f == name), None)


def _plain(value: Cell | CellValue) -> Cell:
    if isinstance(value, Link):
        return value.shown
    return None if value == "" else value


def _shown(value: Cell | CellValue, kind: str) -> Cell:
    """A value as the history shows it: dates as text (a bare serial number means nothing)."""
    plain = _plain(value)
    numeric = isinstance(plain, int | float) and not isinstance(plain, bool)
    if kind in ("date", "datetime") and numeric:
        moment = SERIAL_EPOCH + timedelta(days=float(plain))  # type: ignore[arg-type]
        return f"{moment:%Y-%m-%d}" if kind == "date" else f"{moment:%Y-%m-%d %H:%M:%S}"
    return plain
