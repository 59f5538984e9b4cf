"""Value semantics the engine and the gateway share (pure)."""

from __future__ import annotations

import pytest

from sheetsync.sheets.model import (
    MAX_CELL_CHARS,
    CellRun,
    GridRange,
    Link,
    NumberFormat,
    ProtectedRange,
    SheetSnapshot,
    cells_equal,
    comparable,
    normalise_number,
    sheets_length,
)


def test_sheets_length_counts_utf16_code_units() -> None:
    assert sheets_length("abc") == 3
    assert sheets_length("Zoë") == 3  # BMP characters count one each
    assert sheets_length("🚀") == 2  # outside the BMP: a surrogate pair
    assert sheets_length("Zoë 🚀") == 6
    assert sheets_length("🚀" * 25_000) == MAX_CELL_CHARS


@pytest.mark.parametrize(
    ("desired", "current", "equal"),
    [
        ("0312345678", "0312345678", True),
        ("01234", 1234, False),  # text is not a number
        ("1", 1, False),
        (1, "1", False),
        (True, 1, False),  # bool is not a number, though True == 1 in Python
        (1, True, False),
        (False, 0, False),
        (True, True, True),
        (3.0, 3, True),  # Google answers whole numbers without ".0"
        (3, 3.0, True),
        (12.5, 12.5, True),
        (45296.38541666666, 45296.3854166667, True),  # 15-digit rendering of a serial
        (45296.385416, 45296.385428, False),  # one second apart
        (0.1 + 0.2, 0.3, True),
        (None, None, True),
        ("", None, True),  # a cell cannot hold "": writing it clears the cell
        (None, "x", False),
        ("x", None, False),
        (None, 0, False),
        (Link("y", "http://x.example"), "y", True),
        (Link("y", "http://x.example"), "z", False),
        (Link("", "http://x.example"), "http://x.example", True),
    ],
)
def test_cells_equal(desired: object, current: object, equal: bool) -> None:
    assert cells_equal(desired, current) is equal  # type: ignore[arg-type]


def test_comparable_and_normalise() -> None:
    assert comparable(Link("text", "http://x.example")) == "text"
    assert comparable(5) == 5
    assert normalise_number(3.0) == 3 and isinstance(normalise_number(3.0), int)
    assert isinstance(normalise_number(3.5), float)
    assert isinstance(normalise_number(1e300), float)  # beyond exact ints: stays a float


def test_cell_run_validation() -> None:
    with pytest.raises(ValueError, match="0-based"):
        CellRun(-1, 0, ("x",))
    with pytest.raises(ValueError, match="no values"):
        CellRun(0, 0, ())
    with pytest.raises(ValueError, match="2 formats for 1 values"):
        CellRun(0, 0, ("x",), (None, NumberFormat("DATE", "yyyy-mm-dd")))
    assert CellRun(2, 3, ("a", "b")).end_col == 5


def test_ranges_and_protection() -> None:
    rng = GridRange(0, 1, 3, 0, 2)
    assert rng.contains(1, 0) and rng.contains(2, 1)
    assert not rng.contains(3, 0) and not rng.contains(0, 0) and not rng.contains(1, 2)
    assert GridRange(0).contains(10_000, 500)
    protected = ProtectedRange(1, GridRange(0, 0, 10), unprotected=(GridRange(0, 5, 6),))
    assert protected.covers(0, 3) and not protected.covers(5, 3) and not protected.covers(10, 0)


def test_snapshot_cell_outside_used_range() -> None:
    snap = SheetSnapshot("s", 0, "T", 10, 5, [["a", None], [1, 2]], None, None)
    assert snap.width == 2
    assert snap.cell(1, 1) == 2
    assert snap.cell(5, 0) is None and snap.cell(0, 4) is None
