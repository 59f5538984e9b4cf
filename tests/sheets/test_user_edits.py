"""A sheet users sorted, rearranged, coloured and extended is read right and written narrowly.

BR-09 (sorted rows, moved columns), BR-10 (user columns, formulas, colours survive), BR-06
(blank rows). The emulator's whole snapshot (values, formats, notes) is compared before and
after the write: only the targeted managed cells may differ.
"""

from __future__ import annotations

from typing import Any

from sheetsync.sheets import CellNote, CellRun, SheetsGateway, SheetWrite, Table
from sheetsync.sheets.table import a1

from .conftest import MAPPING, WORKSHEET

HEADER = ("Prospect ID", "Email", "City", "Score")
PROSPECTS = [
    (1001, "ann@example.com", "Lyon", 10),
    (1002, "bob@example.com", "Oslo", 40),
    (1003, "cy@example.com", "Kyoto", 30),
    (1004, "di@example.com", "Lima", 20),
    (1005, "ed@example.com", "Pune", 50),
]
YELLOW = {"backgroundColor": {"red": 1, "green": 1, "blue": 0.6}}


def cell_data(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"userEnteredValue": {"stringValue": value}}
    return {"userEnteredValue": {"numberValue": value}}


def user_edits(emulator: Any, book_id: str, sheet_id: int) -> None:
    """What sales people do between two syncs, through their own gspread client."""
    client = emulator.gspread_client()
    # Sorted by Score (descending) and dragged Email to the front: the grid now reads
    # Email | Prospect ID | City | Score, notes moving with their header cells.
    order = sorted(PROSPECTS, key=lambda p: -p[3])
    header = [
        {"userEnteredValue": {"stringValue": h}, "note": "managed by sheetsync"}
        for h in ("Email", "Prospect ID", "City", "Score")
    ]
    rows = [{"values": header}] + [
        {"values": [cell_data(v) for v in (p[1], p[0], p[2], p[3])]} for p in order
    ]
    requests: list[dict[str, Any]] = [
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": rows,
                "fields": "userEnteredValue,note",
            }
        },
        # A blank row inserted between rows 3 and 4 (1-based).
        {
            "insertDimension": {
                "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 3, "endIndex": 4},
                "inheritFromBefore": False,
            }
        },
        # Row 2 highlighted, and the whole City column (C) coloured.
        {
            "repeatCell": {
                "range": {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 2},
                "cell": {"userEnteredFormat": YELLOW},
                "fields": "userEnteredFormat.backgroundColor",
            }
        },
        {
            "repeatCell": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": 1,
                    "endRowIndex": 7,
                    "startColumnIndex": 2,
                    "endColumnIndex": 3,
                },
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
    ]
    client.http_client.batch_update(book_id, {"requests": requests})
    # Their own column, with a formula and a note.
    client.http_client.values_update(
        book_id,
        f"'{WORKSHEET}'!F1:F3",
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": [["Owner notes"], ["call back"], ["=1+1"]]},
    )
    client.http_client.batch_update(
        book_id,
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": 5},
                        "rows": [{"values": [{"note": "mine"}]}],
                        "fields": "note",
                    }
                }
            ]
        },
    )


def sheet_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(
        s for s in snapshot["sheets"] if s["properties"]["title"] == WORKSHEET
    )
    return found


def test_user_edited_sheet_is_read_right_and_written_narrowly(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    runs = [CellRun(0, 0, HEADER)] + [CellRun(i + 1, 0, p) for i, p in enumerate(PROSPECTS)]
    notes = [CellNote(0, c, "managed by sheetsync") for c in range(len(HEADER))]
    gateway.apply(snap, SheetWrite(runs=runs, notes=notes), "run-1")
    user_edits(emulator, book_id, snap.sheet_id)

    snap = gateway.read(book, WORKSHEET, MAPPING)
    table = Table.from_snapshot(snap)
    col = {h: table.column(h) for h in (*HEADER, "Owner notes")}
    assert col == {"Email": 0, "Prospect ID": 1, "City": 2, "Score": 3, "Owner notes": 5}
    by_key = table.rows_by_key(col["Prospect ID"] or 0)
    assert by_key == {1005: [2], 1002: [3], 1003: [5], 1004: [6], 1001: [7]}
    assert table.row(4) == [None] * 6  # the user's blank row
    assert table.cell(3, 5) == 2  # their formula's value
    assert table.row(5)[:4] == ["cy@example.com", 1003, "Kyoto", 30]

    # Run 2: 1003 moved city, 1001 scored, and one new prospect goes after the last row.
    new_row = table.next_row
    assert new_row == 8
    city, score = col["City"] or 0, col["Score"] or 0
    write = SheetWrite(
        runs=[
            CellRun(Table.grid_index(by_key[1003][0]), city, ("Nara",)),
            CellRun(Table.grid_index(by_key[1001][0]), score, (11,)),
            CellRun(Table.grid_index(new_row), 0, ("fay@example.com", 1006, "Graz", 5)),
        ]
    )
    before = sheet_of(emulator.snapshot(book_id))
    gateway.apply(snap, write, "run-2")
    after = sheet_of(emulator.snapshot(book_id))

    assert after["properties"] == before["properties"]  # no growth, no structure change
    assert after["merges"] == before["merges"]
    targeted = {a1(4, city), a1(6, score)} | {a1(7, c) for c in range(4)}
    changed = {
        name
        for name in set(before["cells"]) | set(after["cells"])
        if before["cells"].get(name) != after["cells"].get(name)
    }
    assert changed == targeted
    # The written cells kept the users' formats: only their values changed.
    for name in (a1(4, city), a1(6, score)):
        old, new = before["cells"][name], after["cells"][name]
        assert {k: v for k, v in new.items() if k not in ("value", "type")} == {
            k: v for k, v in old.items() if k not in ("value", "type")
        }
    assert after["cells"][a1(4, city)]["format"]["textFormat"]["bold"] is True
    assert after["cells"][a1(4, city)]["value"] == "Nara"

    again = Table.from_snapshot(gateway.read(book, WORKSHEET, MAPPING))
    assert again.row(8)[:4] == ["fay@example.com", 1006, "Graz", 5]
    assert again.row(5)[2] == "Nara" and again.row(7)[3] == 11
