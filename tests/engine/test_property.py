"""Property: after a full run, whatever users did to the sheet and whatever Pardot holds, every
managed cell shows its record as the mapping says, nothing else in the worksheet changed, and
planning again finds nothing to do.

Each example seeds the Pardot emulator (40-70 prospects, a random seed: the generator's hard
cases included), maybe lets users make the tab first (a title row above the header, their own
headers, a small grid), maybe syncs once, then plays 1-3 rounds of: changes in Pardot (hard
values: leading zeros, ``=…``, ``+…``, emoji, control characters, empty, long text, integers
past 2**53, fractional numbers, old and new datetimes, deletions, purges, undeletions, new
prospects, a renamed campaign); edits of the worksheet as users make them (rows shuffled,
copied, deleted, blank, keyless and stale rows inserted, columns moved, deleted and added with
text, numbers and formulas, managed cells overwritten or retyped as look-alikes, managed
headers renamed or padded with spaces, notes and colours added); and a forced full run.

After each run :mod:`tests.engine.oracle` (no engine code) says, from the Pardot store and the
emulator's snapshot taken before the run, what every cell of the tab must be (value, type,
format, note); the test also checks the report's counts against it (rows added, removed,
marked, cells written), that other tabs did not change, and that a dry-run plan is empty and
further runs (full and incremental) write nothing.

``PROPERTY_EXAMPLES=500`` explores further (about 0.3 s an example).
"""

from __future__ import annotations

import contextlib
import math
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sheetsync.mapping import Mapping

from .conftest import SHEET_ID, START, World, make_world
from .oracle import (
    Col,
    SheetSpec,
    differences,
    expect_after_full_run,
    expected_rows,
    parse_cells,
)

TAB = "Prospects"
STATUS = "Sync status"
COLUMNS = (
    Col("id", "Prospect ID", "integer"),
    Col("email", "Email", "text"),
    Col("company", "Company", "text"),
    Col("customerNo__c", "Customer No", "text"),
    Col("score", "Score", "integer"),
    Col("budget__c", "Budget", "number", format="#,##0.00"),
    Col("optedOut", "Opted out", "boolean"),
    Col("lastActivityAt", "Last activity", "datetime", format="yyyy-mm-dd hh:mm:ss"),
    Col("updatedAt", "Updated", "datetime"),
    Col("createdAt", "Created", "date", format="dd/mm/yyyy"),
    Col(
        "grade",
        "Grade",
        "text",
        values=(("A+", "Hot"), ("A", "Hot"), ("B", "Warm")),
        default="Ungraded",
    ),
    Col("campaign.name", "Campaign", "text"),
)
KEY = 0
MANAGED_HEADERS = {c.header for c in COLUMNS} | {STATUS}
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham")
GRADES = ("A+", "A", "A-", "B+", "B", "C", "F", "a+", " A+", "")


def mapping_yaml(on_delete: str, time_zone: str, header_row: int) -> str:
    columns = "\n".join(c.yaml() for c in COLUMNS)
    return (
        f"spreadsheet: {SHEET_ID}\nworksheet: {TAB}\nheader_row: {header_row}\n"
        f"source:\n  object: prospects\non_delete: {on_delete}\nstatus_header: {STATUS}\n"
        f"time_zone: {time_zone}\ncolumns:\n{columns}\n"
    )


# -- the scenario: what Pardot and the users do ----------------------------------------------------


@dataclass(frozen=True)
class Formula:
    text: str


UserValue = str | int | float | bool | Formula | None


@dataclass(frozen=True)
class CampaignPick:
    pick: int


@dataclass(frozen=True)
class Update:
    pick: int
    field: str
    value: Any


@dataclass(frozen=True)
class Delete:
    pick: int


@dataclass(frozen=True)
class Purge:
    pick: int


@dataclass(frozen=True)
class Undelete:
    pick: int


