"""What a sync costs on the Sheets side: requests by kind, counted where they are sent."""

from __future__ import annotations

from typing import Any

import pytest

from sheetsync.sheets import CellNote, CellRun, SheetsGateway, SheetWrite, WorksheetNotFound

from .conftest import MAPPING, WORKSHEET


def seed(gateway: SheetsGateway, book_id: str, rows: int = 20) -> None:
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    runs = [CellRun(0, 0, ("id", "email", "score"))]
    runs += [CellRun(r, 0, (r, f"p{r}@example.com", r * 1.5)) for r in range(1, rows + 1)]
    gateway.apply(snap, SheetWrite(runs=runs, notes=[CellNote(0, 0, "managed")]), "seed")


def test_read_is_one_metadata_get_and_one_values_read(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    seed(gateway, book_id)
    emulator.server.reset_stats()
    gateway.counters.reset()
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    assert emulator.stats()["requests"] == {"spreadsheets.get": 1, "values.get": 1}
    counts = gateway.counters.snapshot()
    assert counts.by_kind == {"spreadsheets.get": 1, "values.get": 1}
    assert (counts.read_requests, counts.write_requests, counts.bytes_sent) == (2, 0, 0)
    assert snap.version == "seed" and len(snap.rows) == 21


def test_creating_the_worksheet_costs_one_add_sheet(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    emulator.server.reset_stats()
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING, create=True)
    assert snap.created and snap.rows == [] and snap.version is None
    assert emulator.stats()["requests"] == {"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}
    titles = [s["properties"]["title"] for s in emulator.snapshot(book_id)["sheets"]]
    assert titles == ["Sheet1", WORKSHEET]
    again = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING, create=True)
    assert not again.created and again.sheet_id == snap.sheet_id


def test_missing_worksheet_without_create(gateway: SheetsGateway, book_id: str) -> None:
    with pytest.raises(WorksheetNotFound, match=r"no worksheet 'Nope'.*'Sheet1'"):
        gateway.read(gateway.open(book_id), "Nope", MAPPING, create=False)


def test_small_apply_is_one_batch_update(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    seed(gateway, book_id)
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    emulator.server.reset_stats()
    gateway.counters.reset()
    write = SheetWrite(
        runs=[CellRun(r, 2, (99,)) for r in range(3, 9)] + [CellRun(21, 0, (21, "new", 0))],
        delete_rows=[12, 13, 17],
        min_rows=1500,
        state={"watermark": "w1"},
    )
    result = gateway.apply(snap, write, "b2")
    assert emulator.stats()["requests"] == {"spreadsheets.batchUpdate": 1}
    counts = gateway.counters.snapshot()
    assert (counts.read_requests, counts.write_requests) == (0, 1)
    assert counts.bytes_sent == emulator.stats()["bytes_received"] > 0
    assert (result.chunks, result.cells_written, result.rows_deleted) == (1, 9, 3)
    assert (result.rows_appended, result.cols_appended, result.state_written) == (500, 0, True)


def test_empty_write_sends_nothing(gateway: SheetsGateway, book_id: str, emulator: Any) -> None:
    seed(gateway, book_id)
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    emulator.server.reset_stats()
    result = gateway.apply(snap, SheetWrite(), "b2")
    assert emulator.stats()["requests"] == {}
    assert result.chunks == 0 and result.version == "seed"


def test_read_column_is_one_values_get(gateway: SheetsGateway, book_id: str, emulator: Any) -> None:
    seed(gateway, book_id, rows=5)
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    emulator.server.reset_stats()
    assert gateway.read_column(snap, 0) == ["id", 1, 2, 3, 4, 5]
    assert gateway.read_column(snap, 7) == [None] * 6  # an empty column, padded
    assert emulator.stats()["requests"] == {"values.get": 2}


def test_the_re_check_reads_key_column_header_and_tail_in_one_request(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    seed(gateway, book_id, rows=5)
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    # A user types into a row below the table (column C only) after the read.
    gateway.apply(snap, SheetWrite(runs=[CellRun(7, 2, ("mine",))]), "user")
    emulator.server.reset_stats()
    column, header, tail = gateway.read_column(snap, 0, header_row=1, tail_rows=3)
    assert column == ["id", 1, 2, 3, 4, 5] and header == ["id", "email", "score"]
    assert tail == [[None, None, None], [None, None, "mine"]]  # rows 7 and 8 (9 is empty)
    # Rows past the grid do not exist: the tail stops at the grid's last row.
    _, _, tail = gateway.read_column(snap, 0, header_row=1, tail_rows=snap.row_count + 10)
    assert len(tail) <= snap.row_count - len(snap.rows)
    assert emulator.stats()["requests"] == {"values.batchGet": 2}


def test_state_is_created_then_updated_in_place(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    gateway.apply(snap, SheetWrite(state={"watermark": "w1"}), "b1")
    snap = gateway.read(book, WORKSHEET, MAPPING)
    assert snap.state == {"watermark": "w1"} and snap.version == "b1"
    gateway.apply(snap, SheetWrite(state={"watermark": "w2", "full": True}), "b2")
    snap = gateway.read(book, WORKSHEET, MAPPING)
    assert snap.state == {"watermark": "w2", "full": True}
    other = gateway.read(book, WORKSHEET, "other-mapping")
    assert other.state is None and other.version == "b2"
    keys = sorted(m["metadataKey"] for m in emulator.snapshot(book_id)["developerMetadata"])
    assert keys == ["sheetsync.state.hot-prospects", "sheetsync.version"]
