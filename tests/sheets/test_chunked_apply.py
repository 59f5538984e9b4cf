"""Writes over ~2 MB: several guarded batches, cut at row boundaries, the state in the last."""

from __future__ import annotations

from typing import Any

import pytest

from sheetsync.emulator.httpbase import Fault
from sheetsync.sheets import CellRun, SheetsGateway, SheetsUnavailable, SheetWrite

from .conftest import MAPPING, WORKSHEET, make_gateway

COLS = 12


def big_write(rows: int, tag: str, state: dict[str, Any] | None) -> SheetWrite:
    runs = [CellRun(0, 0, tuple(f"col{c}" for c in range(COLS)))]
    runs += [
        CellRun(r, 0, (r, *(f"{tag} row {r} cell {c} " + "x" * 20 for c in range(1, COLS))))
        for r in range(1, rows + 1)
    ]
    return SheetWrite(runs=runs, state=state)


def test_write_over_two_megabytes_goes_in_guarded_chunks(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    rows = 5_000  # about 3.5 MB of JSON
    emulator.server.reset_stats()
    gateway.counters.reset()
    result = gateway.apply(snap, big_write(rows, "first", {"watermark": "w1"}), "big-1")
    batches = emulator.stats()["requests"]["spreadsheets.batchUpdate"]
    assert batches == result.chunks >= 2
    counts = gateway.counters.snapshot()
    assert counts.bytes_sent > 2_000_000
    assert counts.bytes_sent < batches * 2_000_000
    assert result.rows_appended == rows + 1 - 1000 and result.version == "big-1"
    after = gateway.read(book, WORKSHEET, MAPPING)
    assert len(after.rows) == rows + 1
    assert after.rows[rows][0] == rows
    assert str(after.rows[rows][COLS - 1]).startswith(f"first row {rows} ")
    assert after.state == {"watermark": "w1"} and after.version == "big-1"


def test_failure_between_chunks_leaves_whole_rows_and_no_state(
    emulator: Any, book_id: str, sleeps: list[float]
) -> None:
    gateway = make_gateway(emulator, sleeps, max_request_bytes=100_000)
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    rows = 600
    # The second batch keeps failing: only the first is applied.
    emulator.server.add_faults(
        Fault(kind="error", target="spreadsheets.batchUpdate", after=1, times=100, code=503)
    )
    with pytest.raises(SheetsUnavailable, match="503 after 7 attempts") as info:
        gateway.apply(snap, big_write(rows, "first", {"watermark": "w1"}), "run-1")
    assert info.value.chunks_applied == 1
    assert len(sleeps) == 6  # bounded: 7 attempts in all
    emulator.server.clear_faults()

    partial = gateway.read(book, WORKSHEET, MAPPING)
    assert partial.state is None  # the watermark never runs ahead of the data
    assert partial.version is not None and partial.version.startswith("run-1#1")
    written = [row for row in partial.rows[1:] if row[0] is not None]
    assert 0 < len(written) < rows
    for row in written:  # never a half-written row
        assert all(cell is not None for cell in row)
    assert all(all(cell is None for cell in row) for row in partial.rows[len(written) + 1 :])

    # The next run re-reads and converges.
    result = gateway.apply(partial, big_write(rows, "first", {"watermark": "w1"}), "run-2")
    done = gateway.read(book, WORKSHEET, MAPPING)
    assert len(done.rows) == rows + 1 and all(row[COLS - 1] for row in done.rows)
    assert done.state == {"watermark": "w1"} and done.version == "run-2"
    assert result.chunks >= 2
