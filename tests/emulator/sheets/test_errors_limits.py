"""Google's error answers and the size limits."""

from __future__ import annotations

import gspread
import pytest

from sheetsync.emulator.sheets import SheetsEmulator

from .conftest import api, error_of


def test_unknown_spreadsheet_is_404_and_open_by_key_maps_it(gc: gspread.Client) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("1" + "x" * 43)
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        api(gc, "get", "nope/values/A1")
    assert error_of(excinfo) == {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }


def test_unshared_spreadsheet_is_403(emu: SheetsEmulator, gc: gspread.Client, sid: str) -> None:
    emu.set_shared(sid, False)
    with pytest.raises(PermissionError):
        gc.open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        api(gc, "post", f"{sid}/values:batchClear", json={"ranges": ["A1"]})
    assert error_of(excinfo) == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }
    emu.set_shared(sid, True)
    assert gc.open_by_key(sid).id == sid


@pytest.mark.parametrize(
    ("range_", "message"),
    [
        ("Missing!A1", "Unable to parse range: Missing!A1"),
        ("'all prompts'!A1:[5", "Unable to parse range: 'all prompts'!A1:[5"),
        (
            "Sheet1!A1001",
            "Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26",
        ),
        (
            "Sheet1!AA1:AB3",
            "Range (Sheet1!AA1:AB3) exceeds grid limits. Max rows: 1000, max columns: 26",
        ),
        (
            "Sheet1!1001:1005",
            "Range (Sheet1!1001:1005) exceeds grid limits. Max rows: 1000, max columns: 26",
        ),
    ],
)
def test_bad_ranges_on_read(sh: gspread.Spreadsheet, range_: str, message: str) -> None:
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.values_get(range_)
    assert error_of(excinfo) == {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}


def test_writing_past_an_explicit_range_or_the_grid(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        ws.update([["a"], ["b"], ["c"]], "A1:B2")
    assert error_of(excinfo)["message"] == (
        "Requested writing within range [Sheet1!A1:B2], but tried writing to row [3]"
    )
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        ws.update([["a", "b", "c"]], "A1:B2")
    assert error_of(excinfo)["message"] == (
        "Requested writing within range [Sheet1!A1:B2], but tried writing to column [C]"
    )
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.values_update(
            "Sheet1", params={"valueInputOption": "RAW"}, body={"values": [["a"]] * 1001}
        )
    assert error_of(excinfo)["message"] == (
        "Requested writing within range [Sheet1!A1:Z1000], but tried writing to row [1001]"
    )
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        ws.update([["a"], ["b"]], "A1000")
    assert error_of(excinfo)["message"] == (
        "Range (Sheet1!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert "values" not in sh.values_get("Sheet1")


def test_value_input_option_is_required(sh: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.values_update("Sheet1!A1", params={}, body={"values": [["x"]]})
    assert error_of(excinfo) == {
        "code": 400,
        "message": "'valueInputOption' is required but not specified",
        "status": "INVALID_ARGUMENT",
    }
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.values_batch_update({"data": [{"range": "A1", "values": [["x"]]}]})
    assert error_of(excinfo)["message"] == "'valueInputOption' is required but not specified"


def test_values_must_be_a_list(sh: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.sheet1.update("X", "A1")  # type: ignore[arg-type]
    message = (
        "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    )
    error = error_of(excinfo)
    assert error["message"] == message
    assert error["details"][0]["fieldViolations"] == [
        {"field": "data.values", "description": message}
    ]


def test_fifty_thousand_characters_per_cell(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update([["a" * 50_000]], "A1")
    # Counted in UTF-16 code units: 25,001 emoji are 50,002 units.
    for too_long in ("a" * 50_001, "🚀" * 25_001):
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.sheet1.update([[too_long]], "B1")
        assert error_of(excinfo)["message"] == (
            "Your input contains more than the maximum of 50000 characters in a single cell."
        )
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.values_batch_update(
            {
                "valueInputOption": "RAW",
                "data": [
                    {"range": "C1", "values": [["ok"]]},
                    {"range": "D1", "values": [["a" * 50_001]]},
                ],
            }
        )
    assert error_of(excinfo)["message"].startswith("Invalid data[1]: Your input contains more than")
    assert list(emu.snapshot(sh.id)["sheets"][0]["cells"]) == ["A1"]


def test_cell_cap_is_configurable() -> None:
    with SheetsEmulator(cell_limit=30_000) as emu:
        sid = emu.create_spreadsheet("Capped", sheets=["Sheet1"])  # 26,000 cells
        sh = emu.gspread_client().open_by_key(sid)
        message = (
            "This action would increase the number of cells in the workbook above the limit of "
            "30000 cells."
        )
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.add_worksheet("More", rows=100, cols=50)
        assert error_of(excinfo)["message"] == f"Invalid requests[0].addSheet: {message}"
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.sheet1.resize(rows=2000)
        assert (
            error_of(excinfo)["message"] == f"Invalid requests[0].updateSheetProperties: {message}"
        )
        # Rows are checked before columns: growing rows while shrinking columns still fails...
        with pytest.raises(gspread.exceptions.APIError):
            sh.sheet1.resize(rows=1500, cols=10)
        # ...while shrinking columns first, then growing rows, passes.
        sh.sheet1.resize(cols=10)
        sh.sheet1.resize(rows=1500)
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.sheet1.append_rows([["x"]] * 3500)  # 3,500 x 10 > 30,000
        assert error_of(excinfo)["message"] == message
        assert emu.snapshot(sid)["sheets"][0]["properties"]["gridProperties"] == {
            "rowCount": 1500,
            "columnCount": 10,
        }


def test_malformed_json_body(gc: gspread.Client, sid: str) -> None:
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        gc.http_client.request(
            "post",
            f"https://sheets.googleapis.com/v4/spreadsheets/{sid}:batchUpdate",
            data=b"{not json",
            headers={"Content-Type": "application/json"},
        )
    assert error_of(excinfo)["message"].startswith("Invalid JSON payload received.")
