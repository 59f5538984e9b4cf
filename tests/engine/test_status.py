"""The status tab (`status: {worksheet: ...}`): one line per mapping, written in the same atomic
write as the data, found by the mapping's name (users may sort either tab), an error line for a
run that did not succeed, and nothing at all written by a run with nothing to change."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from gspread.utils import ValueInputOption

from .conftest import BASIC, SHEET_ID, World
from .support import Meter, assert_report_matches, grid_changes, live_ids

STATUS = "Sync runs"
SCHEDULED = """
time_zone: America/New_York
schedule: "*/15 7-19 * * 1-5"
status:
  worksheet: Sync runs
"""
HEADERS = [
    "Mapping",
    "Last successful sync",
    "Mode",
    "Rows added",
    "Rows updated",
    "Rows removed",
    "Next run",
    "Last error",
]
CAMPAIGNS = f"""
spreadsheet: {SHEET_ID}
worksheet: Campaigns
source:
  object: campaigns
status:
  worksheet: Sync runs
columns:
  - field: id
    header: Campaign ID
  - field: name
    header: Campaign
"""


def lines(world: World) -> dict[str, dict[str, Any]]:
    """The status tab's lines by mapping name, as header -> value (found by header text)."""
    grid = world.grid(STATUS)
    header = grid[0]
    found: dict[str, dict[str, Any]] = {}
    for row in grid[1:]:
        cells = dict(zip(header, row + [None] * (len(header) - len(row)), strict=True))
        if cells.get("Mapping"):
            found[str(cells["Mapping"])] = cells
    return found


def test_a_run_writes_its_status_line_in_the_same_write_as_the_data(world: World) -> None:
    mapping = world.mapping(BASIC + SCHEDULED)
    meter = Meter(world)
    report = world.run(mapping)
    spent = meter.spent()
    assert report.status == "ok", report.message
    assert_report_matches(report, spent)
    # Data, state and the new status tab in one batchUpdate (plus the data tab's creation).
    assert spent.sheets["spreadsheets.batchUpdate"] == 2
    assert world.grid(STATUS)[0] == HEADERS
    # The clock is 17:00 UTC on Monday 2 November 2026: 12:00 in New York, and the schedule
    # (every 15 minutes from 7:00 to 19:45 on weekdays) fires next at 12:15.
    assert lines(world) == {
        "test": {
            "Mapping": "test",
            "Last successful sync": "2026-11-02 12:00 EST",
            "Mode": "full",
            "Rows added": report.rows_added,
            "Rows updated": 0,
            "Rows removed": 0,
            "Next run": "2026-11-02 12:15 EST",
            "Last error": None,
        }
    }
    assert report.rows_added == len(world.grid("Prospects")) - 1


def test_a_run_with_nothing_to_change_writes_nothing_not_even_its_status(world: World) -> None:
    mapping = world.mapping(BASIC + SCHEDULED)
    world.run(mapping)
    before = world.snapshot()
    world.pardot_emu.clock.advance(600)
    meter = Meter(world)
    report = world.run(mapping)
    spent = meter.spent()
    assert report.status == "ok" and report.cells_written == 0
    assert spent.sheets_writes == 0 and report.sheets_write_requests == 0
    # The status tab came in the same values read as the data: no extra request.
    assert spent.sheets_reads == 2 and spent.sheets["values.batchGet"] == 1
    assert world.snapshot() == before


def test_the_status_line_is_found_by_name_whatever_users_sort(world: World) -> None:
    """Two mappings share the status tab. Users sort the data tab, then sort the status tab
    and move its columns: each run still updates its own line, and only it."""
    prospects = world.mapping(BASIC + SCHEDULED, name="prospects")
    campaigns = world.mapping(CAMPAIGNS, name="campaigns")
    assert world.run(prospects).status == "ok"
    assert world.run(campaigns).status == "ok"
    assert set(lines(world)) == {"prospects", "campaigns"}
    campaigns_line = lines(world)["campaigns"]

    data = world.gspread_sheet("Prospects")
    rows = data.get_values(value_render_option="UNFORMATTED_VALUE")
    data.update(
        sorted(rows[1:], key=lambda r: str(r[1])), "A2", value_input_option=ValueInputOption.raw
    )
    status = world.gspread_sheet(STATUS)
    grid = status.get_values(value_render_option="UNFORMATTED_VALUE")
    # Sorted by mapping name (the prospects line, written first, moves down to row 3) and
    # the "Mode" column moved to the far right.
    assert grid[1][0] == "prospects"
    body = sorted(grid[1:], key=lambda r: str(r[0]))
    moved = [[*r[:2], *r[3:], r[2]] for r in [grid[0], *body]]
    status.update(moved, "A1", value_input_option=ValueInputOption.raw)
    assert world.grid(STATUS)[2][0] == "prospects"

    world.pardot_emu.clock.advance(600)
    changed = live_ids(world)[:2]
    for prospect_id in changed:
        world.pardot_emu.store.update_prospect(prospect_id, company="Sorted Sheets Ltd")
    before = world.cells(STATUS)
    report = world.run(prospects)
    assert report.status == "ok", report.message
    assert report.rows_updated == 2
    now = lines(world)
    assert now["campaigns"] == campaigns_line
    assert now["prospects"]["Rows updated"] == 2 and now["prospects"]["Mode"] == "incremental"
    assert now["prospects"]["Last successful sync"] == "2026-11-02 12:10 EST"
    assert world.grid(STATUS)[0] == [*HEADERS[:2], *HEADERS[3:], "Mode"]  # as users left it
    # Only cells of the prospects line changed (the time and the counts).
    changed_cells = set(grid_changes(before, world.cells(STATUS)))
    assert changed_cells and all(name.endswith("3") for name in changed_cells)


