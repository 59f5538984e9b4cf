"""Splitting a large write into guarded batches at row boundaries (pure)."""

from __future__ import annotations

from typing import Any

from sheetsync.sheets.chunking import GUARD_RESERVE, plan_chunks
from sheetsync.sheets.guard import guard_requests
from sheetsync.sheets.model import CellNote, CellRun, NumberFormat
from sheetsync.sheets.state import state_request

DATE = NumberFormat("DATE", "yyyy-mm-dd")
STATE = state_request('{"v":1}', mapping="m", spreadsheet_id="s", sheet_id=0, existing_id=None)


def rows_of(chunk_requests: list[dict[str, Any]]) -> set[int]:
    rows: set[int] = set()
    for request in chunk_requests:
        if "updateCells" in request:
            start = request["updateCells"]["start"]["rowIndex"]
            rows.update(range(start, start + len(request["updateCells"]["rows"])))
    return rows


def kinds(chunk_requests: list[dict[str, Any]]) -> list[str]:
    return [next(iter(r)) for r in chunk_requests]


def test_small_write_is_one_batch_in_order() -> None:
    chunks = plan_chunks(
        0,
        [CellRun(1, 0, ("a", 1), (None, DATE)), CellRun(2, 0, ("b", 2))],
        [CellNote(0, 0, "managed")],
        grow_rows=10,
        grow_cols=0,
        delete_rows=[50, 51],
        state_request=STATE,
    )
    assert len(chunks) == 1
    assert kinds(chunks[0].requests) == [
        "appendDimension",
        "updateCells",
        "repeatCell",
        "updateCells",
        "deleteDimension",
        "createDeveloperMetadata",
    ]
    assert (chunks[0].cells, chunks[0].notes, chunks[0].rows_deleted) == (4, 1, 2)
    assert chunks[0].has_state


