"""Run boundaries: the per-run Pardot cap, the daily limit across mappings, no worksheet created
for a run that fails, a state that reflects the winner after a guard conflict."""

from __future__ import annotations

import dataclasses

from sheetsync.emulator.httpbase import Fault

from .conftest import BASIC, SHEET_ID, World
from .support import Meter


def second_mapping(world: World) -> str:
    return BASIC.replace("worksheet: Prospects", "worksheet: Other")


def test_the_pardot_call_cap_counts_per_run(world: World) -> None:
    mapping = world.mapping(BASIC)
    assert world.run(mapping).status == "ok"
    world.pardot.config = dataclasses.replace(world.pardot.config, max_calls_per_run=1)
    before = world.pardot.stats.total
    for _ in range(3):  # an incremental run spends 1 call (the catalogue is cached)
        report = world.run(mapping)
        assert report.status == "ok", report.message
        assert report.pardot_calls == 1
    assert world.pardot.stats.total - before == 3  # three times the cap in all


def test_after_the_daily_limit_the_other_mappings_are_not_started(world: World) -> None:
    first = world.mapping(BASIC, name="a")
    other = world.mapping(second_mapping(world), name="b")
    world.pardot_emu.server.add_faults(
        Fault(kind="error", code=122, target="custom-fields.query", times=50)
    )
    meter = Meter(world)
    reports = world.engine.run_all([first, other])
    assert [r.status for r in reports] == ["failed", "failed"]
    assert "Daily API rate limit met" in reports[0].message
    assert reports[1].message.startswith("not started")
    # The token, then the one call that met the limit; nothing for the second mapping.
    assert meter.spent().pardot == {"token": 1, "custom-fields.query": 1}
    # A later run (the next day) tries again.
    world.pardot_emu.server.clear_faults()
    assert world.engine.run(other).status == "ok"


def test_a_run_that_fails_before_writing_creates_no_worksheet(world: World) -> None:
    mapping = world.mapping(BASIC.replace("key: id", "") + "key: email\n")
    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "failed" and "not unique" in report.message
    assert meter.spent().sheets_writes == 0
    titles = [s["properties"]["title"] for s in world.snapshot(SHEET_ID)["sheets"]]
    assert "Prospects" not in titles


def test_dry_run_on_a_missing_worksheet_plans_everything_and_writes_nothing(world: World) -> None:
    mapping = world.mapping(BASIC)
    meter = Meter(world)
    report = world.engine.run(mapping, dry_run=True)
    assert report.status == "ok" and report.mode == "dry_run"
    assert report.rows_added == len(world.pardot_emu.store.ids("prospects", deleted=False))
    assert meter.spent().sheets_writes == 0


def test_a_custom_field_created_after_the_catalogue_was_read_is_found(world: World) -> None:
    mapping = world.mapping(BASIC)
    assert world.run(mapping).status == "ok"  # the client has read (and cached) the catalogue
    api = world.pardot_emu.store.add_custom_field("region", "Region")
    some = world.pardot_emu.store.ids("prospects", deleted=False)[0]
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(some, **{api: "EMEA"})
    extended = world.mapping(BASIC + f"  - field: {api}\n    header: Region\n")
    report = world.run(extended)
    assert report.status == "ok", report.message
    assert report.full_reason == "the mapping changed"
    grid = world.grid("Prospects")
    col = grid[0].index("Region")
    assert [row[col] for row in grid[1:] if row[0] == some] == ["EMEA"]
