"""spreadsheets.batchUpdate: sheets, dimensions, masked cell writes, atomicity."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheetsync.emulator.sheets import SheetsEmulator

from .conftest import error_of

UNF = {"valueRenderOption": "UNFORMATTED_VALUE"}


def cells(emu: SheetsEmulator, sid: str, sheet: int = 0) -> dict[str, Any]:
    return emu.snapshot(sid)["sheets"][sheet]["cells"]  # type: ignore[no-any-return]


def string_cell(text: str, **extra: Any) -> dict[str, Any]:
    return {"userEnteredValue": {"stringValue": text}, **extra}


def test_add_update_delete_sheet(sh: gspread.Spreadsheet) -> None:
    reply = sh.batch_update(
        {
            "requests": [
                {
                    "addSheet": {
                        "properties": {
                            "title": "Data",
                            "gridProperties": {"rowCount": 5, "columnCount": 2},
                        }
                    }
                }
            ]
        }
    )
    props = reply["replies"][0]["addSheet"]["properties"]
    assert props["title"] == "Data" and props["index"] == 1 and props["sheetType"] == "GRID"
    assert props["gridProperties"] == {"rowCount": 5, "columnCount": 2}
    assert isinstance(props["sheetId"], int) and props["sheetId"] > 0
    sheet_id = props["sheetId"]
    sh.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": sheet_id,
                            "title": "Renamed",
                            "gridProperties": {"frozenRowCount": 1},
                        },
                        "fields": "title,gridProperties.frozenRowCount",
                    }
                }
            ]
        }
    )
    meta = sh.fetch_sheet_metadata()["sheets"][1]["properties"]
    assert meta["title"] == "Renamed"
    assert meta["gridProperties"] == {"rowCount": 5, "columnCount": 2, "frozenRowCount": 1}
    assert sh.batch_update({"requests": [{"deleteSheet": {"sheetId": sheet_id}}]})["replies"] == [
        {}
    ]
    assert [s["properties"]["title"] for s in sh.fetch_sheet_metadata()["sheets"]] == ["Sheet1"]


def test_resize_truncates_data(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["a", "b", "c"], ["d", "e", "f"]], "A1")
    ws.resize(rows=1, cols=2)
    ws.resize(rows=5, cols=5)
    assert ws.get_all_values() == [["a", "b"]]


def test_dimensions_move_cells(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["1", "2"], ["3", "4"]], "A1")
    requests: list[dict[str, Any]] = [
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
            }
        },
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
            }
        },
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 10}},
    ]
    sh.batch_update({"requests": requests})
    assert ws.get("A1:C3") == [["", "1", "2"], [], ["", "3", "4"]]
    grid = sh.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert grid == {"rowCount": 1011, "columnCount": 27}
    sh.batch_update(
        {
            "requests": [
                {
                    "deleteDimension": {
                        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}
                    }
                }
            ]
        }
    )
    assert ws.get("A1:C1") == [["", "3", "4"]]


def test_update_cells_honours_the_mask(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    yellow = {"backgroundColor": {"red": 1, "green": 1}}
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                        "rows": [
                            {
                                "values": [
                                    string_cell("keep", userEnteredFormat=yellow, note="user note")
                                ]
                            }
                        ],
                        "fields": "*",
                    }
                }
            ]
        }
    )
    # The product's write: values only, a new format is ignored because it is not masked.
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                        "rows": [{"values": [string_cell("=not a formula", note="ignored")]}],
                        "fields": "userEnteredValue",
                    }
                }
            ]
        }
    )
    assert cells(emu, sh.id) == {
        "A1": {"value": "=not a formula", "type": "string", "format": yellow, "note": "user note"}
    }


def test_update_cells_range_clears_uncovered_cells_for_masked_fields(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    sh.sheet1.update([["a", "b"], ["c", "d"]], "A1")
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 0,
                            "endRowIndex": 2,
                            "startColumnIndex": 0,
                            "endColumnIndex": 2,
                        },
                        "rows": [{"values": [{"userEnteredValue": {"numberValue": 5}}]}],
                        "fields": "userEnteredValue",
                    }
                }
            ]
        }
    )
    assert sh.values_get("Sheet1!A1:B2", params=UNF)["values"] == [[5]]


def test_update_cells_start_leaves_rows_sent_empty_alone(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    """With ``start``, each row writes as many cells as it holds ("a different number of
    columns per row"): an empty RowData writes none, while an empty CellData clears."""
    sh.sheet1.update([["a", "b"], ["c", "d"], ["e", "f"]], "A1")
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                        "rows": [
                            {"values": [{"userEnteredValue": {"numberValue": 1}}]},
                            {},
                            {"values": [{}]},
                        ],
                        "fields": "userEnteredValue",
                    }
                }
            ]
        }
    )
    assert sh.values_get("Sheet1!A1:B3", params=UNF)["values"] == [[1, "b"], ["c", "d"], ["", "f"]]


