"""The table view of a read worksheet (pure)."""

from __future__ import annotations

import pytest

from sheetsync.sheets.model import CellValue
from sheetsync.sheets.table import DuplicateHeaderError, Table, a1, column_letter

ROWS: list[list[CellValue]] = [
    ["Report of the week", None, None, None, None, None],  # a title row above the header
    ["Email", "First Name", None, "Notes", "Notes", " Prospect ID "],
    ["a@example.com", "Ann", None, "x", None, 1001],
    [None, None, None, None, None, None],  # a blank row a user inserted
    ["b@example.com", "Bob", "mine", None, None, 1002],
]


def test_headers_found_by_text_on_the_given_row() -> None:
    table = Table(ROWS, header_row=2)
    assert table.column("Email") == 0
    assert table.column("Prospect ID") == 5  # surrounding whitespace ignored
    assert table.column("Missing") is None
    assert table.columns("Notes") == (3, 4)
    assert "" not in table.headers  # blank header cells are no header
    assert "Report of the week" not in table.headers  # rows above are not the header


def test_duplicate_header_is_reported_with_its_columns() -> None:
    table = Table(ROWS, header_row=2)
    with pytest.raises(DuplicateHeaderError, match=r"'Notes'.*\(D, E\).*row 2"):
        table.column("Notes")
    assert table.duplicates() == {"Notes": (3, 4)}
    assert table.duplicates(["Email", "First Name"]) == {}


def test_rows_by_number_and_key() -> None:
    table = Table(ROWS, header_row=2)
    assert table.first_data_row == 3
    assert table.row(3) == ["a@example.com", "Ann", None, "x", None, 1001]
    assert table.row(99) == [None] * 6
    assert table.cell(5, 2) == "mine"
    assert table.cell(5, 40) is None
    assert [n for n, _ in table.data_rows()] == [3, 4, 5]
    assert table.rows_by_key(5) == {1001: [3], 1002: [5]}
    assert table.next_row == 6
    assert Table.grid_index(3) == 2


def test_short_rows_are_padded_and_empty_sheet_works() -> None:
    table = Table([["A", "B", "C"], ["x"]])
    assert table.row(2) == ["x", None, None]
    empty = Table([], header_row=1)
    assert empty.headers == {} and empty.next_row == 2 and list(empty.data_rows()) == []
    with pytest.raises(ValueError):
        Table([], header_row=0)


def test_non_text_headers() -> None:
    table = Table([[2024, True, 1.5]])
    assert table.column("2024") == 0 and table.column("TRUE") == 1 and table.column("1.5") == 2


def test_a1_names() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
    ]
    assert a1(0, 0) == "A1" and a1(9, 27) == "AB10"
