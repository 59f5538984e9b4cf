"""The periodic full run repairs what users broke in managed columns (an overwritten cell, a
deleted row); incremental runs before it leave those alone. A title row above the header row is
never touched."""

from __future__ import annotations

from gspread.utils import ValueInputOption

from .conftest import BASIC, World
from .support import Meter, assert_basic_row, by_id, grid_changes, live_ids, records

EVERY_2H = BASIC + "full_sync_every_hours: 2\n"


def test_the_periodic_full_run_repairs_an_overwritten_cell_and_a_deleted_row(
    world: World,
) -> None:
    mapping = world.mapping(EVERY_2H)
    assert world.run(mapping).status == "ok"
    synced = by_id(world, "Prospects")
    grid = world.grid("Prospects")
    overwritten, deleted = grid[4][0], grid[6][0]  # rows 5 and 7
    ws = world.gspread_sheet("Prospects")
    ws.update([["HACKED"]], "C5", value_input_option=ValueInputOption.raw)
    ws.delete_rows(7)
    broken = world.cells("Prospects")

    # An hour later: incremental. Pardot did not change those prospects, so nothing is written.
    world.pardot_emu.clock.advance(3600)
    meter = Meter(world)
    incremental = world.run(mapping)
    assert incremental.status == "ok", incremental.message
    assert incremental.mode == "incremental"
    assert incremental.cells_written == 0 and meter.spent().sheets_writes == 0
    assert world.cells("Prospects") == broken

    # Past the interval: the full reconcile repairs both, and changes nothing else.
    world.pardot_emu.clock.advance(3600 + 60)
    full = world.run(mapping)
    assert full.status == "ok", full.message
    assert full.mode == "full"
    assert full.full_reason is not None and "older than 2 h" in full.full_reason
    assert (full.rows_added, full.rows_updated, full.rows_removed) == (1, 1, 0)
    assert world.cells("Prospects")["C5"]["value"] == synced[overwritten]["Company"]
    rows = by_id(world, "Prospects")
    assert rows == synced
    assert world.grid("Prospects")[-1][0] == deleted  # re-added at the end
    changes = grid_changes(broken, world.cells("Prospects"))
    last = len(world.grid("Prospects"))
    assert set(changes) == {"C5"} | {f"{c}{last}" for c in "ABCDE"}

    # The full run was recorded: the next run is incremental again.
    world.pardot_emu.clock.advance(600)
    after = world.run(mapping)
    assert (after.mode, after.cells_written) == ("incremental", 0)


TITLED = BASIC + "header_row: 2\n"
TITLE_FORMAT = {
    "backgroundColor": {"red": 0.2, "green": 0.4, "blue": 0.8},
    "textFormat": {"bold": True},
}


def _titled_sheet(world: World, title: list[str]) -> dict[str, dict[str, object]]:
    """A worksheet whose row 1 is a user's title (text, a formula, colours, a note); returns
    the title row's cells as the emulator shows them."""
    book = world.sheets_emu.gspread_client().open_by_key(world.snapshot()["spreadsheetId"])
    ws = book.add_worksheet("Prospects", rows=1000, cols=26)
    ws.update([title], "A1", value_input_option=ValueInputOption.user_entered)
    ws.format("A1:F1", TITLE_FORMAT)
    ws.insert_note("A1", "ask Kim before changing this sheet")
    return _row1(world)


def _row1(world: World) -> dict[str, dict[str, object]]:
    return {n: c for n, c in world.cells("Prospects").items() if n[1:] == "1"}


def test_a_title_row_above_the_header_is_never_touched(world: World) -> None:
    # A whole-column reference: Sheets itself rewrites a bounded range such as E3:E2000 when a
    # row inside it is deleted, and this test is about what sheetsync writes.
    title = _titled_sheet(world, ["Q4 pipeline (synced from Pardot)", "", "", "=COUNTA(E:E)-1"])
    assert title["D1"]["type"] == "formula"
    mapping = world.mapping(TITLED)
    first = world.run(mapping)
    assert first.status == "ok", first.message
    header = [h for h in world.grid("Prospects")[1] if h is not None]
    assert header == ["Prospect ID", "Email", "Company", "Score", "Updated"]
    store = world.pardot_emu.store
    assert sorted(by_id(world, "Prospects", header_row=2)) == live_ids(world)
    assert _row1(world) == title

    # Changes, a deletion (row removed) and a new prospect, incrementally, then a full run.
    ids = live_ids(world)
    world.pardot_emu.clock.advance(600)
    store.update_prospect(ids[0], company="Title Row Test Ltd")
    store.delete_prospect(ids[1])
    new_id = store.add_prospect(email="title.row@example.com", company="Appended Co", score=51)
    incremental = world.run(mapping)
    assert incremental.status == "ok", incremental.message
    assert (incremental.rows_updated, incremental.rows_removed, incremental.rows_added) == (1, 1, 1)
    full = world.run(mapping, full=True)
    assert full.status == "ok" and full.cells_written == 0

    assert _row1(world) == title
    assert [h for h in world.grid("Prospects")[1] if h is not None] == header
    rows = by_id(world, "Prospects", header_row=2)
    assert sorted(rows) == live_ids(world) and new_id in rows
    assert all(r.get("Prospect ID") is not None for r in records(world, "Prospects", 2))
    for prospect_id in (ids[0], new_id):
        assert_basic_row(rows[prospect_id], store.prospect(prospect_id))  # type: ignore[arg-type]


def test_a_title_row_does_not_push_the_table_to_the_right(world: World) -> None:
    """Rows above the header row are not part of the table: a title in A1 (and a formula in
    D1) must not make the first sync start its headers right of the title's last cell."""
    _titled_sheet(world, ["Q4 pipeline (synced from Pardot)", "", "", "=COUNTA(A3:A2000)"])
    report = world.run(world.mapping(TITLED))
    assert report.status == "ok", report.message
    assert world.grid("Prospects")[1][:5] == ["Prospect ID", "Email", "Company", "Score", "Updated"]