def test_update_cells_typed_values_and_nested_format_mask(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    sh.sheet1.format("A1:D1", {"backgroundColor": {"blue": 1}})
    date_format = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
    row = [
        string_cell("0123"),
        {"userEnteredValue": {"numberValue": 45296}, "userEnteredFormat": date_format},
        {"userEnteredValue": {"boolValue": False}},
        {"userEnteredValue": {"formulaValue": "=1+2"}},
    ]
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": 0},
                        "rows": [{"values": row}],
                        "fields": "userEnteredValue,userEnteredFormat.numberFormat",
                    }
                }
            ]
        }
    )
    assert sh.values_get("Sheet1!A1:D1", params=UNF)["values"] == [["0123", 45296, False, 3]]
    assert sh.values_get("Sheet1!A1:D1")["values"] == [["0123", "2024-01-05", "FALSE", "3"]]
    snapshot = cells(emu, sh.id)
    assert snapshot["B1"]["format"] == {"backgroundColor": {"blue": 1}, **date_format}
    assert snapshot["A1"]["format"] == {"backgroundColor": {"blue": 1}}
    assert snapshot["D1"] == {
        "value": "=1+2",
        "type": "formula",
        "format": {"backgroundColor": {"blue": 1}},
    }


def test_text_format_runs_links(sh: gspread.Spreadsheet) -> None:
    link = {"format": {"link": {"uri": "https://example.com/p/1"}}}
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": 0},
                        "rows": [{"values": [string_cell("Open", textFormatRuns=[link])]}],
                        "fields": "userEnteredValue,textFormatRuns",
                    }
                }
            ]
        }
    )
    got = sh.fetch_sheet_metadata(
        params={
            "ranges": "Sheet1!A1",
            "fields": "sheets.data.rowData.values(formattedValue,textFormatRuns,hyperlink)",
        }
    )
    cell = got["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell == {
        "formattedValue": "Open",
        "textFormatRuns": [link],
        "hyperlink": "https://example.com/p/1",
    }
    # A new value without runs in the mask drops the old runs.
    sh.sheet1.update([["Plain"]], "A1")
    again = sh.fetch_sheet_metadata(
        params={"ranges": "Sheet1!A1", "fields": "sheets/data/rowData/values/textFormatRuns"}
    )
    assert again == {"sheets": [{"data": [{"rowData": [{"values": [{}]}]}]}]}


def test_repeat_cell_and_notes(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    sh.batch_update(
        {
            "requests": [
                {
                    "repeatCell": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 0,
                            "endRowIndex": 2,
                            "startColumnIndex": 1,
                            "endColumnIndex": 2,
                        },
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}, "note": "n"},
                        "fields": "userEnteredFormat.textFormat.bold,note",
                    }
                }
            ]
        }
    )
    bold = {"format": {"textFormat": {"bold": True}}, "note": "n"}
    assert cells(emu, sh.id) == {"B1": bold, "B2": bold}
    assert sh.sheet1.get_notes() == [["", "n"], ["", "n"]]


def test_merges_and_protected_ranges_are_reported(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update([["top", "gone"]], "A1")
    reply = sh.batch_update(
        {
            "requests": [
                {
                    "mergeCells": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 0,
                            "endRowIndex": 1,
                            "startColumnIndex": 0,
                            "endColumnIndex": 2,
                        },
                        "mergeType": "MERGE_ALL",
                    }
                },
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 4},
                            "description": "locked",
                            "warningOnly": False,
                        }
                    }
                },
            ]
        }
    )
    protected = reply["replies"][1]["addProtectedRange"]["protectedRange"]
    assert protected["range"] == {"startRowIndex": 2, "endRowIndex": 4}
    assert protected["requestingUserCanEdit"] is True and protected["description"] == "locked"
    meta = sh.fetch_sheet_metadata(
        params={
            "fields": "sheets.properties,sheets.merges,sheets.protectedRanges,"
            "sheets.developerMetadata"
        }
    )
    sheet = meta["sheets"][0]
    assert set(meta) == {"sheets"} and set(sheet) == {"properties", "merges", "protectedRanges"}
    # Zero-valued GridRange fields (sheetId 0 included) are left out, as the API prints them.
    assert sheet["merges"] == [{"endRowIndex": 1, "endColumnIndex": 2}]
    assert sheet["protectedRanges"][0]["protectedRangeId"] == protected["protectedRangeId"]
    assert sh.sheet1.get("A1:B1") == [["top"]]


