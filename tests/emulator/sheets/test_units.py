"""Pure parts of the emulator: A1 notation, masks, number formats, input parsing, formulas."""

from __future__ import annotations

import pytest

from sheetsync.emulator.sheets.a1 import Bounds, format_bounds, parse_range, quote_title
from sheetsync.emulator.sheets.cells import from_user_entered, text_length
from sheetsync.emulator.sheets.formula import Evaluator, Formula
from sheetsync.emulator.sheets.masks import apply, mask, project
from sheetsync.emulator.sheets.numberformat import format_number, general


@pytest.mark.parametrize(
    ("text", "sheet", "bounds", "cells_given"),
    [
        ("Sheet1!A1:B2", "Sheet1", Bounds(0, 2, 0, 2), True),
        ("'My ''x'' sheet'!C3", "My 'x' sheet", Bounds(2, 3, 2, 3), True),
        ("Sheet1", "Sheet1", Bounds(), False),
        ("'A1'", "A1", Bounds(), False),
        ("A1", None, Bounds(0, 1, 0, 1), True),
        ("Data!B:C", "Data", Bounds(None, None, 1, 3), True),
        ("Data!2:4", "Data", Bounds(1, 4, None, None), True),
        ("Data!A5:C", "Data", Bounds(4, None, 0, 3), True),
        ("Data!D4:A1", "Data", Bounds(0, 4, 0, 4), True),
        ("a!$b$2", "a", Bounds(1, 2, 1, 2), True),
    ],
)
def test_parse_range(text: str, sheet: str | None, bounds: Bounds, cells_given: bool) -> None:
    parsed = parse_range(text)
    assert parsed is not None
    assert (parsed.sheet, parsed.bounds, parsed.cells_given) == (sheet, bounds, cells_given)


@pytest.mark.parametrize("text", ["'unterminated!A1", "S!A1:[5", "S!A0", "", "'x'y"])
def test_unparsable_ranges(text: str) -> None:
    assert parse_range(text) is None


def test_quoting_and_open_bounds() -> None:
    assert [quote_title(t) for t in ["Sheet1", "My sheet", "D3", "R1C1", "x'y", "Zoë"]] == [
        "Sheet1",
        "'My sheet'",
        "'D3'",
        "'R1C1'",
        "'x''y'",
        "'Zoë'",
    ]
    assert format_bounds(Bounds(1000, 1001, 0, 1)) == "A1001"
    assert format_bounds(Bounds(None, None, 0, 2)) == "A:B"
    assert format_bounds(Bounds(4, 7, None, None)) == "5:7"


def test_mask_parse_project_apply() -> None:
    tree = mask("a.b,a/c(d,e),f")
    assert tree == {"a": {"b": {}, "c": {"d": {}, "e": {}}}, "f": {}}
    assert mask("a,a.b") == {"a": {}}
    data = {"a": {"b": 1, "c": {"d": 2, "x": 3}, "z": 4}, "f": [5], "g": 6}
    assert project(data, tree) == {"a": {"b": 1, "c": {"d": 2}}, "f": [5]}
    target = {"k": {"keep": 1, "change": 2, "drop": 3}}
    result = apply(target, {"k": {"change": 9, "extra": 10}}, mask("k.change,k.drop"))
    assert result == {"k": {"keep": 1, "change": 9}}
    with pytest.raises(ValueError):
        mask("a(b")


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (1 / 3, None, "0.3333333333"),
        (123456789012345678, None, "1.23457E+17"),
        (45296, {"type": "DATE", "pattern": "yyyy-mm-dd"}, "2024-01-05"),
        (45296.5, {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}, "05/01/2024 12:00"),
        (0.125, {"type": "PERCENT", "pattern": "0.0%"}, "12.5%"),
        (-1234.5, {"type": "NUMBER", "pattern": "#,##0.00"}, "-1,234.50"),
        (-3, {"type": "NUMBER", "pattern": "0;(0)"}, "(3)"),
        (1234.5, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}, "$1,234.50"),
    ],
)
def test_number_formats(value: float, fmt: dict[str, str] | None, shown: str) -> None:
    assert format_number(value, fmt) == shown


def test_general_keeps_integers_whole() -> None:
    assert general(12345678901) == "12345678901"
    assert general(2.0) == "2"


@pytest.mark.parametrize(
    ("typed", "value", "fmt_type"),
    [
        ("0042", 42, None),
        ("-1.5", -1.5, None),
        ("1e3", 1000, "SCIENTIFIC"),
        ("$5", 5, "CURRENCY"),
        ("5/31/2024", 45443, "DATE"),
        ("10:30", 0.4375, "TIME"),
        ("true", True, None),
        ("'=x", "=x", None),
        ("-VP-", "-VP-", None),
        ("@home", "@home", None),
        ("2024-02-30", "2024-02-30", None),
    ],
)
def test_user_entered_parsing(typed: str, value: object, fmt_type: str | None) -> None:
    parsed, fmt = from_user_entered(typed)
    assert parsed == value and type(parsed) is type(value)
    assert (fmt or {}).get("type") == fmt_type


def test_plus_prefix_becomes_a_failing_formula() -> None:
    parsed, _ = from_user_entered("+81 3-1234-5678")
    assert parsed == Formula("=+81 3-1234-5678")
    result = Evaluator(lambda s, r, c: None, lambda: 0.0).evaluate(parsed)  # type: ignore[arg-type]
    assert getattr(result, "code", None) == "#ERROR!"


def test_text_length_counts_utf16_units() -> None:
    assert text_length("a" * 10) == 10
    assert text_length("🚀" * 30_000) == 60_000


def test_formula_evaluator() -> None:
    grid = {(0, 0): 2, (0, 1): 3, (1, 0): "x"}
    ev = Evaluator(lambda s, r, c: grid.get((r, c)), lambda: 45000.75)

    def run(text: str) -> object:
        return ev.evaluate(Formula(text))

    assert run("=A1*B1+2^2") == 10
    assert run("=SUM(A1:B2)") == 5
    assert run('=A2&"-"&LEN("abc")') == "x-3"
    assert run("=IF(A1>B1,1,0)") == 0
    assert run("=ROUND(2.345,2)") == 2.35
    assert run('=HYPERLINK("http://x.example","y")') == "y"
    assert run("=TODAY()") == 45000
    assert getattr(run("=A2+1"), "code", None) == "#VALUE!"
    assert getattr(run("=1/0"), "code", None) == "#DIV/0!"
