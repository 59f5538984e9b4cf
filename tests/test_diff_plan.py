"""Diff and plan on hand-made tables: what gets written, where, and what is refused."""

from __future__ import annotations

import pytest

from sheetsync.diff import GONE_DELETED, GONE_UNMATCHED, SheetLayoutError, diff, normalise_key
from sheetsync.plan import PlanRefused, build_plan, coalesce
from sheetsync.sheets.model import CellRun, CellValue, NumberFormat
from sheetsync.sheets.table import Table

HEADERS = ["Prospect ID", "Email", "Score"]
DATE = NumberFormat("DATE", "yyyy-mm-dd")


def plan_for(rows: list[list[CellValue]], desired: dict, gone: dict | None = None, **kw):  # type: ignore[no-untyped-def,type-arg]
    table = Table(rows, kw.pop("header_row", 1))
    result = diff(
        table,
        kw.pop("headers", HEADERS),
        0,
        desired,
        gone or {},
        full=kw.pop("full", False),
        on_delete=kw.pop("on_delete", "remove"),
        status=kw.pop("status", None),
    )
    kw.setdefault("formats", [None] * len(result.layout.headers))
    return build_plan(
        result,
        used_rows=len(rows),
        grid_rows=1000,
        grid_cols=26,
        other_cells=0,
        max_remove_percent=kw.pop("max_remove_percent", 20),
        force=kw.pop("force", False),
        **kw,
    )


SHEET: list[list[CellValue]] = [
    ["Notes", "Score", "Email", "Prospect ID"],  # users moved columns and added their own
    ["call back", 10, "a@x.com", 1],
    [None, None, None, None],  # a blank row a user inserted
    ["VIP", 30, "c@x.com", 3],
    ["mine", None, None, None],  # a users' row: no key
]


def test_unchanged_rows_write_nothing() -> None:
    plan = plan_for(SHEET, {"1": (1, "a@x.com", 10), "3": (3, "c@x.com", 30)})
    assert plan.empty and plan.cells_written == 0


def test_changed_cells_found_by_header_and_key_wherever_they_are() -> None:
    plan = plan_for(SHEET, {"1": (1, "A@x.com", 10), "3": (3, "c@x.com", 31)})
    assert plan.rows_updated == 2 and plan.cells_written == 2
    assert sorted((r.row, r.col, r.values) for r in plan.write.runs) == [
        (1, 2, ("A@x.com",)),
        (3, 1, (31,)),
    ]


def test_new_rows_go_after_the_used_range_and_missing_headers_at_the_right() -> None:
    rows: list[list[CellValue]] = [["Prospect ID", "Notes", "Email"], [1, "x", "a@x.com"]]
    plan = plan_for(
        rows, {"1": (1, "a@x.com", 5), "2": (2, "b@x.com", None)}, formats=[None, None, DATE]
    )
    assert plan.headers_added == ["Score"]
    runs = {(r.row, r.col): r for r in plan.write.runs}
    assert runs[(0, 3)].values == ("Score",)  # new header, right of the used range
    assert runs[(1, 3)].values == (5,)
    assert runs[(1, 3)].formats == (DATE,)  # a new column's cells are new: they get its format
    # The new row: managed columns 0, 2 and 3 (not the users' column 1); its empty Score cell
    # is part of the run, so it gets the column's date format for a later value.
    assert runs[(2, 0)].values == (2,)
    assert runs[(2, 2)].values == ("b@x.com", None)
    assert runs[(2, 2)].formats == (None, DATE)
    assert (2, 1) not in runs
    assert plan.rows_added == 1
    assert plan.write.min_cols == 26 and plan.write.min_rows == 1000
    assert [n.col for n in plan.write.notes] == [3]


def test_new_rows_get_number_formats_only_where_given() -> None:
    rows: list[list[CellValue]] = [HEADERS]
    plan = plan_for(rows, {"9": (9, "z@x.com", 45296)}, formats=[None, None, DATE])
    (run,) = plan.write.runs
    assert run == CellRun(1, 0, (9, "z@x.com", 45296), (None, None, DATE))