@dataclass(frozen=True)
class Add:
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class RenameCampaign:
    pick: int
    name: str | None


PardotOp = Update | Delete | Purge | Undelete | Add | RenameCampaign


@dataclass(frozen=True)
class Shuffle:
    seed: int


@dataclass(frozen=True)
class MoveColumns:
    seed: int


@dataclass(frozen=True)
class AddUserColumn:
    header: str
    at: int
    values: tuple[UserValue, ...]


@dataclass(frozen=True)
class StaleRows:
    rows: tuple[tuple[int, int | float | str, UserValue], ...]  # (where, key, another cell)


@dataclass(frozen=True)
class DuplicateRows:
    picks: tuple[tuple[int, int], ...]  # (row copied, where the copy goes)


@dataclass(frozen=True)
class DeleteRows:
    picks: tuple[int, ...]


@dataclass(frozen=True)
class Overwrite:
    cells: tuple[tuple[int, int, str | int | float | bool | None], ...]  # (row, managed col, value)


@dataclass(frozen=True)
class Retype:
    """Managed cells retyped as a look-alike: FALSE as 0, 42 as "42", "Hot" as "hot"..."""

    cells: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class BlankRows:
    picks: tuple[int, ...]


@dataclass(frozen=True)
class KeylessRows:
    rows: tuple[tuple[int, tuple[UserValue, ...]], ...]


@dataclass(frozen=True)
class RenameHeader:
    pick: int
    style: str  # "old": "Email (old)"; "padded": " Email  " (still the header); "lower"


@dataclass(frozen=True)
class DeleteColumn:
    pick: int


@dataclass(frozen=True)
class Decorate:
    marks: tuple[tuple[int, int, str], ...]  # (row, col, "note" | "colour")


SheetEdit = (
    Shuffle
    | MoveColumns
    | AddUserColumn
    | StaleRows
    | DuplicateRows
    | DeleteRows
    | Overwrite
    | Retype
    | BlankRows
    | KeylessRows
    | RenameHeader
    | DeleteColumn
    | Decorate
)


@dataclass(frozen=True)
class Round:
    pardot: tuple[PardotOp, ...]
    edits: tuple[SheetEdit, ...]


@dataclass(frozen=True)
class Scenario:
    prospects: int
    seed: int
    on_delete: str
    time_zone: str
    header_row: int
    tab_before: bool  # users made the tab (title, own headers) before any sync
    tab_size: tuple[int, int]  # its grid (rows, columns): small ones must grow
    own_headers: tuple[str, ...]
    synced: bool  # one sync ran before the first round
    rounds: tuple[Round, ...]  # each ends with a full run, checked


