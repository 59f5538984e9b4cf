"""A prospect that stops matching the filters leaves the sheet (removed, or marked "no longer
matches"); one that starts matching appears. Field conditions and list membership, on
incremental runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.mapping import load_mapping

from .conftest import BASIC, World
from .support import Meter, assert_report_matches, by_id, live_ids, members, membership_id

SCORED = BASIC.replace("  object: prospects\n", "  object: prospects\n  where: [score >= 50]\n")
LISTED = BASIC.replace("  object: prospects\n", "  object: prospects\n  lists: [Hot Prospects]\n")
EXAMPLES = Path(__file__).resolve().parents[2] / "mappings"


def _scored(world: World) -> list[int]:
    store = world.pardot_emu.store
    return [i for i in live_ids(world) if (store.prospect(i)["score"] or 0) >= 50]  # type: ignore[index]


def _in_sheet(world: World, status: str | None) -> dict[int, str | None]:
    """Prospect id -> its status cell (None without a status column)."""
    return {i: r.get(status) if status else None for i, r in by_id(world, "Prospects").items()}


@pytest.mark.parametrize("on_delete", ["remove", "mark"])
def test_score_filter_rows_leave_and_join(world: World, on_delete: str) -> None:
    mapping = world.mapping(SCORED + f"on_delete: {on_delete}\n")
    assert world.run(mapping).status == "ok"
    status = "Sync status" if on_delete == "mark" else None
    matching = _scored(world)
    assert sorted(_in_sheet(world, status)) == matching

    store = world.pardot_emu.store
    leaving = matching[3]
    joining = next(i for i in live_ids(world) if i not in matching and store.prospect(i)["email"])  # type: ignore[index]
    world.pardot_emu.clock.advance(600)
    store.update_prospect(leaving, score=10)
    store.update_prospect(joining, score=90)

    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert report.mode == "incremental"
    assert_report_matches(report, meter.spent())
    assert report.rows_added == 1
    rows = _in_sheet(world, status)
    if on_delete == "remove":
        assert report.rows_removed == 1
        assert sorted(rows) == _scored(world)
    else:
        assert report.rows_marked == 1
        assert rows[leaving] == "no longer matches"
        assert sorted(rows) == sorted([*_scored(world), leaving])
        assert {i: s for i, s in rows.items() if i != leaving} == dict.fromkeys(_scored(world))
    assert by_id(world, "Prospects")[joining]["Score"] == 90

    # Matching again clears the mark (or brings the row back).
    world.pardot_emu.clock.advance(600)
    store.update_prospect(leaving, score=75)
    assert world.run(mapping).status == "ok"
    assert _in_sheet(world, status)[leaving] is None
    assert sorted(_in_sheet(world, status)) == _scored(world)


@pytest.mark.parametrize("on_delete", ["remove", "mark"])
def test_list_membership_rows_leave_and_join(world: World, on_delete: str) -> None:
    """Membership changes do not touch the prospect's own updatedAt: the incremental run must
    see them through the memberships changed since the watermark."""
    mapping = world.mapping(LISTED + f"on_delete: {on_delete}\n")
    assert world.run(mapping).status == "ok"
    status = "Sync status" if on_delete == "mark" else None
    store = world.pardot_emu.store
    hot = store.list_id("Hot Prospects")
    in_list = sorted(members(world, hot) & set(live_ids(world)))
    assert sorted(_in_sheet(world, status)) == in_list

    leaving = in_list[4]
    joining = next(i for i in live_ids(world) if i not in members(world, hot))
    updated_before = store.prospect(joining)["updatedAt"]  # type: ignore[index]
    world.pardot_emu.clock.advance(600)
    store.delete_membership(membership_id(world, hot, leaving))
    store.add_membership(hot, joining)
    assert store.prospect(joining)["updatedAt"] == updated_before  # type: ignore[index]

    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert report.mode == "incremental"
    assert report.rows_added == 1
    rows = _in_sheet(world, status)
    now_in = sorted(members(world, hot) & set(live_ids(world)))
    assert joining in now_in and leaving not in now_in
    if on_delete == "remove":
        assert report.rows_removed == 1
        assert sorted(rows) == now_in
    else:
        assert report.rows_marked == 1
        assert rows[leaving] == "no longer matches"
        assert sorted(rows) == sorted([*now_in, leaving])
    assert by_id(world, "Prospects")[joining]["Email"] == store.prospect(joining)["email"]  # type: ignore[index]

    world.pardot_emu.clock.advance(600)
    again = world.run(mapping)
    assert again.status == "ok" and again.cells_written == 0


def test_list_members_are_right_when_pardot_refuses_the_list_filter(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listId filter on list-memberships is UNCONFIRMED: a Pardot without it answers 51
    (unknown filter). The run then scans every membership and keeps the list's own, on the
    first run and on an incremental one where a prospect leaves the list and another joins."""
    emu = world.pardot_emu
    monkeypatch.setattr(emu.config, "membership_filters", False)
    store = emu.store
    hot = store.list_id("Hot Prospects")
    in_other_lists = {
        int(store.get("list-memberships", m)["prospectId"])  # type: ignore[index]
        for m in store.ids("list-memberships")
        if store.get("list-memberships", m)["listId"] != hot  # type: ignore[index]
    }
    assert in_other_lists - members(world, hot)  # a scan that kept every list would show

    mapping = world.mapping(LISTED)
    first = world.run(mapping)
    assert first.status == "ok", first.message
    assert emu.server.stats()["statuses"].get("400") == 1  # the listId query, refused
    assert sorted(_in_sheet(world, None)) == sorted(members(world, hot) & set(live_ids(world)))

    leaving = sorted(_in_sheet(world, None))[2]
    joining = next(i for i in live_ids(world) if i not in members(world, hot))
    emu.clock.advance(600)
    store.delete_membership(membership_id(world, hot, leaving))
    store.add_membership(hot, joining)
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert report.mode == "incremental"
    assert (report.rows_added, report.rows_removed) == (1, 1)
    assert emu.server.stats()["statuses"].get("400") == 2
    now_in = sorted(members(world, hot) & set(live_ids(world)))
    assert joining in now_in and leaving not in now_in
    assert sorted(_in_sheet(world, None)) == now_in