def test_removed_rows_and_marks() -> None:
    rows: list[list[CellValue]] = [HEADERS] + [[i, f"{i}@x.com", i] for i in range(1, 11)]
    desired = {str(i): (i, f"{i}@x.com", i) for i in range(1, 10)}
    plan = plan_for(rows, desired, {"10": GONE_DELETED})
    assert plan.rows_removed == 1 and plan.write.delete_rows == [10]
    marked = plan_for(
        [[*HEADERS, "Sync status"]] + [[*r, None] for r in rows[1:]],
        {k: (*v, None) for k, v in desired.items()},
        {"10": GONE_UNMATCHED},
        headers=[*HEADERS, "Sync status"],
        on_delete="mark",
        status=3,
    )
    assert marked.rows_marked == 1 and marked.write.delete_rows == []
    assert [(r.row, r.col, r.values) for r in marked.write.runs] == [(10, 3, (GONE_UNMATCHED,))]
    kept = plan_for(rows, desired, {"10": GONE_DELETED}, on_delete="keep")
    assert kept.empty


def test_full_run_removes_rows_not_in_pardot_and_incremental_does_not() -> None:
    rows: list[list[CellValue]] = [HEADERS] + [[i, f"{i}@x.com", i] for i in range(1, 11)]
    desired = {str(i): (i, f"{i}@x.com", i) for i in range(1, 10)}
    assert plan_for(rows, desired).empty  # incremental: absence says nothing
    assert plan_for(rows, desired, full=True).write.delete_rows == [10]


def test_a_plan_wiping_the_sheet_is_refused_unless_forced() -> None:
    rows: list[list[CellValue]] = [HEADERS] + [[i, f"{i}@x.com", i] for i in range(1, 21)]
    with pytest.raises(PlanRefused, match="remove 20 of 20 rows"):
        plan_for(rows, {}, full=True)  # an empty Pardot read
    with pytest.raises(PlanRefused, match="remove 6 of 20 rows"):
        plan_for(rows, {str(i): (i, f"{i}@x.com", i) for i in range(1, 15)}, full=True)
    assert plan_for(rows, {}, full=True, force=True).rows_removed == 20
    with pytest.raises(PlanRefused, match="If Pardot really lost these campaigns, run again"):
        plan_for(rows, {}, full=True, records="campaigns")
    # A few removals on a small share pass.
    ok = plan_for(rows, {str(i): (i, f"{i}@x.com", i) for i in range(1, 18)}, full=True)
    assert ok.rows_removed == 3


def test_duplicated_managed_header_is_an_error_naming_it() -> None:
    rows: list[list[CellValue]] = [["Email", "Prospect ID", "Email", "Notes", "Notes"]]
    with pytest.raises(SheetLayoutError, match=r"'Email' appears in several columns \(A, C\)"):
        plan_for(rows, {})
    # Duplicated users' headers are fine.
    assert plan_for([["Prospect ID", "Email", "Score", "Notes", "Notes"]], {}).empty


def test_rows_above_the_header_are_never_touched() -> None:
    rows: list[list[CellValue]] = [["Hot prospects — do not edit"], HEADERS, [1, "a@x.com", 1]]
    plan = plan_for(rows, {"1": (1, "b@x.com", 1), "2": (2, "c@x.com", 2)}, header_row=2)
    assert all(run.row >= 1 for run in plan.write.runs)
    assert {(r.row, r.col) for r in plan.write.runs} == {(2, 1), (3, 0)}


def test_keys_normalise() -> None:
    assert normalise_key(12) == normalise_key(12.0) == normalise_key("12") == "12"
    assert normalise_key(" Ann@X.com ") == normalise_key("ann@x.com")
    assert normalise_key("") is None and normalise_key(None) is None


def test_coalesce_merges_contiguous_cells_per_row() -> None:
    runs = coalesce([(5, 3, "c"), (5, 1, "a"), (5, 2, "b"), (5, 7, "z"), (6, 1, "q")])
    assert [(r.row, r.col, r.values) for r in runs] == [
        (5, 1, ("a", "b", "c")),
        (5, 7, ("z",)),
        (6, 1, ("q",)),
    ]


def test_the_cell_cap_is_refused() -> None:
    rows: list[list[CellValue]] = [HEADERS]
    table = Table(rows, 1)
    result = diff(table, HEADERS, 0, {"1": (1, "a", 1)}, {}, full=False, on_delete="remove")
    with pytest.raises(PlanRefused, match="past Google's limit of 10,000,000"):
        build_plan(
            result,
            formats=[None] * 3,
            used_rows=1,
            grid_rows=1000,
            grid_cols=26,
            other_cells=9_990_000,
            max_remove_percent=20,
            force=False,
        )
