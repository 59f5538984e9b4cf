"""Running the same sync twice writes nothing the second time; after a full run every managed cell
is what the mapping says, whatever order rows and columns are in; Pardot text is never a formula."""

from __future__ import annotations

import random

from .conftest import BASIC, World
from .support import Meter, assert_basic_row, assert_report_matches, by_id, live_ids


def test_a_second_sync_writes_no_cell_and_sends_no_write_request(world: World) -> None:
    mapping = world.mapping(BASIC)
    meter = Meter(world)
    first = world.run(mapping)
    assert first.status == "ok", first.message
    assert_report_matches(first, meter.spent())
    before = world.cells("Prospects")

    world.pardot_emu.clock.advance(600)
    meter = Meter(world)
    second = world.run(mapping)
    spent = meter.spent()

    assert second.status == "ok", second.message
    assert second.mode == "incremental"
    assert second.cells_written == 0
    assert second.sheets_write_requests == 0
    assert spent.sheets_writes == 0
    assert_report_matches(second, spent)
    assert world.cells("Prospects") == before


def test_repeated_syncs_after_a_change_settle_to_no_writes(world: World) -> None:
    mapping = world.mapping(BASIC)
    world.run(mapping)
    changed = live_ids(world)[7]
    world.pardot_emu.clock.advance(300)
    world.pardot_emu.store.update_prospect(changed, company="Initech Rebranded")

    update = world.run(mapping)
    assert update.status == "ok", update.message
    assert (update.rows_updated, update.cells_written) == (1, 2)  # company + updatedAt
    for _ in range(2):
        world.pardot_emu.clock.advance(300)
        meter = Meter(world)
        again = world.run(mapping)
        spent = meter.spent()
        assert again.status == "ok" and again.cells_written == 0
        assert spent.sheets_writes == 0
        assert_report_matches(again, spent)


def test_a_full_run_makes_every_managed_cell_right_whatever_the_order(world: World) -> None:
    """Users shuffle the rows and move the columns; a full run finds columns by header text and
    rows by key, and every managed cell then equals the record (an oracle independent of the
    engine's transform). Nothing is rewritten where nothing differs."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    ws = world.gspread_sheet("Prospects")
    grid = ws.get_values(value_render_option="UNFORMATTED_VALUE")
    header, rows = grid[0], grid[1:]
    random.Random(3).shuffle(rows)
    order = [4, 2, 0, 3, 1]  # Updated, Company, Prospect ID, Score, Email
    moved = [[row[i] for i in order] for row in [header, *rows]]
    ws.update(moved, "A1", value_input_option="RAW")

    meter = Meter(world)
    full = world.run(mapping, full=True)
    spent = meter.spent()
    assert full.status == "ok", full.message
    assert full.mode == "full"
    assert full.cells_written == 0 and spent.sheets_writes == 0
    assert_report_matches(full, spent)
    assert world.grid("Prospects")[0][:5] == [header[i] for i in order]
    rows_now = by_id(world, "Prospects")
    assert sorted(rows_now) == live_ids(world)
    store = world.pardot_emu.store
    for prospect_id, row in rows_now.items():
        assert_basic_row(row, store.prospect(prospect_id))  # type: ignore[arg-type]


def test_text_from_pardot_is_never_evaluated_as_a_formula(world: World) -> None:
    mapping = world.mapping(BASIC)
    world.run(mapping)
    store = world.pardot_emu.store
    formula_id = store.special["formula"]
    company = store.prospect(formula_id)["company"]  # type: ignore[index]
    assert str(company).startswith("=")
    cells = world.cells("Prospects")
    row = next(
        name[1:] for name, cell in cells.items() if name[0] == "A" and cell["value"] == formula_id
    )
    shown = cells[f"C{row}"]
    assert shown["value"] == company
    assert shown["type"] == "string"  # not "formula"

    # The same through an update, not only for new rows.
    world.pardot_emu.clock.advance(300)
    store.update_prospect(formula_id, company="=1+1")
    world.run(mapping)
    shown = world.cells("Prospects")[f"C{row}"]
    assert (shown["value"], shown["type"]) == ("=1+1", "string")
