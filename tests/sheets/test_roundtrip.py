"""Typed round trip: gateway write -> emulator -> gateway read gives back the same values.

Every value comes back as the Python value the engine computed, so the next diff is empty
(BR-01 leading zeros, BR-02 formula-looking text, BR-03 dates as serials, BR-05 long ids).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sheetsync.diff import Diff, diff, normalise_key
from sheetsync.plan import build_plan
from sheetsync.sheets import (
    Cell,
    CellRun,
    Link,
    NumberFormat,
    SheetsGateway,
    SheetSnapshot,
    SheetWrite,
    Table,
    cells_equal,
)
from sheetsync.sheets.table import a1
from sheetsync.transform import ColumnSpec, RowMaker
from sheetsync.transform import row as transform_row

from .conftest import MAPPING, WORKSHEET

EPOCH = datetime(1899, 12, 30)


def serial(value: date | datetime) -> float:
    """What the engine computes: days since 1899-12-30 (a whole number for a date)."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return (moment - EPOCH).total_seconds() / 86_400


DATE = NumberFormat("DATE", "yyyy-mm-dd")
STAMP = NumberFormat("DATE_TIME", "yyyy-mm-dd hh:mm:ss")

CASES: list[tuple[str, Any, NumberFormat | None]] = [
    ("phone", "0312345678", None),
    ("zip", "01234", None),
    ("intl phone", "+81 3-1234-5678", None),
    ("formula text", '=HYPERLINK("http://x.example","y")', None),
    ("dashes", "-VP-", None),
    ("at", "@home", None),
    ("long id", "123456789012345678", None),
    ("unicode", "Zoë 🚀", None),
    ("true text", "TRUE", None),
    ("apostrophe", "'quoted", None),
    ("date", serial(date(2024, 1, 5)), DATE),
    ("datetime", serial(datetime(2024, 1, 5, 9, 15, 7)), STAMP),
    ("int", 53, None),
    ("float", 12.5, None),
    ("negative", -0.001, None),
    ("whole float", 3.0, None),
    ("big int", 2**53, None),
    ("true", True, None),
    ("false", False, None),
    ("empty", None, None),
    ("link", Link("Open in Pardot", "https://pi.pardot.com/prospect/read/id/1001"), None),
]


def write_cases(gateway: SheetsGateway, book_id: str) -> None:
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    headers = tuple(name for name, _, _ in CASES)
    values = tuple(value for _, value, _ in CASES)
    formats = tuple(fmt for _, _, fmt in CASES)
    write = SheetWrite(
        runs=[
            CellRun(0, 0, ("key", *headers)),
            CellRun(1, 0, ("p-1", *values), (None, *formats)),
            CellRun(2, 0, ("p-2", "trailing", *[None] * (len(CASES) - 1))),
        ],
        notes=[],
        min_rows=0,
        min_cols=len(CASES) + 1,
        delete_rows=[],
        state={"watermark": "2024-01-05T09:15:00Z"},
    )
    gateway.apply(snap, write, "batch-1")


def test_every_value_reads_back_as_written(gateway: SheetsGateway, book_id: str) -> None:
    write_cases(gateway, book_id)
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    table = Table.from_snapshot(snap)
    row = table.row(2)
    for name, value, _ in CASES:
        got = row[table.column(name) or 0]
        assert cells_equal(value, got), (name, value, got)
        want = value.text if isinstance(value, Link) else value
        whole = isinstance(want, float) and want.is_integer()
        assert got == want and type(got) is (int if whole else type(want)), (name, got)
    # Serials: a date is a whole number (an int), a datetime keeps its fraction.
    assert isinstance(row[table.column("date") or 0], int)
    assert isinstance(row[table.column("datetime") or 0], float)
    # Trailing empty cells are padded back: every row has the same width.
    assert {len(r) for r in snap.rows} == {len(CASES) + 1}
    assert table.row(3)[1:3] == ["trailing", None]
    assert snap.state == {"watermark": "2024-01-05T09:15:00Z"}


