"""Building batchUpdate sub-requests from a write (pure)."""

from __future__ import annotations

from sheetsync.sheets.batch import (
    ROW_GAP_JOIN,
    append_requests,
    cell_requests,
    delete_requests,
    encode_cell,
    format_requests,
    note_requests,
)
from sheetsync.sheets.model import CellNote, CellRun, Link, NumberFormat

DATE = NumberFormat("DATE", "yyyy-mm-dd")
STAMP = NumberFormat("DATE_TIME", "yyyy-mm-dd hh:mm")


def test_typed_values_never_formulas() -> None:
    assert encode_cell('=HYPERLINK("http://x.example","y")') == {
        "userEnteredValue": {"stringValue": '=HYPERLINK("http://x.example","y")'}
    }
    assert encode_cell("0123") == {"userEnteredValue": {"stringValue": "0123"}}
    assert encode_cell(True) == {"userEnteredValue": {"boolValue": True}}
    assert encode_cell(53) == {"userEnteredValue": {"numberValue": 53}}
    assert encode_cell(12.5) == {"userEnteredValue": {"numberValue": 12.5}}
    assert encode_cell(None) == {}  # cleared under the userEnteredValue mask
    assert encode_cell(Link("docs", "https://x.example/d")) == {
        "userEnteredValue": {"stringValue": "docs"},
        "textFormatRuns": [{"startIndex": 0, "format": {"link": {"uri": "https://x.example/d"}}}],
    }


def test_runs_on_consecutive_rows_share_one_request() -> None:
    runs = [CellRun(r, 0, ("a", r)) for r in range(5, 9)] + [CellRun(6, 4, (1,))]
    requests = cell_requests(7, runs)
    assert len(requests) == 2
    block = requests[0]["updateCells"]
    assert block["start"] == {"sheetId": 7, "rowIndex": 5, "columnIndex": 0}
    assert block["fields"] == "userEnteredValue"  # users' formats untouched
    assert [row["values"][1] for row in block["rows"]] == [
        {"userEnteredValue": {"numberValue": r}} for r in range(5, 9)
    ]
    assert requests[1]["updateCells"]["start"] == {"sheetId": 7, "rowIndex": 6, "columnIndex": 4}


def test_nearby_rows_share_a_block_far_rows_and_links_do_not() -> None:
    runs = [
        CellRun(1, 0, ("a",)),
        CellRun(3, 0, ("b",)),  # row 2 is sent empty: left alone
        CellRun(3 + ROW_GAP_JOIN + 1, 0, ("c",)),  # gap of ROW_GAP_JOIN rows: still joined
        CellRun(3 + 2 * ROW_GAP_JOIN + 3, 0, ("d",)),  # one row further: a new block
        CellRun(4, 0, (Link("t", "http://x.example"),)),  # link: own mask
    ]
    requests = cell_requests(0, runs)
    assert [r["updateCells"]["start"]["rowIndex"] for r in requests] == [
        1,
        4,
        3 + 2 * ROW_GAP_JOIN + 3,
    ]
    assert [r["updateCells"]["fields"] for r in requests] == [
        "userEnteredValue",
        "userEnteredValue,textFormatRuns",
        "userEnteredValue",
    ]
    rows = requests[0]["updateCells"]["rows"]
    assert len(rows) == 3 + ROW_GAP_JOIN + 1
    assert rows[0] == {"values": [{"userEnteredValue": {"stringValue": "a"}}]}
    assert rows[1] == {} and rows[4 : 3 + ROW_GAP_JOIN] == [{}] * (ROW_GAP_JOIN - 1)
    assert rows[2] == {"values": [{"userEnteredValue": {"stringValue": "b"}}]}
    assert rows[-1] == {"values": [{"userEnteredValue": {"stringValue": "c"}}]}
    # A cleared cell is an empty CellData inside values, never an empty row.
    cleared = cell_requests(0, [CellRun(1, 0, (None,))])
    assert cleared[0]["updateCells"]["rows"] == [{"values": [{}]}]


def test_formats_once_per_column_block() -> None:
    runs = [CellRun(r, 0, ("x", 45296, 45296.5), (None, DATE, STAMP)) for r in range(10, 14)] + [
        CellRun(20, 0, ("y", 1, 2), (None, DATE, None))
    ]
    requests = format_requests(3, runs)
    ranges = [
        (
            r["repeatCell"]["range"]["startRowIndex"],
            r["repeatCell"]["range"]["endRowIndex"],
            r["repeatCell"]["range"]["startColumnIndex"],
            r["repeatCell"]["cell"]["userEnteredFormat"]["numberFormat"]["type"],
        )
        for r in requests
    ]
    assert ranges == [(10, 14, 1, "DATE"), (10, 14, 2, "DATE_TIME"), (20, 21, 1, "DATE")]
    assert all(r["repeatCell"]["fields"] == "userEnteredFormat.numberFormat" for r in requests)
    assert format_requests(3, [CellRun(1, 0, ("x",))]) == []


def test_notes_grouped_per_row() -> None:
    notes = [CellNote(0, 1, "managed"), CellNote(0, 2, "managed"), CellNote(0, 5, "managed")]
    requests = note_requests(0, notes)
    assert len(requests) == 2
    assert requests[0]["updateCells"]["fields"] == "note"
    assert requests[0]["updateCells"]["rows"] == [{"values": [{"note": "managed"}] * 2}]
    assert requests[1]["updateCells"]["start"]["columnIndex"] == 5


def test_structure_requests() -> None:
    assert append_requests(1, 0, 0) == []
    assert append_requests(1, 5, 2) == [
        {"appendDimension": {"sheetId": 1, "dimension": "COLUMNS", "length": 2}},
        {"appendDimension": {"sheetId": 1, "dimension": "ROWS", "length": 5}},
    ]
    spans = [
        (r["deleteDimension"]["range"]["startIndex"], r["deleteDimension"]["range"]["endIndex"])
        for r in delete_requests(1, [4, 9, 5, 6, 2, 9])
    ]
    assert spans == [(9, 10), (4, 7), (2, 3)]  # bottom-up, contiguous rows coalesced


def test_sheet_zero_is_left_out_of_every_request() -> None:
    """proto3 JSON omits default values; the API reads a missing sheetId as 0."""
    runs = [CellRun(2, 1, ("a",), (DATE,))]
    requests = [
        *cell_requests(0, runs),
        *format_requests(0, runs),
        *note_requests(0, [CellNote(2, 1, "n")]),
        *append_requests(0, 3, 1),
        *delete_requests(0, [5]),
    ]
    assert len(requests) == 6
    assert all("sheetId" not in str(request) for request in requests)
    assert all("'sheetId': 4" in str(request) for request in [*cell_requests(4, runs)])
