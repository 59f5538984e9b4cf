"""Mappings change: a changed mapping triggers a full run and rewrites the managed header notes;
a renamed or removed column leaves the old sheet column to the users; a change that shows no
different cell (the schedule) does not; a mapping naming an unknown field fails before any write,
naming the file, the line and the closest field."""

from __future__ import annotations

import textwrap

from .conftest import BASIC, World
from .support import Meter, assert_report_matches, by_id, grid_changes, live_ids

WITH_CITY = BASIC + "  - field: city\n    header: City\n"


def _notes(world: World) -> dict[str, str | None]:
    """Header text -> its note, for row 1."""
    cells = world.cells("Prospects")
    return {c["value"]: c.get("note") for n, c in cells.items() if n[1:] == "1"}


def _is_managed_note(note: str | None, field: str) -> bool:
    return bool(note) and "sheetsync" in str(note) and f"field {field}" in str(note)


def test_a_changed_mapping_runs_full_and_rewrites_the_header_notes(world: World) -> None:
    world.run(world.mapping(BASIC))
    fields = {"Prospect ID": "id", "Email": "email", "Company": "company", "Score": "score"}
    assert all(_is_managed_note(_notes(world)[h], f) for h, f in fields.items())
    ws = world.gspread_sheet("Prospects")
    ws.clear_note("A1")
    ws.update_note("C1", "who wrote this?")
    world.pardot_emu.clock.advance(600)

    meter = Meter(world)
    report = world.run(world.mapping(WITH_CITY))
    assert report.status == "ok", report.message
    assert report.mode == "full"
    assert report.full_reason == "the mapping changed"
    assert_report_matches(report, meter.spent())
    notes = _notes(world)
    assert world.grid("Prospects")[0] == [
        "Prospect ID",
        "Email",
        "Company",
        "Score",
        "Updated",
        "City",
    ]
    for header, field in {**fields, "Updated": "updatedAt", "City": "city"}.items():
        assert _is_managed_note(notes[header], field), (header, notes[header])
    store = world.pardot_emu.store
    rows = by_id(world, "Prospects")
    assert {i: r.get("City") for i, r in rows.items()} == {
        i: store.prospect(i)["city"] or None  # type: ignore[index]
        for i in live_ids(world)
    }
    # The new hash is stored: the next run is incremental again and writes nothing.
    again = world.run(world.mapping(WITH_CITY))
    assert (again.mode, again.cells_written, again.sheets_write_requests) == ("incremental", 0, 0)


def test_an_operational_change_is_no_mapping_change(world: World) -> None:
    world.run(world.mapping(BASIC))
    world.pardot_emu.clock.advance(600)
    report = world.run(world.mapping(BASIC + 'schedule: "*/15 * * * *"\nmax_remove_percent: 10\n'))
    assert report.status == "ok", report.message
    assert (report.mode, report.full_reason) == ("incremental", None)
    assert report.sheets_write_requests == 0


def test_a_renamed_or_removed_column_is_left_to_the_users(world: World) -> None:
    world.run(world.mapping(BASIC))
    before = world.cells("Prospects")
    renamed = BASIC.replace("header: Company", "header: Organisation").replace(
        "  - field: score\n    header: Score\n", ""
    )
    store = world.pardot_emu.store
    changed = live_ids(world)[9]
    world.pardot_emu.clock.advance(600)
    old_score = store.prospect(changed)["score"]  # type: ignore[index]
    store.update_prospect(changed, company="Renamed Column Inc", score=(old_score or 0) + 7)

    report = world.run(world.mapping(renamed))
    assert report.status == "ok", report.message
    assert report.mode == "full"
    header = world.grid("Prospects")[0]
    assert header == ["Prospect ID", "Email", "Company", "Score", "Updated", "Organisation"]
    # Columns C (old Company) and D (Score) are now the users': untouched, even for the change.
    changes = grid_changes(before, world.cells("Prospects"))
    assert not [n for n in changes if n[0] in "CD"]
    row = by_id(world, "Prospects")[changed]
    assert row["Organisation"] == "Renamed Column Inc"
    assert row["Company"] != "Renamed Column Inc"
    assert row["Score"] == old_score


def test_an_unknown_field_fails_before_any_write(world: World) -> None:
    text = BASIC.replace("field: email", "field: emial")
    path = world.folder / "test.yaml"
    line = textwrap.dedent(text).splitlines().index("  - field: emial") + 1
    meter = Meter(world)
    report = world.run(world.mapping(text))
    spent = meter.spent()
    assert report.status == "failed"
    assert f"{path}:{line}" in report.message
    assert "emial" in report.message and "'email'" in report.message.replace('"', "'")
    assert spent.sheets_writes == 0 and spent.sheets_reads == 0
    assert report.sheets_write_requests == 0
    assert "Prospects" not in [
        s["properties"]["title"] for s in world.snapshot()["sheets"]
    ]  # not even the worksheet was created
