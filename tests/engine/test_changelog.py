"""The change history (`changelog: {worksheet: ..., keep_rows: N}`): exactly the cells a run
changed, one line per added and removed row, appended in the run's own write, trimmed to
keep_rows from the oldest end."""

from __future__ import annotations

from typing import Any

from .conftest import BASIC, World
from .support import Meter, by_id, live_ids

HISTORY = "History"
HEADERS = ["Time", "Prospect ID", "Email", "Column", "Old value", "New value", "Run"]


def changelog(keep_rows: int = 5000) -> str:
    return f"""
time_zone: Europe/Paris
changelog:
  worksheet: {HISTORY}
  keep_rows: {keep_rows}
"""


def history(world: World) -> list[dict[str, Any]]:
    grid = world.grid(HISTORY)
    assert grid[0] == HEADERS
    return [dict(zip(HEADERS, row + [None] * (7 - len(row)), strict=True)) for row in grid[1:]]


def test_the_first_run_records_one_line_per_added_row(world: World) -> None:
    mapping = world.mapping(BASIC + changelog())
    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert meter.spent().sheets["spreadsheets.batchUpdate"] == 2  # the data tab's creation + 1
    lines = history(world)
    synced = by_id(world, "Prospects")
    assert len(lines) == report.rows_added == len(synced)
    assert {line["Prospect ID"] for line in lines} == set(synced)
    for line in lines:
        assert line["Column"] is None and line["Old value"] is None
        assert line["New value"] == "row added"
        assert line["Email"] == synced[line["Prospect ID"]]["Email"]
        assert line["Time"] == "2026-11-02 18:00 CET"  # 17:00 UTC, in the mapping's zone
    assert len({line["Run"] for line in lines}) == 1


def test_the_history_holds_exactly_the_changed_cells(world: World) -> None:
    mapping = world.mapping(BASIC + changelog())
    world.run(mapping)
    before = by_id(world, "Prospects")
    first_run = len(history(world))

    world.pardot_emu.clock.advance(600)
    store = world.pardot_emu.store
    ids = live_ids(world)
    store.update_prospect(ids[0], company="Changed Co")
    store.update_prospect(ids[1], company="Other Co", score=99)
    store.update_prospect(ids[2], email="moved@example.com")
    store.delete_prospect(ids[3])
    new_id = store.add_prospect(email="new.one@example.com", company="New Co", score=10)
    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert meter.spent().sheets_writes == 1  # data, history and state in one write
    after = by_id(world, "Prospects")

    # What changed in the sheet, seen from the grid alone (no engine code).
    expected = {
        (prospect_id, header)
        for prospect_id, row in after.items()
        if prospect_id in before
        for header, value in row.items()
        if before[prospect_id].get(header) != value
    }
    lines = history(world)[first_run:]
    cells = [line for line in lines if line["Column"] is not None]
    assert len(cells) == len(expected) == report.cells_written - len(BASIC_HEADERS)
    assert {(line["Prospect ID"], line["Column"]) for line in cells} == expected
    for line in cells:
        if line["Column"] in ("Company", "Email", "Score"):
            old = before[line["Prospect ID"]][line["Column"]]
            new = after[line["Prospect ID"]][line["Column"]]
            assert (line["Old value"], line["New value"]) == (old, new)
        else:  # the Updated column: a datetime, shown as text rather than a serial number
            assert str(line["New value"]).startswith("2026-11-02 ")
        assert line["Email"] == after[line["Prospect ID"]]["Email"]
    rows = [(line["Prospect ID"], line["New value"]) for line in lines if line["Column"] is None]
    assert sorted(rows) == sorted(
        [(new_id, "row added"), (ids[3], "row removed (deleted in Pardot)")]
    )
    assert {line["Run"] for line in lines} != {history(world)[0]["Run"]}
    assert {line["Time"] for line in lines} == {"2026-11-02 18:10 CET"}

    # Nothing changed since: nothing is written, the history stays as it is.
    world.pardot_emu.clock.advance(60)
    meter = Meter(world)
    assert world.run(mapping).status == "ok"
    assert meter.spent().sheets_writes == 0
    assert len(history(world)) == first_run + len(lines)


BASIC_HEADERS = ["Prospect ID", "Email", "Company", "Score", "Updated"]  # a new row's cells


def test_the_oldest_lines_are_trimmed_past_keep_rows(world: World) -> None:
    mapping = world.mapping(BASIC + changelog(keep_rows=4))
    report = world.run(mapping)
    # 600 rows added, 4 lines kept: the last four of the run.
    lines = history(world)
    assert len(lines) == 4 and report.rows_added > 4
    synced = list(by_id(world, "Prospects"))
    assert [line["Prospect ID"] for line in lines] == synced[-4:]

    world.pardot_emu.clock.advance(600)
    ids = live_ids(world)
    world.pardot_emu.store.update_prospect(ids[0], company="Trimmed Ltd")
    world.pardot_emu.store.update_prospect(ids[1], company="Kept Ltd")
    world.run(mapping)
    # Two lines per prospect (Company and Updated): four new lines push all old ones out.
    lines = history(world)
    assert len(lines) == 4
    assert {line["Column"] for line in lines} == {"Company", "Updated"}
    assert {line["New value"] for line in lines if line["Column"] == "Company"} == {
        "Trimmed Ltd",
        "Kept Ltd",
    }
    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.update_prospect(ids[2], score=1)
    world.run(mapping)
    lines = history(world)
    assert len(lines) == 4  # two old lines dropped from the top, two new ones at the bottom
    assert [line["Column"] for line in lines[2:]] == ["Score", "Updated"]
    assert lines[0]["Time"] < lines[2]["Time"]
    assert len(world.grid(HISTORY)) == 5
