"""spreadsheets.get: the resource's shape, field masks, ranges and grid data."""

from __future__ import annotations

import gspread

from sheetsync.emulator.sheets import SheetsEmulator


def test_default_shape(sh: gspread.Spreadsheet) -> None:
    meta = sh.fetch_sheet_metadata()
    assert set(meta) == {"spreadsheetId", "properties", "sheets", "spreadsheetUrl"}
    assert meta["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{sh.id}/edit"
    props = meta["properties"]
    assert (props["title"], props["locale"], props["timeZone"], props["autoRecalc"]) == (
        "Test book",
        "en_US",
        "Etc/GMT",
        "ON_CHANGE",
    )
    assert meta["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sheet1",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]


def test_masks_with_both_separators_and_groups(sh: gspread.Spreadsheet) -> None:
    sh.add_worksheet("Two", rows=3, cols=4)
    dotted = sh.fetch_sheet_metadata(
        params={"fields": "sheets.properties.gridProperties.rowCount,properties.title"}
    )
    slashed = sh.fetch_sheet_metadata(
        params={"fields": "sheets/properties/gridProperties/rowCount,properties/title"}
    )
    grouped = sh.fetch_sheet_metadata(
        params={"fields": "sheets(properties(gridProperties(rowCount))),properties(title)"}
    )
    expected = {
        "properties": {"title": "Test book"},
        "sheets": [
            {"properties": {"gridProperties": {"rowCount": 1000}}},
            {"properties": {"gridProperties": {"rowCount": 3}}},
        ],
    }
    assert dotted == slashed == grouped == expected


def test_masks_of_absent_fields(sh: gspread.Spreadsheet) -> None:
    assert sh.fetch_sheet_metadata(params={"fields": "namedRanges"}) == {}
    tab = sh.fetch_sheet_metadata(params={"fields": "sheets.properties.tabColorStyle"})
    assert tab == {"sheets": [{"properties": {}}]}


def test_ranges_select_sheets_and_grid_data(sh: gspread.Spreadsheet) -> None:
    other = sh.add_worksheet("Other", rows=10, cols=5)
    other.update([["n", 1.5], ["", True]], "B2", value_input_option="USER_ENTERED")
    meta = sh.fetch_sheet_metadata(params={"ranges": "Other!B2:D4", "includeGridData": "true"})
    assert [s["properties"]["title"] for s in meta["sheets"]] == ["Other"]
    (data,) = meta["sheets"][0]["data"]
    assert (data["startRow"], data["startColumn"]) == (1, 1)
    assert len(data["rowMetadata"]) == 3 and len(data["columnMetadata"]) == 3
    first, second = data["rowData"]
    assert first["values"][0]["userEnteredValue"] == {"stringValue": "n"}
    assert first["values"][1]["effectiveValue"] == {"numberValue": 1.5}
    assert first["values"][1]["formattedValue"] == "1.5"
    assert second["values"][0] == {}
    assert second["values"][1]["formattedValue"] == "TRUE"


def test_a_data_mask_implies_grid_data(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update([["a", "b"]], "A1")
    sh.sheet1.insert_note("B1", "hello")
    meta = sh.fetch_sheet_metadata(
        params={"fields": "sheets.data.rowData.values.note", "ranges": "Sheet1!A1:B1"}
    )
    assert meta == {"sheets": [{"data": [{"rowData": [{"values": [{}, {"note": "hello"}]}]}]}]}
    no_data = sh.fetch_sheet_metadata(
        params={"fields": "sheets.properties.title", "includeGridData": "true"}
    )
    assert no_data == {"sheets": [{"properties": {"title": "Sheet1"}}]}


def test_drive_create_open_by_title_and_delete(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sh = gc.create("From Drive")
    assert len(sh.id) == 44 and sh.title == "From Drive"
    assert gc.open("From Drive").id == sh.id
    gc.del_spreadsheet(sh.id)
    assert sh.id not in emu.app.spreadsheet_ids()