def test_the_shipped_hot_prospects_mapping_follows_lists_and_score(world: World) -> None:
    """The example mapping (a list, a score condition, on_delete: mark) against the emulator."""
    mapping = load_mapping(EXAMPLES / "hot-prospects.yaml")
    world.sheets_emu.create_spreadsheet("hot", spreadsheet_id=mapping.spreadsheet_id)
    first = world.run(mapping)
    assert first.status == "ok", first.message
    store = world.pardot_emu.store
    hot = store.list_id("Hot Prospects")

    def expected() -> list[int]:
        return sorted(i for i in members(world, hot) & set(_scored(world)))

    def shown() -> dict[int, dict[str, object]]:
        snap = world.snapshot(mapping.spreadsheet_id)
        sheet = next(s for s in snap["sheets"] if s["properties"]["title"] == mapping.worksheet)
        cells = sheet["cells"]
        header = {c["value"]: n[0] for n, c in cells.items() if n[1:] == "1"}
        rows: dict[int, dict[str, object]] = {}
        for name, cell in cells.items():
            if name[0] == header["Prospect ID"] and name[1:] != "1":
                status = cells.get(f"{header['Sync status']}{name[1:]}", {}).get("value")
                rows[int(cell["value"])] = {"status": status}
        return rows

    assert sorted(shown()) == expected()
    leaving_list, leaving_score = expected()[:2]
    world.pardot_emu.clock.advance(600)
    store.delete_membership(membership_id(world, hot, leaving_list))
    store.update_prospect(leaving_score, score=5)
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert (report.mode, report.rows_marked) == ("incremental", 2)
    rows = shown()
    assert rows[leaving_list]["status"] == rows[leaving_score]["status"] == "no longer matches"
    assert sorted(i for i, r in rows.items() if r["status"] is None) == expected()
