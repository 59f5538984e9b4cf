"""Value semantics of spreadsheets.values, through gspread as the product uses it."""

from __future__ import annotations

from urllib.parse import quote

import gspread
import pytest

from sheetsync.emulator.sheets import SheetsEmulator

from .conftest import api, error_of

UNF = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}


def test_raw_keeps_text_literally(sh: gspread.Spreadsheet) -> None:
    texts = ["0312345678", "01234", "+81 3-1234-5678", '=HYPERLINK("http://x.example","y")']
    texts += ["-VP-", "@home", "123456789012345678", "Zoë 🚀", "TRUE", "'quoted"]
    sh.sheet1.update([texts], "A1", raw=True)
    for params in ({}, UNF, {"valueRenderOption": "FORMULA"}):
        got = sh.values_get("Sheet1!A1:J1", params=params)["values"][0]
        assert got == texts


def test_user_entered_parses_like_typing(sh: gspread.Spreadsheet) -> None:
    row = ["0042", "2,000,000.01", "2024-01-05", "TRUE", "'0042", "=1+1", "12%", "hello", 7]
    sh.sheet1.update([row], "A1", value_input_option="USER_ENTERED")
    unformatted = sh.values_get("Sheet1!A1:I1", params=UNF)["values"][0]
    assert unformatted == [42, 2000000.01, 45296, True, "0042", 2, 0.12, "hello", 7]
    formatted = sh.values_get("Sheet1!A1:I1")["values"][0]
    assert formatted == [
        "42",
        "2,000,000.01",
        "2024-01-05",
        "TRUE",
        "0042",
        "2",
        "12%",
        "hello",
        "7",
    ]
    formulas = sh.values_get("Sheet1!A1:I1", params={"valueRenderOption": "FORMULA"})
    assert formulas["values"][0][5] == "=1+1"


def test_date_time_render_options(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update(
        [["2020-01-01", "2020-01-01 06:00:00"]], "A1", value_input_option="USER_ENTERED"
    )
    serial = sh.values_get("Sheet1!A1:B1", params=UNF)["values"][0]
    assert serial == [43831, 43831.25]
    text = sh.values_get(
        "Sheet1!A1:B1",
        params={
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "FORMATTED_STRING",
        },
    )["values"][0]
    assert text == ["2020-01-01", "2020-01-01 6:00:00"]


def test_formula_evaluation_and_references(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update(
        [[2, 3, "=A1*B1+1", "=SUM(A1:B1)", "=A1/0", "=VLOOKUP(1,A1:B1,2)"]],
        "A1",
        value_input_option="USER_ENTERED",
    )
    got = sh.values_get("Sheet1!A1:F1", params=UNF)["values"][0]
    # Unsupported functions read back as their own text (documented stand-in).
    assert got == [2, 3, 7, 5, "#DIV/0!", "=VLOOKUP(1,A1:B1,2)"]


def test_null_skips_and_empty_string_clears(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["a", "b"], ["c", "d"]], "A1")
    result = ws.update([[None, ""], ["C", None]], "A1")
    assert result["updatedRange"] == "Sheet1!A1:B2"
    assert (result["updatedRows"], result["updatedColumns"], result["updatedCells"]) == (2, 2, 2)
    assert ws.get("A1:B2") == [["a"], ["C", "d"]]


def test_reads_trim_and_omit_values(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update(
        [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "", "", ""]], "A1"
    )
    got = sh.values_get("Sheet1!A1:D6")
    assert got == {
        "range": "Sheet1!A1:D6",
        "majorDimension": "ROWS",
        "values": [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4"]],
    }
    empty = sh.values_get("Sheet1!F1:G2")
    assert empty == {"range": "Sheet1!F1:G2", "majorDimension": "ROWS"}


def test_major_dimension_columns_read_and_write(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["a", "b", "c"], ["d"]], "A1", major_dimension="COLUMNS")
    assert ws.get("A1:B3") == [["a", "d"], ["b"], ["c"]]
    cols = sh.values_get("Sheet1!A1:B3", params={"majorDimension": "COLUMNS"})
    assert cols["values"] == [["a", "b", "c"], ["d"]]


def test_range_echo_normalisation(sh: gspread.Spreadsheet) -> None:
    cases = {
        "Sheet1!A1:C": "Sheet1!A1:C1000",
        "Sheet1!A1:1": "Sheet1!A1:Z1",
        "Sheet1!D4:A1": "Sheet1!A1:D4",
        "Sheet1!A1:A1": "Sheet1!A1",
        "Sheet1": "Sheet1!A1:Z1000",
        "'Sheet1'!B:B": "Sheet1!B1:B1000",
        "A1:B2": "Sheet1!A1:B2",
        "sheet1!A1": "Sheet1!A1",
        "Sheet1!A990:B2000": "Sheet1!A990:B1000",
    }
    for sent, echoed in cases.items():
        assert sh.values_get(sent)["range"] == echoed, sent


def test_sheet_name_quoting_and_non_ascii(sh: gspread.Spreadsheet) -> None:
    for title, shown in [
        ("My sheet", "'My sheet'"),
        ("D3", "'D3'"),
        ("🌵 cactus", "'🌵 cactus'"),
        ("It's", "'It''s'"),
        ("plain_1", "plain_1"),
    ]:
        ws = sh.add_worksheet(title, rows=5, cols=3)
        result = ws.update([["x"]], "A1")
        assert result["updatedRange"] == f"{shown}!A1"
        quoted = "'" + title.replace("'", "''") + "'"
        assert sh.values_get(quoted)["range"] == f"{shown}!A1:C5"
    # A bare cell-like name is a cell of the first visible sheet; unquoted spaces are fine.
    assert sh.values_get("D3")["range"] == "Sheet1!D3"
    assert sh.values_get("🌵 cactus!A1")["values"] == [["x"]]


def test_percent_encoded_range_path(gc: gspread.Client, sh: gspread.Spreadsheet) -> None:
    sh.add_worksheet("Zoë's data", rows=3, cols=3).update([["ok"]], "A1")
    encoded = quote("'Zoë''s data'!A1", safe="")
    assert api(gc, "get", f"{sh.id}/values/{encoded}")["values"] == [["ok"]]


def test_update_counts_and_updated_data(sh: gspread.Spreadsheet) -> None:
    result = sh.values_update(
        "Sheet1!B2",
        params={
            "valueInputOption": "USER_ENTERED",
            "includeValuesInResponse": True,
            "responseValueRenderOption": "UNFORMATTED_VALUE",
        },
        body={"values": [["1", "x"], ["=B2*2"]]},
    )
    assert result["updatedRange"] == "Sheet1!B2:C3"
    assert result["updatedCells"] == 3
    assert result["updatedData"] == {
        "range": "Sheet1!B2:C3",
        "majorDimension": "ROWS",
        "values": [[1, "x"], [2]],
    }


def test_batch_update_totals_and_atomicity(sh: gspread.Spreadsheet) -> None:
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Sheet1!A1:D1", "values": [["a", "b", "", "d"]]},
            {"range": "Sheet1!A4:D4", "values": [["e", "f", "", "h"]]},
        ],
    }
    result = sh.values_batch_update(body)
    assert (result["totalUpdatedRows"], result["totalUpdatedColumns"]) == (2, 4)
    assert (result["totalUpdatedCells"], result["totalUpdatedSheets"]) == (8, 1)
    bad = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Sheet1!A1", "values": [["changed"]]},
            {"range": "Nope!A1", "values": [["x"]]},
        ],
    }
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.values_batch_update(bad)
    assert error_of(excinfo)["message"] == "Invalid data[1]: Unable to parse range: Nope!A1"
    assert sh.sheet1.acell("A1").value == "a"