def test_a_failed_run_writes_only_its_error_line_and_the_next_success_clears_it(
    world: World,
) -> None:
    mapping = world.mapping(BASIC + SCHEDULED)
    world.run(mapping)
    good = lines(world)["test"]
    world.gspread_sheet("Prospects").update([["Email"]], "H1")  # a duplicated managed header
    data_before = world.cells("Prospects")
    status_before = world.cells(STATUS)
    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.update_prospect(live_ids(world)[0], company="Not Written Ltd")

    meter = Meter(world)
    failed = world.run(mapping)
    spent = meter.spent()
    assert failed.status == "failed" and "'Email'" in failed.message
    assert_report_matches(failed, spent)
    assert spent.sheets_writes == 1  # the error line alone, in one small write
    assert world.cells("Prospects") == data_before
    changes = grid_changes(status_before, world.cells(STATUS))
    assert set(changes) == {"H2"}  # "Last error" of this mapping's line, nothing else
    error = lines(world)["test"]["Last error"]
    assert error.startswith("2026-11-02 12:10 EST: ") and failed.message in error
    assert {k: v for k, v in lines(world)["test"].items() if k != "Last error"} == {
        k: v for k, v in good.items() if k != "Last error"
    }

    # Fixed by the user; the change made meanwhile is written and the error line cleared.
    world.gspread_sheet("Prospects").update([[""]], "H1")
    world.pardot_emu.clock.advance(60)
    report = world.run(mapping)
    assert report.status == "ok" and report.rows_updated == 1
    assert lines(world)["test"]["Last error"] is None
    assert lines(world)["test"]["Rows updated"] == 1


def test_a_run_with_nothing_to_change_clears_an_old_error_with_one_small_write(
    world: World,
) -> None:
    """The write that clears the error shows this run whole: a line with an empty error beside
    the sync time and "Next run" of the run before the failure would say the sync is stale."""
    mapping = world.mapping(BASIC + SCHEDULED)
    world.run(mapping)  # 12:00 EST, full; "Next run" 12:15
    world.gspread_sheet("Prospects").update([["Email"]], "H1")
    world.pardot_emu.clock.advance(600)
    assert world.run(mapping).status == "failed"  # 12:10: the error alone is written
    assert lines(world)["test"]["Last successful sync"] == "2026-11-02 12:00 EST"
    world.gspread_sheet("Prospects").update([[""]], "H1")
    before = world.cells(STATUS)
    # 12:40: past the old line's "Next run", so a stale one would show in the past.
    world.pardot_emu.clock.advance(1800)
    meter = Meter(world)
    report = world.run(mapping)
    spent = meter.spent()
    assert report.status == "ok" and report.cells_written == 0
    assert_report_matches(report, spent)
    assert spent.sheets_writes == 1 and spent.sheets["spreadsheets.batchUpdate"] == 1
    assert lines(world)["test"] == {
        "Mapping": "test",
        "Last successful sync": "2026-11-02 12:40 EST",
        "Mode": "incremental",
        "Rows added": 0,
        "Rows updated": 0,
        "Rows removed": 0,
        "Next run": "2026-11-02 12:45 EST",
        "Last error": None,
    }
    shown = datetime.strptime(lines(world)["test"]["Next run"][:16], "%Y-%m-%d %H:%M")
    zone = ZoneInfo("America/New_York")
    assert shown.replace(tzinfo=zone) > world.pardot_emu.clock.now()
    # Only this mapping's line changed (row 2), nothing else on the tab.
    changed_cells = set(grid_changes(before, world.cells(STATUS)))
    assert "H2" in changed_cells and all(name.endswith("2") for name in changed_cells)
    # And once cleared, the next quiet run writes nothing again.
    world.pardot_emu.clock.advance(60)
    quiet = world.cells(STATUS)
    meter = Meter(world)
    assert world.run(mapping).status == "ok"
    assert meter.spent().sheets_writes == 0
    assert world.cells(STATUS) == quiet


def test_a_refused_plan_shows_its_reason_on_the_status_line(world: World) -> None:
    """A refused plan (too many removals) writes no data; its reason is on the status line."""
    mapping = world.mapping(BASIC + SCHEDULED + "max_remove_percent: 1\n")
    world.run(mapping)
    world.pardot_emu.clock.advance(600)
    for prospect_id in live_ids(world)[:30]:
        world.pardot_emu.store.delete_prospect(prospect_id)
    data_before = world.cells("Prospects")
    report = world.run(mapping)
    assert report.status == "refused"
    assert world.cells("Prospects") == data_before
    assert "would remove 30" in lines(world)["test"]["Last error"]


def test_a_status_tab_and_a_history_created_in_the_same_write_get_their_own_ids(
    world: World,
) -> None:
    """Two tab titles made of the same letters (the new tabs' ids derive from the title)."""
    extra = "status: {worksheet: Runs}\nchangelog: {worksheet: nuRs}\n"
    report = world.run(world.mapping(BASIC + extra))
    assert report.status == "ok", report.message
    sheets = world.snapshot()["sheets"]
    ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in sheets}
    assert {"Runs", "nuRs", "Prospects"} <= set(ids) and len(set(ids.values())) == len(ids)
    assert world.grid("Runs")[1][0] == "test" and world.grid("nuRs")[1][6]
