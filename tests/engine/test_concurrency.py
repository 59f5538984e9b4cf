"""Two runs of one mapping at once (a scheduled one and an on-demand one, on two machines): both
read the sheet, then both write. The version guard lets exactly one write through; the other
re-reads, re-plans and finds (almost) nothing left to do. The sheet ends right, with no duplicated
rows."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sheetsync.engine import Engine
from sheetsync.mapping import Mapping
from sheetsync.report import RunReport

from .conftest import BASIC, World
from .support import Meter, assert_basic_row, by_id, column, fresh_engine, live_ids, state

REPLANNED = "another run wrote first"


def _hold_first_apply(
    engine: Engine, barrier: threading.Barrier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Make the engine's first write wait until the other engine is about to write too: both
    then planned from the same read, the race the guard exists for."""
    real = engine.sheets.apply
    calls = 0

    def apply(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            barrier.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine.sheets, "apply", apply)


def _race(world: World, mapping: Mapping, monkeypatch: pytest.MonkeyPatch) -> list[RunReport]:
    barrier = threading.Barrier(2)
    engines = [fresh_engine(world), fresh_engine(world)]
    for engine, _ in engines:
        _hold_first_apply(engine, barrier, monkeypatch)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(engine.run, mapping) for engine, _ in engines]
        reports = [f.result(timeout=60) for f in futures]
    for _, client in engines:
        client.close()
    return reports


def _assert_sheet_right(world: World) -> None:
    ids = [i for i in column(world, "Prospects", "Prospect ID") if i is not None]
    assert len(ids) == len(set(ids)), "a prospect is on several rows"
    assert sorted(ids) == live_ids(world)
    store = world.pardot_emu.store
    for prospect_id, row in by_id(world, "Prospects").items():
        assert_basic_row(row, store.prospect(prospect_id))  # type: ignore[arg-type]


def test_two_first_runs_at_once_fill_the_sheet_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = world.mapping(BASIC)
    reports = _race(world, mapping, monkeypatch)
    assert [r.status for r in reports] == ["ok", "ok"], [r.message for r in reports]
    replanned = [r for r in reports if any(REPLANNED in w for w in r.warnings)]
    assert len(replanned) == 1
    assert sorted(r.rows_added for r in reports) == [0, len(live_ids(world))]
    titles = [s["properties"]["title"] for s in world.snapshot()["sheets"]]
    assert titles.count("Prospects") == 1
    _assert_sheet_right(world)
    # Settled: one more run writes nothing.
    world.pardot_emu.clock.advance(600)
    assert world.run(mapping).cells_written == 0


def test_two_incremental_runs_at_once_apply_the_changes_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = world.mapping(BASIC)
    world.run(mapping)
    store = world.pardot_emu.store
    ids = live_ids(world)
    world.pardot_emu.clock.advance(600)
    store.update_prospect(ids[3], company="Raced Ltd")
    store.delete_prospect(ids[4])
    new_id = store.add_prospect(email="race@example.com", company="Newcomer", score=12)

    reports = _race(world, mapping, monkeypatch)
    assert [r.status for r in reports] == ["ok", "ok"], [r.message for r in reports]
    assert len([r for r in reports if any(REPLANNED in w for w in r.warnings)]) == 1
    winner = next(r for r in reports if not any(REPLANNED in w for w in r.warnings))
    loser = next(r for r in reports if r is not winner)
    assert (winner.rows_added, winner.rows_updated, winner.rows_removed) == (1, 1, 1)
    assert (loser.rows_added, loser.rows_updated, loser.rows_removed) == (0, 0, 0)
    assert new_id in by_id(world, "Prospects")
    _assert_sheet_right(world)


def test_a_user_sorting_while_the_run_plans_makes_it_re_plan(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the run's read and its write a user sorts the sheet (the values move, the
    version entry does not): the key-column re-check sees it, and the cells land on the rows
    their prospects are on now."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    store = world.pardot_emu.store
    changed = live_ids(world)[::50]
    world.pardot_emu.clock.advance(600)
    for number, prospect_id in enumerate(changed):
        store.update_prospect(prospect_id, company=f"Sorted Meanwhile {number}")

    engine = world.engine
    real = engine.sheets.read_column
    sorted_once = False

    def user_sorts_then_read(*args: Any, **kwargs: Any) -> Any:
        nonlocal sorted_once
        if not sorted_once:
            sorted_once = True
            ws = world.gspread_sheet("Prospects")
            grid = ws.get_values(value_render_option="UNFORMATTED_VALUE")
            rows = sorted(grid[1:], key=lambda r: -r[0])  # by id, descending
            ws.update(rows, "A2", value_input_option="RAW")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine.sheets, "read_column", user_sorts_then_read)
    report = world.run(mapping)
    assert sorted_once
    assert report.status == "ok", report.message
    assert any("re-planned" in w for w in report.warnings)
    _assert_sheet_right(world)
    ids = [i for i in column(world, "Prospects", "Prospect ID") if i is not None]
    assert ids == sorted(ids, reverse=True)  # the user's order stays