def test_large_write_cut_at_row_boundaries_under_budget() -> None:
    budget = 20_000
    runs = [CellRun(r, 0, (f"row {r} " + "x" * 200, r, "y" * 50)) for r in range(1, 301)]
    chunks = plan_chunks(
        0,
        runs,
        [],
        grow_rows=400,
        grow_cols=2,
        delete_rows=[301, 302],
        state_request=STATE,
        max_bytes=budget,
    )
    assert len(chunks) > 3
    for chunk in chunks:
        # The guard (and envelope) still fit in the budget.
        guard = guard_requests(123456, 0, "previous-batch-id", "next-batch-id#1of9")
        assert chunk.size + sum(len(str(g)) for g in guard) <= budget + GUARD_RESERVE
    seen: list[set[int]] = [rows_of(c.requests) for c in chunks]
    assert set().union(*seen) == set(range(1, 301))
    assert sum(len(s) for s in seen) == 300  # each row in exactly one batch: never split
    for request in (r for c in chunks for r in c.requests if "updateCells" in r):
        assert all(len(row["values"]) == 3 for row in request["updateCells"]["rows"])
    assert kinds(chunks[0].requests)[:2] == ["appendDimension", "appendDimension"]
    assert not any("appendDimension" in kinds(c.requests) for c in chunks[1:])
    assert [c.has_state for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert kinds(chunks[-1].requests)[-2:] == ["deleteDimension", "createDeveloperMetadata"]
    assert sum(c.cells for c in chunks) == 900


def test_row_bigger_than_budget_gets_its_own_batch() -> None:
    runs = [CellRun(1, 0, ("a",)), CellRun(2, 0, ("x" * 5_000,)), CellRun(3, 0, ("b",))]
    chunks = plan_chunks(
        0,
        runs,
        [],
        grow_rows=0,
        grow_cols=0,
        delete_rows=[],
        state_request=None,
        max_bytes=3_000,
    )
    assert [sorted(rows_of(c.requests)) for c in chunks] == [[1], [2], [3]]


def test_many_deletions_spill_into_trailing_batches_bottom_up() -> None:
    deletions = list(range(0, 4_000, 2))  # 2,000 scattered rows, one request each
    chunks = plan_chunks(
        0,
        [CellRun(4_001, 0, ("kept",))],
        [],
        grow_rows=0,
        grow_cols=0,
        delete_rows=deletions,
        state_request=STATE,
        max_bytes=50_000,
    )
    assert len(chunks) > 2
    starts = [
        r["deleteDimension"]["range"]["startIndex"]
        for c in chunks
        for r in c.requests
        if "deleteDimension" in r
    ]
    assert starts == sorted(deletions, reverse=True)
    assert "updateCells" in kinds(chunks[0].requests)  # cells before any deletion
    assert sum(c.rows_deleted for c in chunks) == 2_000
    assert chunks[-1].has_state and kinds(chunks[-1].requests)[-1] == "createDeveloperMetadata"
    assert all(c.size <= 50_000 for c in chunks)


def test_nothing_to_do_is_no_batch() -> None:
    assert (
        plan_chunks(0, [], [], grow_rows=0, grow_cols=0, delete_rows=[], state_request=None) == []
    )


class Marks:
    """Row requests for the tests: one marker request per anchored row."""

    def __init__(self, rows: list[int], cost: int = 300) -> None:
        self.anchored = rows
        self.each = cost

    def rows(self) -> list[int]:
        return self.anchored

    def cost(self, row: int) -> int:
        return self.each

    def requests(self, rows: Any) -> list[dict[str, Any]]:
        wanted = set(self.anchored)
        return [{"copyPaste": {"mark": row, "pad": "m" * 250}} for row in rows if row in wanted]


def marks_of(chunk_requests: list[dict[str, Any]]) -> set[int]:
    return {r["copyPaste"]["mark"] for r in chunk_requests if "copyPaste" in r}


def test_row_requests_travel_in_the_batch_of_their_rows() -> None:
    budget = 20_000
    runs = [CellRun(r, 0, (f"row {r} " + "x" * 200,)) for r in range(1, 301)]
    anchored = list(range(1, 301, 3))
    first = [{"addSheet": {"properties": {"sheetId": 9, "title": "History"}}}]
    chunks = plan_chunks(
        0,
        runs,
        [],
        grow_rows=400,
        grow_cols=0,
        delete_rows=[],
        state_request=STATE,
        max_bytes=budget,
        first_requests=first,
        row_requests=Marks(anchored),
    )
    assert len(chunks) > 3
    assert kinds(chunks[0].requests)[:2] == ["appendDimension", "addSheet"]
    assert not any("addSheet" in kinds(c.requests) for c in chunks[1:])
    for chunk in chunks:
        assert marks_of(chunk.requests) == rows_of(chunk.requests) & set(anchored)
        assert chunk.size <= budget
        # A row's own requests come after its cells.
        order = kinds(chunk.requests)
        if "copyPaste" in order:
            assert "updateCells" not in order[order.index("copyPaste") :]
    assert set().union(*(marks_of(c.requests) for c in chunks)) == set(anchored)


def test_the_tail_travels_whole_when_it_fits_a_batch() -> None:
    """Deletions, other tabs' requests and the state: not split over two batches."""
    budget = 20_000
    runs = [CellRun(r, 0, ("x" * 300,)) for r in range(1, 140)]
    extra = [{"updateCells": {"start": {"sheetId": 9, "rowIndex": 1}, "pad": "e" * 3_000}}]
    chunks = plan_chunks(
        0,
        runs,
        [],
        grow_rows=0,
        grow_cols=0,
        delete_rows=list(range(200, 260, 2)),
        state_request=STATE,
        max_bytes=budget,
        extra_requests=extra * 3,
    )
    tails = [i for i, c in enumerate(chunks) if {"deleteDimension"} & set(kinds(c.requests))]
    assert tails == [len(chunks) - 1]  # every deletion in the last batch, with the state
    last = kinds(chunks[-1].requests)
    assert last.count("deleteDimension") == 30 and last[-1] == "createDeveloperMetadata"
    assert "updateCells" in kinds(chunks[-2].requests)
