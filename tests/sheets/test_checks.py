"""Checks that refuse a write before anything is sent (pure)."""

from __future__ import annotations

import pytest

from sheetsync.sheets.checks import check_write
from sheetsync.sheets.errors import CellLimitExceeded, CellTooLong, StateTooLarge
from sheetsync.sheets.model import CellNote, CellRun, Link, SheetSnapshot, SheetWrite


def snap(rows: int = 100, cols: int = 10, total: int | None = None) -> SheetSnapshot:
    return SheetSnapshot(
        "book1",
        7,
        "Hot prospects",
        rows,
        cols,
        [],
        None,
        None,
        mapping="hot",
        total_cells=rows * cols if total is None else total,
    )


def test_growth_just_enough() -> None:
    write = SheetWrite(runs=[CellRun(120, 0, ("a",)), CellRun(3, 9, (1, 2, 3))])
    checked = check_write(snap(), write)
    assert (checked.grow_rows, checked.grow_cols) == (21, 2)
    write = SheetWrite(runs=[CellRun(1, 1, ("a",))], min_rows=150, min_cols=5)
    checked = check_write(snap(), write)
    assert (checked.grow_rows, checked.grow_cols) == (50, 0)  # never shrinks
    checked = check_write(snap(), SheetWrite(notes=[CellNote(0, 12, "n")]))
    assert checked.grow_cols == 3


def test_cell_too_long_counted_in_utf16_units() -> None:
    fits = "🚀" * 25_000  # exactly 50,000 UTF-16 units
    check_write(snap(), SheetWrite(runs=[CellRun(0, 0, (fits,))]))
    with pytest.raises(CellTooLong, match=r"cell B4 of worksheet 'Hot prospects'.*50001"):
        check_write(snap(), SheetWrite(runs=[CellRun(3, 0, ("ok", fits + "x"))]))
    with pytest.raises(CellTooLong):
        check_write(snap(), SheetWrite(runs=[CellRun(3, 0, (Link("x" * 50_001, "http://x"),))]))


def test_cell_cap_counts_every_tab_at_the_peak() -> None:
    # Another tab holds 9,000,000 cells; this one is 100 x 10 and would grow to 100,001 x 10.
    big = snap(total=9_000_000 + 1_000)
    write = SheetWrite(runs=[CellRun(100_000, 0, ("x",))], delete_rows=list(range(50)))
    with pytest.raises(CellLimitExceeded, match="10,000,000"):
        check_write(big, write)
    check_write(big, SheetWrite(runs=[CellRun(99_899, 0, ("x",))]))  # 9,999,990 cells: fits


def test_structural_bugs_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap at C1"):
        check_write(snap(), SheetWrite(runs=[CellRun(0, 0, (1, 2, 3)), CellRun(0, 2, (4,))]))
    with pytest.raises(ValueError, match="being deleted"):
        check_write(snap(), SheetWrite(runs=[CellRun(5, 0, (1,))], delete_rows=[5]))
    with pytest.raises(ValueError, match="outside the grid"):
        check_write(snap(), SheetWrite(delete_rows=[100]))
    with pytest.raises(ValueError, match="send it as text"):
        check_write(snap(), SheetWrite(runs=[CellRun(0, 0, (123456789012345678,))]))
    with pytest.raises(ValueError, match="finite"):
        check_write(snap(), SheetWrite(runs=[CellRun(0, 0, (float("nan"),))]))
    with pytest.raises(ValueError, match="two notes"):
        check_write(snap(), SheetWrite(notes=[CellNote(0, 0, "a"), CellNote(0, 0, "b")]))


def test_state_size_and_json() -> None:
    checked = check_write(snap(), SheetWrite(state={"watermark": "2024-01-05T09:15:00Z"}))
    assert checked.encoded_state == '{"state":{"watermark":"2024-01-05T09:15:00Z"},"v":1}'
    with pytest.raises(StateTooLarge, match="mapping 'hot'"):
        check_write(snap(), SheetWrite(state={"summary": "x" * 5_000}))
    with pytest.raises(ValueError, match="JSON-able"):
        check_write(snap(), SheetWrite(state={"when": object()}))
