"""spreadsheets.batchUpdate copyPaste: tiling, paste types, and formulas moved as Sheets moves
them (relative references shift, $-absolute ones stay; ranges and sheet-qualified refs too)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.utils import ValueInputOption

from sheetsync.emulator.sheets import SheetsEmulator
from sheetsync.emulator.sheets.refshift import shift_formula

from .conftest import error_of

UNF = "UNFORMATTED_VALUE"


def grid(r0: int, r1: int, c0: int, c1: int, sheet_id: int = 0) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def paste(sh: gspread.Spreadsheet, source: dict[str, int], dest: dict[str, int], kind: str) -> Any:
    request = {"copyPaste": {"source": source, "destination": dest, "pasteType": kind}}
    return sh.batch_update({"requests": [request]})


def cell(emu: SheetsEmulator, sid: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = emu.snapshot(sid)["sheets"][0]["cells"].get(name, {})
    return found


@pytest.mark.parametrize(
    ("formula", "rows", "cols", "moved"),
    [
        ("=C5*2", 1, 0, "=C6*2"),
        ("=$C$5*2", 3, 2, "=$C$5*2"),
        ("=C$5+$C5", 2, 1, "=D$5+$C7"),
        ("=SUM(A1:B2)", 1, 1, "=SUM(B2:C3)"),
        ("=SUM($A$1:B2)", 1, 0, "=SUM($A$1:B3)"),
        ("=Data!A1+'My data'!B2:C3", 1, 0, "=Data!A2+'My data'!B3:C4"),
        ('="A1 "&A1', 1, 0, '="A1 "&A2'),
        ("=LOG10(A1)+SUM(A:A)+SUM(3:3)", 1, 1, "=LOG10(B2)+SUM(B:B)+SUM(4:4)"),
        ("=A1*1E3", 0, 1, "=B1*1E3"),
        ("=A1+B5", -2, 0, "=#REF!+B3"),
    ],
)
def test_formula_references_shift_like_sheets(
    formula: str, rows: int, cols: int, moved: str
) -> None:
    assert shift_formula(formula, rows, cols) == moved


def test_paste_formula_fills_a_column_down_with_shifted_references(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    ws = sh.sheet1
    ws.update(
        [[1, "note", "=A1*2", "=$A$1+A1"], [2], [3], [4]],
        "A1",
        value_input_option=ValueInputOption.user_entered,
    )
    ws.format("C1", {"backgroundColor": {"red": 1}})
    paste(sh, grid(0, 1, 2, 4), grid(1, 4, 2, 4), "PASTE_FORMULA")
    formulas = ws.get("C1:D4", value_render_option="FORMULA")
    assert formulas == [
        ["=A1*2", "=$A$1+A1"],
        ["=A2*2", "=$A$1+A2"],
        ["=A3*2", "=$A$1+A3"],
        ["=A4*2", "=$A$1+A4"],
    ]
    assert ws.get("C1:D4", value_render_option=UNF) == [[2, 2], [4, 3], [6, 4], [8, 5]]
    # PASTE_FORMULA moves values only: the source's colour stays where it was.
    assert "format" in cell(emu, sh.id, "C1") and "format" not in cell(emu, sh.id, "C2")


def test_paste_normal_tiles_and_copies_formats_and_notes(
    emu: SheetsEmulator, sh: gspread.Spreadsheet
) -> None:
    ws = sh.sheet1
    ws.update([["a", '=A1&"!"']], "A1", value_input_option=ValueInputOption.user_entered)
    ws.format("A1", {"backgroundColor": {"green": 1}})
    ws.insert_note("A1", "hello")
    paste(sh, grid(0, 1, 0, 2), grid(2, 4, 0, 4), "PASTE_NORMAL")  # 2x2 copies of a 1x2 range
    formulas = ws.get("A3:D4", value_render_option="FORMULA")
    assert formulas == [["a", '=A3&"!"', "a", '=C3&"!"'], ["a", '=A4&"!"', "a", '=C4&"!"']]
    for name in ("A3", "C3", "A4", "C4"):
        assert cell(emu, sh.id, name)["note"] == "hello"
        assert cell(emu, sh.id, name)["format"] == {"backgroundColor": {"green": 1}}


def test_a_smaller_destination_still_gets_the_whole_source(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([[1], [2], [3]], "A1")
    paste(sh, grid(0, 3, 0, 1), grid(5, 6, 1, 2), "PASTE_NORMAL")
    assert ws.get("B6:B8", value_render_option=UNF) == [[1], [2], [3]]


def test_paste_format_and_empty_sources(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["x", "keep"]], "A2")
    ws.format("A1", {"backgroundColor": {"blue": 1}})
    paste(sh, grid(0, 1, 0, 1), grid(1, 2, 0, 1), "PASTE_FORMAT")
    assert cell(emu, sh.id, "A2") == {
        "value": "x",
        "type": "string",
        "format": {"backgroundColor": {"blue": 1}},
    }
    paste(sh, grid(0, 1, 0, 1), grid(1, 2, 1, 2), "PASTE_FORMULA")  # empty A1 clears B2
    assert ws.get("A2:B2", value_render_option=UNF) == [["x"]]


def test_unsupported_and_out_of_grid_pastes_fail_the_batch(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([[1]], "A1")
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        paste(sh, grid(0, 1, 0, 1), grid(1, 2, 0, 1), "PASTE_VALUES")
    assert "not supported" in error_of(excinfo)["message"]
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        paste(sh, grid(0, 2, 0, 1), grid(999, 1000, 0, 1), "PASTE_NORMAL")
    assert "exceeds grid limits" in error_of(excinfo)["message"]
    assert ws.get("A1:A2000", value_render_option=UNF) == [[1]]


def _structure(sh: gspread.Spreadsheet, kind: str, dimension: str, start: int, end: int) -> None:
    span = {"sheetId": 0, "dimension": dimension, "startIndex": start, "endIndex": end}
    sh.batch_update({"requests": [{kind: {"range": span}}]})


def test_deleting_rows_moves_every_reference_to_the_rows_below(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([[n] for n in range(1, 11)], "A1")
    ws.update(
        [["=A10", "=$A$10", "=SUM(A1:A10)", "=A3", "=SUM(A3:A4)"]],
        "C1",
        value_input_option=ValueInputOption.user_entered,
    )
    other = sh.add_worksheet("Other", 5, 5)
    other.update([["=Sheet1!A10", "=A10"]], "A1", value_input_option=ValueInputOption.user_entered)
    _structure(sh, "deleteDimension", "ROWS", 2, 4)  # rows 3 and 4
    assert ws.get("C1:G1", value_render_option="FORMULA") == [
        ["=A8", "=$A$8", "=SUM(A1:A8)", "=#REF!", "=SUM(#REF!)"]
    ]
    assert ws.get("C1:E1", value_render_option=UNF) == [[10, 10, 55 - 3 - 4]]
    # Another sheet's reference to the moved rows follows them; its own references do not.
    assert other.get("A1:B1", value_render_option="FORMULA") == [["=Sheet1!A8", "=A10"]]


def test_inserting_rows_and_columns_moves_references_and_grows_ranges(
    sh: gspread.Spreadsheet,
) -> None:
    ws = sh.sheet1
    ws.update([[1], [2], [3]], "A1")
    ws.update(
        [["=A3", "=SUM(A1:A3)", "=A1"]], "C1", value_input_option=ValueInputOption.user_entered
    )
    _structure(sh, "insertDimension", "ROWS", 1, 3)  # two rows after row 1
    assert ws.get("C1:E1", value_render_option="FORMULA") == [["=A5", "=SUM(A1:A5)", "=A1"]]
    _structure(sh, "insertDimension", "COLUMNS", 0, 1)  # a column before A
    assert ws.get("D1:F1", value_render_option="FORMULA") == [["=B5", "=SUM(B1:B5)", "=B1"]]
    assert ws.get("D1:F1", value_render_option=UNF) == [[3, 6, 1]]