def test_batch_get(sh: gspread.Spreadsheet) -> None:
    sh.sheet1.update([["a", "b"], ["c", "d"]], "A1")
    got = sh.values_batch_get(["Sheet1!A:A", "Sheet1!B2"])
    assert [vr["range"] for vr in got["valueRanges"]] == ["Sheet1!A1:A1000", "Sheet1!B2"]
    assert [vr["values"] for vr in got["valueRanges"]] == [[["a"], ["c"]], [["d"]]]


def test_clear_and_batch_clear_keep_formats(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["a", "b"], ["c", "d"]], "A1")
    ws.format("A1", {"backgroundColor": {"red": 1}})
    assert sh.values_clear("Sheet1!A1:A2")["clearedRange"] == "Sheet1!A1:A2"
    cleared = sh.values_batch_clear(body={"ranges": ["Sheet1!B1", "Sheet1!B2:B"]})
    assert cleared["clearedRanges"] == ["Sheet1!B1", "Sheet1!B2:B1000"]
    cells = emu.snapshot(sh.id)["sheets"][0]["cells"]
    assert cells == {"A1": {"format": {"backgroundColor": {"red": 1}}}}


def test_append_table_detection(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    first = ws.append_row(["x", "", "y"])
    assert "tableRange" not in first and first["updates"]["updatedRange"] == "Sheet1!A1:C1"
    # The recorded quirk: the whole-sheet search finds the table around C1, not A1.
    second = ws.append_row(["x", "", "y"])
    assert second["tableRange"] == "Sheet1!C1"
    assert second["updates"]["updatedRange"] == "Sheet1!C2:E2"
    third = ws.append_row(["z"], table_range="A1")
    assert third["tableRange"] == "Sheet1!A1"
    assert third["updates"]["updatedRange"] == "Sheet1!A2"


def test_append_grows_the_grid_and_insert_rows(sh: gspread.Spreadsheet) -> None:
    ws = sh.add_worksheet("Small", rows=2, cols=2)
    ws.update([["h1", "h2"], ["a", "b"]], "A1")
    result = ws.append_rows([["c", "d", "e"]])
    assert result["updates"]["updatedRange"] == "Small!A3:C3"
    props = sh.fetch_sheet_metadata()["sheets"][1]["properties"]["gridProperties"]
    assert props == {"rowCount": 3, "columnCount": 3}
    ws.append_rows([["new"]], insert_data_option="INSERT_ROWS", table_range="A1")
    assert ws.get_all_values() == [
        ["h1", "h2", ""],
        ["a", "b", ""],
        ["c", "d", "e"],
        ["new", "", ""],
    ]
