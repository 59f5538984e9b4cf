"""Keys: a mapping keyed on a field that is not unique in Pardot fails loudly, naming the
duplicates (keys compare ignoring case); rows users duplicated are all kept updated, and the run
reports them."""

from __future__ import annotations

from gspread.utils import ValueInputOption

from .conftest import BASIC, World
from .support import Meter, assert_report_matches, column, grid_changes, live_ids

BY_EMAIL = BASIC + "key: email\n"


def test_a_key_that_is_not_unique_fails_naming_the_duplicates(world: World) -> None:
    store = world.pardot_emu.store
    upper, lower = store.special["case_dup_upper"], store.special["case_dup_lower"]
    emails = [store.prospect(i)["email"] for i in (upper, lower)]  # type: ignore[index]
    assert emails[0] != emails[1] and emails[0].casefold() == emails[1].casefold()

    report = world.run(world.mapping(BY_EMAIL))
    assert report.status == "failed"
    assert "'email'" in report.message and "not unique" in report.message
    assert str(upper) in report.message and str(lower) in report.message
    assert emails[1].casefold() in report.message.casefold()
    assert report.cells_written == 0
    sheets = {s["properties"]["title"]: s for s in world.snapshot()["sheets"]}
    assert not sheets.get("Prospects", {}).get("cells")  # no cell was written


def test_an_email_key_works_once_it_is_unique(world: World) -> None:
    store = world.pardot_emu.store
    store.purge_prospect(store.special["case_dup_upper"])
    report = world.run(world.mapping(BY_EMAIL))
    assert report.status == "ok", report.message
    emails = [e for e in column(world, "Prospects", "Email") if e]
    assert len({e.casefold() for e in emails}) == len(emails)
    world.pardot_emu.clock.advance(600)
    again = world.run(world.mapping(BY_EMAIL))
    assert again.status == "ok" and again.cells_written == 0


def test_rows_users_duplicated_are_all_kept_updated_and_reported(world: World) -> None:
    mapping = world.mapping(BASIC)
    world.run(mapping)
    ws = world.gspread_sheet("Prospects")
    grid = ws.get_values(value_render_option="UNFORMATTED_VALUE")
    copied = grid[3]  # row 4
    prospect_id = copied[0]
    last = len(grid)
    ws.update([copied], f"A{last + 2}", value_input_option=ValueInputOption.raw)
    before = world.cells("Prospects")

    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.update_prospect(prospect_id, company="Copied Row GmbH")
    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert_report_matches(report, meter.spent())
    assert report.rows_updated == 2
    warnings = " ".join(report.warnings)
    assert str(prospect_id) in warnings and f"4, {last + 2}" in warnings
    changes = grid_changes(before, world.cells("Prospects"))
    assert set(changes) == {"C4", "E4", f"C{last + 2}", f"E{last + 2}"}
    assert report.cells_written == 4
    assert world.cells("Prospects")[f"C{last + 2}"]["value"] == "Copied Row GmbH"
    assert world.cells("Prospects")["C4"]["value"] == "Copied Row GmbH"

    # Both rows stay (a full run does not remove either) and nothing flaps.
    full = world.run(mapping, full=True)
    assert full.status == "ok" and full.cells_written == 0 and full.rows_removed == 0
    assert any(str(prospect_id) in w for w in full.warnings)
    ids = [i for i in column(world, "Prospects", "Prospect ID") if i is not None]
    assert sorted(set(ids)) == live_ids(world)
    assert ids.count(prospect_id) == 2