# Found by this property: the emulators could not answer a record holding half a surrogate pair
# (fixed in httpbase); the transform shows it as U+FFFD.
LONE_SURROGATE = "lone \ud83d surrogate"
HARD_TEXT = (
    "0123",
    "000123",
    "=1+1",
    '=HYPERLINK("http://x.example","y")',
    "+81 3-1234-5678",
    "-x-",
    "@x",
    "'quoted",
    "Rocket 🚀 Labs",
    "株式会社サンプル",
    "",
    "  padded  ",
    "TRUE",
    "false",
    "123",
    "1e5",
    "3.14",
    "2024-01-01",
    "50%",
    "$1,000",
    "line\nbreak",
    "tab\there",
    "cr\r\nlf",
    "bell\x07char",
    "é" * 700,
    "long text " * 150,
    LONE_SURROGATE,
)
text_values = st.one_of(
    st.sampled_from(HARD_TEXT),
    st.text(max_size=30),
    st.from_regex(r"0[0-9]{1,9}", fullmatch=True),
    st.none(),
)
# What users type: no control characters or lone surrogates (the Sheets UI cannot enter them).
typed_text = st.one_of(
    st.sampled_from([t for t in HARD_TEXT if t.isprintable() or t in ("line\nbreak",)]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
)
moments = st.datetimes(
    min_value=datetime(1901, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "email": text_values,
    "company": text_values,
    "customerNo__c": text_values,
    "score": st.one_of(
        st.none(), st.integers(-1000, 10**15), st.integers(2**53 - 2, 2**53 + 2), st.just(10**18)
    ),
    "budget__c": st.one_of(
        st.none(),
        st.integers(-(10**9), 10**9),
        st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
    ),
    "optedOut": st.booleans(),
    "lastActivityAt": st.one_of(st.none(), moments),
    "createdAt": st.one_of(st.none(), moments),
    "grade": st.one_of(st.sampled_from(GRADES), text_values),
    "campaignId": st.one_of(st.none(), st.integers(0, 50).map(CampaignPick)),
}
picks = st.integers(0, 10_000)
pardot_ops = st.one_of(
    st.tuples(picks, st.sampled_from(sorted(FIELD_VALUES))).flatmap(
        lambda pf: FIELD_VALUES[pf[1]].map(lambda v: Update(pf[0], pf[1], v))
    ),
    st.builds(Delete, picks),
    st.builds(Purge, picks),
    st.builds(Undelete, picks),
    st.lists(
        st.sampled_from(sorted(FIELD_VALUES)).flatmap(
            lambda f: FIELD_VALUES[f].map(lambda v: (f, v))
        ),
        max_size=6,
        unique_by=lambda fv: fv[0],
    ).map(lambda fvs: Add(tuple(fvs))),
    st.builds(RenameCampaign, picks, text_values),
)
formulas = st.sampled_from(
    ["=1+2", "=2*21", '=CONCATENATE("a","b")', "=SUM(1,2,3)", "=LEN(B2)", '=UPPER("x")']
).map(Formula)
plain_values = st.one_of(
    st.none(),
    # Look-alikes of managed values: 1 for TRUE, "42" for 42, a number for a date...
    st.sampled_from([0, 1, 0.0, 1.0, True, False, "1", "0", "TRUE", "42", 45000, 45000.5]),
    typed_text,
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.booleans(),
)
user_values = st.one_of(plain_values, formulas)
user_headers = st.sampled_from(["Notes", "Next step", "Owner", "Priority", "Called?", "Total"])
stale_keys = st.one_of(
    st.integers(1, 10**6),
    st.integers(99_000_000, 99_999_999),
    st.sampled_from(["lead-42", "N/A", "Old row", "x"]),
    st.floats(1.5, 1e6).filter(lambda f: not f.is_integer()),
)


def few(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, min_size=1, max_size=4)


sheet_edits = st.one_of(
    st.builds(Shuffle, picks),
    st.builds(MoveColumns, picks),
    st.builds(AddUserColumn, user_headers, picks, few(user_values).map(tuple)),
    few(st.tuples(picks, stale_keys, plain_values)).map(lambda rows: StaleRows(tuple(rows))),
    few(st.tuples(picks, picks)).map(lambda p: DuplicateRows(tuple(p))),
    few(picks).map(lambda p: DeleteRows(tuple(p))),
    st.lists(st.tuples(picks, picks, plain_values), min_size=1, max_size=8).map(
        lambda c: Overwrite(tuple(c))
    ),
    st.lists(st.tuples(picks, picks), min_size=1, max_size=8).map(lambda c: Retype(tuple(c))),
    few(picks).map(lambda p: BlankRows(tuple(p))),
    few(st.tuples(picks, few(user_values).map(tuple))).map(lambda r: KeylessRows(tuple(r))),
    st.builds(RenameHeader, picks, st.sampled_from(["old", "padded", "lower"])),
    st.builds(DeleteColumn, picks),
    few(st.tuples(picks, picks, st.sampled_from(["note", "colour"]))).map(
        lambda m: Decorate(tuple(m))
    ),
)


rounds = st.builds(
    Round,
    st.lists(pardot_ops, max_size=10).map(tuple),
    st.lists(sheet_edits, max_size=8).map(tuple),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    header_row = draw(st.sampled_from([1, 2]))
    return Scenario(
        prospects=draw(st.integers(40, 70)),
        seed=draw(st.integers(0, 10_000)),
        on_delete=draw(st.sampled_from(["remove", "mark"])),
        time_zone=draw(st.sampled_from(ZONES)),
        header_row=header_row,
        tab_before=header_row == 2 or draw(st.booleans()),
        tab_size=(draw(st.integers(3, 120)), draw(st.integers(3, 26))),
        own_headers=tuple(draw(st.lists(user_headers, max_size=2, unique=True))),
        synced=draw(st.booleans()),
        rounds=tuple(draw(st.lists(rounds, min_size=1, max_size=3))),
    )


# -- playing the scenario --------------------------------------------------------------------------


def apply_pardot(world: World, ops: tuple[PardotOp, ...]) -> None:
    store = world.pardot_emu.store
    campaigns = store.ids("campaigns")

    def resolved(value: Any) -> Any:
        return campaigns[value.pick % len(campaigns)] if isinstance(value, CampaignPick) else value

    for op in ops:
        live = store.ids("prospects", deleted=False)
        if isinstance(op, Update) and live:
            store.update_prospect(live[op.pick % len(live)], **{op.field: resolved(op.value)})
        elif isinstance(op, Delete) and live:
            store.delete_prospect(live[op.pick % len(live)])
        elif isinstance(op, Purge) and store.ids("prospects", deleted="all"):
            every = store.ids("prospects", deleted="all")
            store.purge_prospect(every[op.pick % len(every)])
        elif isinstance(op, Undelete):
            binned = store.ids("prospects", deleted=True)
            if binned:
                store.undelete_prospect(binned[op.pick % len(binned)])
        elif isinstance(op, Add):
            values = {f: resolved(v) for f, v in op.values}
            values.setdefault("email", "new@example.com")
            store.add_prospect(**values)
        elif isinstance(op, RenameCampaign):
            store.write("campaigns", campaigns[op.pick % len(campaigns)], {"name": op.name})


class Grid:
    """The worksheet's values as a user edits them: a list of rows of typed values."""

    def __init__(self, rows: list[list[UserValue]], header_row: int) -> None:
        self.rows = rows
        self.h0 = header_row - 1
        while len(self.rows) <= self.h0:
            self.rows.append([])
        self.pad()

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def pad(self) -> None:
        width = self.width
        for row in self.rows:
            row.extend([None] * (width - len(row)))

    @property
    def data(self) -> range:
        return range(self.h0 + 1, len(self.rows))

    def col(self, header: str) -> int | None:
        for c, value in enumerate(self.rows[self.h0]):
            if isinstance(value, str) and value.strip() == header:
                return c
        return None

    def managed_cols(self) -> list[int]:
        found = (self.col(h) for h in sorted(MANAGED_HEADERS))
        return [c for c in found if c is not None]

    def insert_row(self, pick: int, row: list[UserValue]) -> None:
        at = self.h0 + 1 + pick % (len(self.data) + 1)
        self.rows.insert(at, row + [None] * (self.width - len(row)))
        self.pad()


def apply_edit(grid: Grid, edit: SheetEdit) -> None:
    rng = random.Random(getattr(edit, "seed", 0))
    data = list(grid.data)
    key_col = grid.col(COLUMNS[KEY].header)
    if isinstance(edit, Shuffle) and data:
        body = grid.rows[data[0] :]
        rng.shuffle(body)
        grid.rows[data[0] :] = body
    elif isinstance(edit, MoveColumns):
        order = list(range(grid.width))
        rng.shuffle(order)
        grid.rows = [[row[c] for c in order] for row in grid.rows]
    elif isinstance(edit, AddUserColumn):
        if grid.col(edit.header) is not None:
            return
        at = edit.at % (grid.width + 1)
        for r, cells in enumerate(grid.rows):
            if r == grid.h0:
                value: UserValue = edit.header
            elif r > grid.h0:
                value = edit.values[r % len(edit.values)]
            else:
                value = None
            cells.insert(at, value)
    elif isinstance(edit, StaleRows) and key_col is not None:
        for where, key, other in edit.rows:
            row: list[UserValue] = [None] * grid.width
            row[key_col] = key
            others = [c for c in range(grid.width) if c != key_col]
            if others:
                row[others[where % len(others)]] = other
            grid.insert_row(where, row)
    elif isinstance(edit, DuplicateRows) and data:
        for source, where in edit.picks:
            grid.insert_row(where, list(grid.rows[data[source % len(data)]]))
    elif isinstance(edit, DeleteRows):
        for pick in edit.picks:
            if grid.data:
                del grid.rows[grid.data[pick % len(grid.data)]]
    elif isinstance(edit, Overwrite) and data:
        cols = [c for c in grid.managed_cols() if c != key_col]
        for r, c, value in edit.cells:
            if cols:
                grid.rows[data[r % len(data)]][cols[c % len(cols)]] = value
    elif isinstance(edit, Retype) and data:
        cols = [c for c in grid.managed_cols() if c != key_col]
        for r, c in edit.cells:
            if cols:
                row = grid.rows[data[r % len(data)]]
                row[cols[c % len(cols)]] = look_alike(row[cols[c % len(cols)]])
    elif isinstance(edit, BlankRows):
        for pick in edit.picks:
            grid.insert_row(pick, [])
    elif isinstance(edit, KeylessRows):
        for where, values in edit.rows:
            row = [None] * grid.width
            for i, value in enumerate(values):
                c = (where + i) % max(grid.width, 1)
                if c != key_col and c < len(row):
                    row[c] = value
            grid.insert_row(where, row)
    elif isinstance(edit, RenameHeader):
        cols = grid.managed_cols()
        if cols:
            c = cols[edit.pick % len(cols)]
            header = str(grid.rows[grid.h0][c])
            renamed = {"old": f"{header} (old)", "padded": f" {header}  ", "lower": header.lower()}
            grid.rows[grid.h0][c] = renamed[edit.style]
    elif isinstance(edit, DeleteColumn) and grid.width:
        at = edit.pick % grid.width
        for row in grid.rows:
            del row[at]
    grid.pad()


def look_alike(value: UserValue) -> UserValue:
    """The same value as a user might retype it, in another type or case."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return bool(value) if value in (0, 1) else str(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return number
        return value.swapcase() if value.swapcase() != value else f"{value} "
    return value


def cell_data(value: UserValue) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Formula):
        entered: dict[str, Any] = {"formulaValue": value.text}
    elif isinstance(value, bool):
        entered = {"boolValue": value}
    elif isinstance(value, int | float):
        entered = {"numberValue": value}
    else:
        entered = {"stringValue": value}
    return {"userEnteredValue": entered}


def read_grid(world: World, header_row: int) -> Grid:
    cells = parse_cells(world.cells(TAB))
    rows: list[list[UserValue]] = []
    for (r, c), cell in cells.items():
        if "value" not in cell:
            continue
        while len(rows) <= r:
            rows.append([])
        row = rows[r]
        row.extend([None] * (c + 1 - len(row)))
        value = cell["value"]
        row[c] = Formula(value) if cell["type"] == "formula" else value
    return Grid(rows, header_row)


def write_grid(world: World, grid: Grid, old: tuple[int, int], marks: list[Decorate]) -> None:
    """Rewrite every value of the tab (as a user pasting it back), then add notes and colours."""
    book = world.sheets_emu.gspread_client().open_by_key(SHEET_ID)
    sheet = book.worksheet(TAB)
    sheet_id = sheet.id
    height = max(len(grid.rows), old[0])
    width = max(grid.width, old[1], 1)
    requests: list[dict[str, Any]] = []
    # Users grow a small tab as they paste (rows and columns for the notes below, too).
    for dimension, have, need in (
        ("ROWS", sheet.row_count, height + 3),
        ("COLUMNS", sheet.col_count, width + 3),
    ):
        if need > have:
            requests.append(
                {
                    "appendDimension": {
                        "sheetId": sheet_id,
                        "dimension": dimension,
                        "length": need - have,
                    }
                }
            )
    rows = [
        {
            "values": [
                cell_data(row[c] if r < len(grid.rows) and c < len(row) else None)
                for c in range(width)
            ]
        }
        for r, row in enumerate(grid.rows + [[]] * (height - len(grid.rows)))
    ]
    if rows:
        requests.append(
            {
                "updateCells": {
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": 0,
                        "endRowIndex": height,
                        "startColumnIndex": 0,
                        "endColumnIndex": width,
                    },
                    "rows": rows,
                    "fields": "userEnteredValue",
                }
            }
        )
    for mark in marks:
        for r, c, kind in mark.marks:
            row, col = r % (len(grid.rows) + 3), c % (grid.width + 3)
            cell: dict[str, Any] = (
                {"note": f"user note {r}"}
                if kind == "note"
                else {"userEnteredFormat": {"backgroundColor": {"red": 1, "green": 0.9}}}
            )
            requests.append(
                {
                    "updateCells": {
                        "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
                        "rows": [{"values": [cell]}],
                        "fields": "note" if kind == "note" else "userEnteredFormat.backgroundColor",
                    }
                }
            )
    if requests:
        book.batch_update({"requests": requests})


def prepare_tab(world: World, scenario: Scenario) -> None:
    """The tab as users made it before sheetsync ever ran: a title above, their own headers."""
    book = world.sheets_emu.gspread_client().open_by_key(SHEET_ID)
    book.add_worksheet(TAB, rows=scenario.tab_size[0], cols=scenario.tab_size[1])
    grid = Grid([], scenario.header_row)
    if scenario.header_row == 2:
        # A title, and above the header what looks like a header and a live key: not data.
        grid.rows[0] = ["Prospects report (title, never touched)", "Email", 55389571]
    grid.rows[grid.h0] = list(scenario.own_headers)
    grid.pad()
    title = [Decorate(((0, 0, "note"), (0, 0, "colour")))] if scenario.header_row == 2 else []
    write_grid(world, grid, (0, 0), title)


def play(world: World, scenario: Scenario) -> None:
    world.pardot_emu.clock.set(START)
    world.pardot_emu.seed(prospects=scenario.prospects, seed=scenario.seed)
    world.sheets_emu.server.reset()
    world.sheets_emu.create_spreadsheet("property", ["Sheet1"], spreadsheet_id=SHEET_ID)
    world.gspread_sheet("Sheet1").update_acell("A1", "another tab: never touched")
    mapping = world.mapping(
        mapping_yaml(scenario.on_delete, scenario.time_zone, scenario.header_row), "property"
    )
    if scenario.tab_before:
        prepare_tab(world, scenario)
    synced = scenario.synced
    if synced:
        first = world.run(mapping, full=True, force=True)
        assert first.status == "ok", first.message
    tab = scenario.tab_before or synced
    for round_ in scenario.rounds:
        world.pardot_emu.clock.advance(120)
        apply_pardot(world, round_.pardot)
        if round_.edits and tab:
            grid = read_grid(world, scenario.header_row)
            old = (len(grid.rows), grid.width)
            for edit in round_.edits:
                if not isinstance(edit, Decorate):
                    apply_edit(grid, edit)
            marks = [e for e in round_.edits if isinstance(e, Decorate)]
            write_grid(world, grid, old, marks)
        world.pardot_emu.clock.advance(120)
        check_full_run(world, mapping, scenario, first_run=not synced)
        synced = tab = True


def report_changes(world: World) -> list[Any]:
    plan = world.engine.last_plan
    return [] if plan is None else list(plan.changes)


def other_tabs(world: World) -> list[dict[str, Any]]:
    return [s for s in world.snapshot()["sheets"] if s["properties"]["title"] != TAB]


def check_full_run(world: World, mapping: Mapping, scenario: Scenario, *, first_run: bool) -> None:
    tabs = [s["properties"]["title"] for s in world.snapshot()["sheets"]]
    before = parse_cells(world.cells(TAB)) if TAB in tabs else {}
    other_before = other_tabs(world)
    report = world.run(mapping, full=True, force=True)
    assert report.status == "ok", report.message
    after = parse_cells(world.cells(TAB))
    assert other_tabs(world) == other_before
    spec = SheetSpec(
        COLUMNS,
        scenario.header_row,
        KEY,
        STATUS if scenario.on_delete == "mark" else None,
        ZoneInfo(scenario.time_zone),
    )
    records = expected_rows(world.pardot_emu.store, COLUMNS, spec.tz)
    expected = expect_after_full_run(before, spec, records, first_run=first_run, after=after)
    problems = differences(expected, after)
    assert not problems, "\n".join(problems[:40])
    event(f"{'first run' if first_run else 'synced before'}, {scenario.on_delete}")
    event(f"rows added: {min(report.rows_added, 3)}+, updated: {min(report.rows_updated, 3)}+")
    event(f"rows removed or marked: {min(report.rows_removed + report.rows_marked, 3)}+")
    event(f"managed cells changed in place: {min(len(report_changes(world)), 5)}+")
    assert report.rows_added == len(expected.new_ids)
    assert report.rows_removed == len(expected.removed_rows)
    assert report.rows_marked == len(expected.marked_rows)
    assert report.cells_written == expected.cells_written  # only what differs is written
    # Planning again (a dry run) finds nothing; running again writes nothing.
    again = world.run(mapping, full=True, force=True, dry_run=True)
    assert again.status == "ok", again.message
    plan = world.engine.last_plan
    assert plan is not None
    assert plan.empty, [(c.row, c.header, c.old, c.new) for c in plan.changes[:10]]
    assert again.cells_written == 0
    second = world.run(mapping, full=True, force=True)
    assert second.status == "ok" and second.sheets_write_requests == 0, second.message
    incremental = world.run(mapping)
    assert incremental.status == "ok" and incremental.sheets_write_requests == 0
    assert parse_cells(world.cells(TAB)) == after


# -- the tests -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One pair of emulators for every example (each example reseeds and resets them)."""
    folder: Path = tmp_path_factory.mktemp("property")
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("SHEETSYNC_"):
                mp.delenv(name)
        mp.chdir(folder)
        yield from make_world(folder, mp, prospects=40, seed=1)


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain"
)
@given(scenario=scenarios())
def test_a_full_run_makes_every_managed_cell_right_and_touches_nothing_else(
    shared_world: World, scenario: Scenario
) -> None:
    play(shared_world, scenario)


def event(text: str) -> None:
    """Hypothesis statistics; a no-op in the plain regression tests below."""
    with contextlib.suppress(InvalidArgument):
        hypothesis_event(text)


# -- regressions: examples the property found, kept explicit ---------------------------------


def test_a_lone_surrogate_from_pardot_shows_as_a_replacement_character(
    shared_world: World,
) -> None:
    play(
        shared_world,
        Scenario(
            prospects=40,
            seed=0,
            on_delete="remove",
            time_zone="UTC",
            header_row=1,
            tab_before=False,
            tab_size=(1000, 26),
            own_headers=(),
            synced=True,
            rounds=(Round((Update(0, "company", LONE_SURROGATE),), ()),),
        ),
    )