@pytest.mark.parametrize("where", ["above the rows to change", "at the end of the table"])
def test_a_user_inserting_a_row_while_the_run_plans_makes_it_re_plan(
    world: World, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Between the run's read and its write a user inserts a row of their own. The plan updates
    rows by number, removes a deleted prospect's row and appends a new one after the last used
    row: without the re-check the removal would hit the wrong row, or the new prospect would be
    written over the user's row. The run re-plans; the user's row survives."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    store = world.pardot_emu.store
    ids = live_ids(world)
    changed, deleted = ids[5::40], ids[20]
    world.pardot_emu.clock.advance(600)
    for number, prospect_id in enumerate(changed):
        store.update_prospect(prospect_id, company=f"Inserted Meanwhile {number}")
    store.delete_prospect(deleted)
    new_id = store.add_prospect(email="inserted.meanwhile@example.com", company="New", score=7)

    engine = world.engine
    real = engine.sheets.read_column
    at = 3 if where == "above the rows to change" else len(world.grid("Prospects")) + 1
    inserted = False

    def user_inserts_then_read(*args: Any, **kwargs: Any) -> Any:
        nonlocal inserted
        if not inserted:
            inserted = True
            ws = world.gspread_sheet("Prospects")
            ws.insert_row(["", "", "", "", "", "my own row"], index=at)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine.sheets, "read_column", user_inserts_then_read)
    report = world.run(mapping)
    assert inserted
    assert report.status == "ok", report.message
    assert (report.rows_updated, report.rows_removed, report.rows_added) == (len(changed), 1, 1)
    assert any("re-planned" in w for w in report.warnings)
    _assert_sheet_right(world)
    assert new_id in by_id(world, "Prospects")
    grid = world.grid("Prospects")
    own = [i for i, row in enumerate(grid) if len(row) > 5 and row[5] == "my own row"]
    assert len(own) == 1 and grid[own[0]][:5] in ([None] * 5, [""] * 5)


def test_a_sheet_that_keeps_changing_ends_in_a_conflict_with_nothing_written(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user re-sorts the sheet before every re-check of the key column (by id, descending,
    then ascending, ...): each attempt's plan is stale by the time it would be written. After
    the bounded number of re-plans the run reports a conflict, and the sheet, its state and its
    version entry are exactly as the user's last sort left them."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    store = world.pardot_emu.store
    world.pardot_emu.clock.advance(600)
    for number, prospect_id in enumerate(live_ids(world)[::40]):
        store.update_prospect(prospect_id, company=f"Never Written {number}")
    state_before = state(world, "test")

    engine = world.engine
    real = engine.sheets.read_column
    sorts = 0
    after_last_sort: dict[str, Any] = {}

    def user_sorts_then_read(*args: Any, **kwargs: Any) -> Any:
        nonlocal sorts, after_last_sort
        sorts += 1
        ws = world.gspread_sheet("Prospects")
        grid = ws.get_values(value_render_option="UNFORMATTED_VALUE")
        rows = sorted(grid[1:], key=lambda r: r[0], reverse=sorts % 2 == 1)
        ws.update(rows, "A2", value_input_option="RAW")
        after_last_sort = world.snapshot()
        return real(*args, **kwargs)

    monkeypatch.setattr(engine.sheets, "read_column", user_sorts_then_read)
    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "conflict", report.message
    assert report.retryable
    assert "kept changing" in report.message
    assert sorts == engine.max_replans
    assert [w for w in report.warnings if "re-planned" in w]
    assert report.sheets_write_requests == 0
    assert meter.spent().sheets_writes == sorts  # the user's sorts, nothing of the run's
    assert world.snapshot() == after_last_sort
    assert state(world, "test") == state_before
    companies = column(world, "Prospects", "Company")
    assert not [c for c in companies if str(c).startswith("Never Written")]

    # Once the user stops, the next run writes the changes.
    monkeypatch.setattr(engine.sheets, "read_column", real)
    again = world.run(mapping)
    assert again.status == "ok", again.message
    _assert_sheet_right(world)