def test_next_diff_is_empty(gateway: SheetsGateway, book_id: str, emulator: Any) -> None:
    write_cases(gateway, book_id)
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    table = Table.from_snapshot(snap)
    changed = [
        name
        for name, value, _ in CASES
        if not cells_equal(value, table.cell(2, table.column(name) or 0))
    ]
    assert changed == []


def test_text_stays_text_and_formats_only_on_new_typed_cells(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    write_cases(gateway, book_id)
    sheet = next(
        s for s in emulator.snapshot(book_id)["sheets"] if s["properties"]["title"] == WORKSHEET
    )
    cells = sheet["cells"]
    columns = {name: i + 1 for i, (name, _, _) in enumerate(CASES)}

    def cell(name: str, row: int = 2) -> dict[str, Any]:
        found: dict[str, Any] = cells.get(a1(row - 1, columns[name]), {})
        return found

    for name in ("phone", "formula text", "intl phone", "long id", "true text"):
        assert cell(name)["type"] == "string", name  # never parsed, never a formula
    assert cell("int")["type"] == "number" and cell("true")["type"] == "bool"
    assert cell("date")["format"]["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert cell("datetime")["format"]["numberFormat"]["type"] == "DATE_TIME"
    assert "format" not in cell("int") and "format" not in cell("phone")
    assert cell("empty") == {}
    assert cell("link")["textFormatRuns"] == [
        {
            "startIndex": 0,
            "format": {"link": {"uri": "https://pi.pardot.com/prospect/read/id/1001"}},
        }
    ]


@pytest.mark.parametrize(("value", "clear"), [(True, None), (0, None), ("x", None), (1.5, "")])
def test_clearing_a_cell_reads_back_empty(
    gateway: SheetsGateway, book_id: str, value: Any, clear: Any
) -> None:
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    gateway.apply(snap, SheetWrite(runs=[CellRun(0, 0, ("k", value, "z"))]), "b1")
    snap = gateway.read(book, WORKSHEET, MAPPING)
    assert snap.rows == [["k", value, "z"]]
    gateway.apply(snap, SheetWrite(runs=[CellRun(0, 1, (clear,))]), "b2")
    assert gateway.read(book, WORKSHEET, MAPPING).rows == [["k", None, "z"]]


def test_a_tab_with_sheet_id_0_is_written_without_naming_it(
    gateway: SheetsGateway, emulator: Any
) -> None:
    """Requests for sheet 0 leave ``sheetId`` out (the API's default); they must still land on
    that tab and only there, values, formats, new rows and deletions alike."""
    book_id: str = emulator.create_spreadsheet("Pipeline", sheets=[WORKSHEET, "Other"])
    write_cases(gateway, book_id)
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    assert snap.sheet_id == 0
    table = Table.from_snapshot(snap)
    for name, value, _ in CASES:
        assert cells_equal(value, table.cell(2, table.column(name) or 0)), name
    gateway.apply(
        snap,
        SheetWrite(
            runs=[CellRun(1, 1, ("changed",))],
            notes=[],
            min_rows=0,
            min_cols=0,
            delete_rows=[2],
            state=None,
        ),
        "batch-2",
    )
    after = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    assert [row[0] for row in after.rows] == ["key", "p-1"]  # p-2's row deleted
    assert after.rows[1][1] == "changed"
    assert emulator.snapshot(book_id)["sheets"][1]["cells"] == {}  # the other tab untouched


LA = ZoneInfo("America/Los_Angeles")
#: Columns of the types a mapping resolves them to (the key first).
SPECS = [
    ColumnSpec("Prospect ID", "id", "integer", LA),
    ColumnSpec("Phone", "phone", "text", LA),
    ColumnSpec("Zip", "zip", "text", LA),
    ColumnSpec("Mobile", "mobile__c", "text", LA),
    ColumnSpec("Website", "website", "text", LA),
    ColumnSpec("Job title", "jobTitle", "text", LA),
    ColumnSpec("Comments", "comments", "text", LA),
    ColumnSpec("CRM id", "salesforceId", "text", LA),
    ColumnSpec("Big number", "bigNumber__c", "integer", LA),
    ColumnSpec("First name", "firstName", "text", LA),
    ColumnSpec("Source", "source", "text", LA),
    ColumnSpec("Birthday", "birthday__c", "date", LA),
    ColumnSpec("Last activity", "lastActivityAt", "datetime", LA),
    ColumnSpec("Score", "score", "integer", LA),
    ColumnSpec("Grade points", "gradePoints__c", "number", LA),
    ColumnSpec("Do not email", "isDoNotEmail", "boolean", LA),
    ColumnSpec("Notes", "notes", "text", LA),
]
#: Pardot-like records (values as the v5 JSON carries them).
RECORDS: list[dict[str, Any]] = [
    {
        "id": 1001,
        "phone": "0312345678",
        "zip": "01234",
        "mobile__c": "+81 3-1234-5678",
        "website": '=HYPERLINK("http://x.example","y")',
        "jobTitle": "-VP-",
        "comments": "@home",
        "salesforceId": "123456789012345678",
        "bigNumber__c": 123456789012345678,
        "firstName": "Zoë 🚀",
        "source": "TRUE",
        "birthday__c": "2024-01-05",
        "lastActivityAt": "2024-01-05T09:15:07-08:00",
        "score": 53,
        "gradePoints__c": 12.5,
        "isDoNotEmail": True,
        "notes": None,
    },
    {
        "id": 1002,
        "phone": "",
        "zip": None,
        "mobile__c": None,
        "website": None,
        "jobTitle": "",
        "comments": None,
        "salesforceId": None,
        "bigNumber__c": None,
        "firstName": "Ann",
        "source": None,
        "birthday__c": None,
        "lastActivityAt": "2024-07-01T00:00:00+09:00",  # another offset, summer time in LA
        "score": 0,
        "gradePoints__c": -0.25,
        "isDoNotEmail": False,
        "notes": "",
    },
]


def test_transformed_records_read_back_with_an_empty_diff(
    gateway: SheetsGateway, book_id: str
) -> None:
    """Records -> the product's transform -> diff and plan against the empty sheet -> the
    gateway writes -> the gateway reads back -> the diff against the same transform output
    finds nothing to change: no value is reinterpreted on the way through Google."""
    rows = RowMaker(SPECS).rows(RECORDS)
    assert rows == [transform_row(r, SPECS) for r in RECORDS]
    shown = dict(zip([s.header for s in SPECS], rows[0], strict=True))
    # The transform kept text as text and typed the rest (else the round trip proves little).
    for spec in SPECS[1:11]:
        assert shown[spec.header] == str(RECORDS[0][spec.field]), spec.header
    assert shown["Birthday"] == serial(date(2024, 1, 5))
    assert shown["Last activity"] == serial(datetime(2024, 1, 5, 9, 15, 7))
    assert (shown["Score"], shown["Grade points"], shown["Do not email"]) == (53, 12.5, True)
    assert shown["Notes"] is None and rows[1][1] is None

    headers = [spec.header for spec in SPECS]
    desired: dict[str, tuple[Cell, ...]] = {}
    for cells in rows:
        key = normalise_key(cells[0])
        assert key is not None
        desired[key] = cells

    def diff_against(snap: SheetSnapshot) -> Diff:
        table = Table.from_snapshot(snap)
        return diff(table, headers, 0, desired, {}, full=True, on_delete="remove")

    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    first = diff_against(snap)
    assert len(first.new_rows) == len(RECORDS)
    plan = build_plan(
        first,
        formats=[spec.format_for_new_rows for spec in SPECS],
        used_rows=len(snap.rows),
        grid_rows=snap.row_count,
        grid_cols=snap.col_count,
        other_cells=0,
        max_remove_percent=20,
        force=False,
    )
    gateway.apply(snap, plan.write, "batch-1")

    snap = gateway.read(book, WORKSHEET, MAPPING)
    again = diff_against(snap)
    assert [(c.header, c.key, c.old, c.new) for c in again.changes] == []
    assert again.new_rows == [] and again.removed_rows == [] and again.marked_rows == []
    assert again.empty
    table = Table.from_snapshot(snap)
    assert [table.row(n)[: len(SPECS)] for n in (2, 3)] == [list(r) for r in rows]
