"""A prospect deleted in Pardot is removed, marked or kept, as the mapping's ``on_delete`` says;
on incremental runs (the deletion is seen through ``deleted=all``) and on full runs (a purged
prospect simply is not there any more)."""

from __future__ import annotations

import pytest

from .conftest import BASIC, World
from .support import (
    Meter,
    assert_basic_row,
    assert_report_matches,
    by_id,
    grid_changes,
    live_ids,
)


def _mapping(world: World, on_delete: str) -> str:
    return BASIC + f"on_delete: {on_delete}\n"


def _prepare(world: World, on_delete: str) -> tuple[int, int]:
    """First sync; returns (a prospect to delete, its sheet row)."""
    world.run(world.mapping(_mapping(world, on_delete)))
    victim = live_ids(world)[20]
    row = next(i for i, r in enumerate(world.grid("Prospects"), 1) if r[0] == victim)
    world.pardot_emu.clock.advance(600)
    return victim, row


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_on_delete_remove_deletes_the_row(world: World, full: bool) -> None:
    victim, row = _prepare(world, "remove")
    before = world.grid("Prospects")
    if full:
        world.pardot_emu.store.purge_prospect(victim)
    else:
        world.pardot_emu.store.delete_prospect(victim)
    meter = Meter(world)
    report = world.run(world.mapping(_mapping(world, "remove")), full=full)
    assert report.status == "ok", report.message
    assert report.mode == ("full" if full else "incremental")
    assert (report.rows_removed, report.rows_marked, report.rows_updated) == (1, 0, 0)
    assert report.sheets_write_requests == 1
    assert_report_matches(report, meter.spent())
    # Exactly that row is gone; the rows below moved up by one.
    assert world.grid("Prospects") == before[: row - 1] + before[row:]


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_on_delete_mark_says_deleted_in_pardot(world: World, full: bool) -> None:
    victim, _ = _prepare(world, "mark")
    before = world.cells("Prospects")
    header = world.grid("Prospects")[0]
    assert header[-1] == "Sync status"
    status_col = "F"
    if full:
        world.pardot_emu.store.purge_prospect(victim)
    else:
        world.pardot_emu.store.delete_prospect(victim)
    report = world.run(world.mapping(_mapping(world, "mark")), full=full)
    assert report.status == "ok", report.message
    assert (report.rows_removed, report.rows_marked) == (0, 1)
    rows = by_id(world, "Prospects")
    assert rows[victim]["Sync status"] == "deleted in Pardot"
    assert [r["Sync status"] for i, r in rows.items() if i != victim] == [None] * (len(rows) - 1)
    changes = grid_changes(before, world.cells("Prospects"))
    assert [name[0] for name in changes] == [status_col]  # only the status cell was written

    # Marked once is enough: the next runs leave the row as it is.
    world.pardot_emu.clock.advance(600)
    again = world.run(world.mapping(_mapping(world, "mark")), full=full)
    assert again.status == "ok" and again.cells_written == 0 and again.rows_marked == 0


def test_a_restored_prospect_loses_its_mark(world: World) -> None:
    victim, _ = _prepare(world, "mark")
    store = world.pardot_emu.store
    store.delete_prospect(victim)
    world.run(world.mapping(_mapping(world, "mark")))
    assert by_id(world, "Prospects")[victim]["Sync status"] == "deleted in Pardot"
    world.pardot_emu.clock.advance(600)
    store.undelete_prospect(victim)
    report = world.run(world.mapping(_mapping(world, "mark")))
    assert report.status == "ok", report.message
    assert by_id(world, "Prospects")[victim]["Sync status"] is None


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_on_delete_keep_leaves_the_row(world: World, full: bool) -> None:
    victim, _ = _prepare(world, "keep")
    before = world.cells("Prospects")
    if full:
        world.pardot_emu.store.purge_prospect(victim)
    else:
        world.pardot_emu.store.delete_prospect(victim)
    meter = Meter(world)
    report = world.run(world.mapping(_mapping(world, "keep")), full=full)
    assert report.status == "ok", report.message
    assert (report.rows_removed, report.rows_marked, report.cells_written) == (0, 0, 0)
    assert victim in by_id(world, "Prospects")
    # (The run may store its state, an hour's worth of watermark; no cell changes.)
    assert_report_matches(report, meter.spent())
    assert world.cells("Prospects") == before


@pytest.mark.parametrize("include", [True, False], ids=["include_deleted", "exclude_deleted"])
def test_include_deleted_decides_whether_recycle_bin_prospects_stay(
    world: World, include: bool
) -> None:
    """``source.include_deleted: true`` shows prospects in Pardot's recycle bin like any other
    (the first run writes them, a prospect moved to the bin keeps its row, updated); ``false``
    leaves them out (a prospect moved there loses its row, one restored comes back)."""
    flag = "true" if include else "false"
    text = BASIC.replace(
        "  object: prospects\n", f"  object: prospects\n  include_deleted: {flag}\n"
    )
    store = world.pardot_emu.store
    in_bin = store.ids("prospects", deleted=True)
    assert in_bin  # the generated data has some

    def expected() -> list[int]:
        return store.ids("prospects", deleted="all") if include else live_ids(world)

    def assert_rows_right() -> None:
        rows = by_id(world, "Prospects")
        assert sorted(rows) == expected()
        for prospect_id, row in rows.items():
            assert_basic_row(row, store.prospect(prospect_id))  # type: ignore[arg-type]

    first = world.run(world.mapping(text))
    assert first.status == "ok", first.message
    assert first.rows_added == len(expected())
    assert_rows_right()

    binned, restored = live_ids(world)[10], in_bin[0]
    world.pardot_emu.clock.advance(600)
    store.delete_prospect(binned)  # both bump updatedAt: the incremental run reads them
    store.undelete_prospect(restored)
    report = world.run(world.mapping(text))
    assert report.status == "ok", report.message
    assert report.mode == "incremental"
    if include:
        assert (report.rows_added, report.rows_removed, report.rows_updated) == (0, 0, 2)
        assert binned in by_id(world, "Prospects")
    else:
        assert (report.rows_added, report.rows_removed, report.rows_updated) == (1, 1, 0)
        assert binned not in by_id(world, "Prospects")
        assert restored in by_id(world, "Prospects")
    assert_rows_right()

    # A full run agrees with what the incremental one did.
    world.pardot_emu.clock.advance(600)
    full = world.run(world.mapping(text), full=True)
    assert full.status == "ok" and full.cells_written == 0