def test_failed_batch_changes_nothing(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update([["before"]], "A1")
    before = emu.snapshot(sh.id)
    requests = [
        {"addSheet": {"properties": {"title": "New"}}},
        {
            "updateCells": {
                "start": {"sheetId": 0},
                "rows": [{"values": [string_cell("after")]}],
                "fields": "userEnteredValue",
            }
        },
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
        {"deleteSheet": {"sheetId": 999}},
    ]
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.batch_update({"requests": requests})
    error = error_of(excinfo)
    assert error == {
        "code": 400,
        "message": "Invalid requests[3].deleteSheet: No grid with id: 999",
        "status": "INVALID_ARGUMENT",
    }
    assert emu.snapshot(sh.id) == before


def test_batch_errors_name_the_request(sh: gspread.Spreadsheet) -> None:
    cases = [
        (
            {"addSheet": {"properties": {"title": "Sheet1"}}},
            'Invalid requests[0].addSheet: A sheet with the name "Sheet1" already exists. '
            "Please enter another name.",
        ),
        (
            {"deleteSheet": {"sheetId": 0}},
            "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document.",
        ),
        (
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 0, "hidden": True},
                    "fields": "hidden",
                }
            },
            "Invalid requests[0].updateSheetProperties: "
            "You can't hide all the sheets in a document.",
        ),
        (
            {
                "deleteDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1000}
                }
            },
            "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.",
        ),
        (
            {
                "updateCells": {
                    "start": {"sheetId": 0, "rowIndex": 1000},
                    "rows": [{"values": [string_cell("x")]}],
                    "fields": "userEnteredValue",
                }
            },
            "Invalid requests[0].updateCells: Range (Sheet1!A1001) exceeds grid limits. "
            "Max rows: 1000, max columns: 26",
        ),
        (
            {"autoResizeDimensions": {"dimensions": {"sheetId": 0, "dimension": "COLUMNS"}}},
            "Invalid requests[0].autoResizeDimensions: this request kind is not supported by "
            "the sheetsync Sheets emulator.",
        ),
    ]
    for request, message in cases:
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.batch_update({"requests": [request]})
        assert error_of(excinfo)["message"] == message


def test_spreadsheets_create(gc: gspread.Client, emu: SheetsEmulator) -> None:
    created = gc.http_client.request(
        "post",
        "https://sheets.googleapis.com/v4/spreadsheets",
        json={
            "properties": {"title": "Made"},
            "sheets": [{"properties": {"title": "One"}}, {"properties": {"title": "Two"}}],
        },
    ).json()
    assert len(created["spreadsheetId"]) == 44
    assert created["properties"]["title"] == "Made"
    assert [s["properties"]["title"] for s in created["sheets"]] == ["One", "Two"]
    assert created["sheets"][0]["properties"]["sheetId"] == 0
    assert gc.open_by_key(created["spreadsheetId"]).worksheet("Two").row_count == 1000
    assert emu.stats()["requests"]["spreadsheets.create"] == 1


def test_deleting_a_sheet_deletes_its_metadata(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    ws = sh.add_worksheet("Doomed", rows=5, cols=5)
    md = {"metadataKey": "k", "location": {"sheetId": ws.id}, "visibility": "DOCUMENT"}
    keep = {"metadataKey": "k", "location": {"spreadsheet": True}, "visibility": "DOCUMENT"}
    sh.batch_update(
        {
            "requests": [
                {"createDeveloperMetadata": {"developerMetadata": md}},
                {"createDeveloperMetadata": {"developerMetadata": keep}},
            ]
        }
    )
    sh.del_worksheet(ws)
    locations = [m["location"] for m in emu.snapshot(sh.id)["developerMetadata"]]
    assert locations == [{"locationType": "SPREADSHEET", "spreadsheet": True}]


def test_inserted_rows_take_the_neighbours_formats(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    sh.sheet1.update([["header"], ["row"]], "A1")
    sh.sheet1.format("A1", {"textFormat": {"bold": True}})
    insert = {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}
    sh.batch_update({"requests": [{"insertDimension": {**insert, "inheritFromBefore": True}}]})
    cells = emu.snapshot(sh.id)["sheets"][0]["cells"]
    assert cells["A2"] == {"format": {"textFormat": {"bold": True}}}
    assert cells["A3"] == {"value": "row", "type": "string"}


def test_include_spreadsheet_in_response(sh: gspread.Spreadsheet) -> None:
    reply = sh.batch_update(
        {
            "requests": [{"addSheet": {"properties": {"title": "Extra"}}}],
            "includeSpreadsheetInResponse": True,
        }
    )
    titles = [s["properties"]["title"] for s in reply["updatedSpreadsheet"]["sheets"]]
    assert titles == ["Sheet1", "Extra"]
