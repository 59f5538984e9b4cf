"""Bad sheets: what users do to a synced worksheet, and spreadsheets sheetsync cannot use.

Each case names the worksheet and the cells or headers at fault, and writes nothing (or, where
the sync can carry on safely, loses nothing).
"""

from __future__ import annotations

import pytest

from sheetsync.engine import Engine
from sheetsync.settings import Settings
from sheetsync.sheets import SheetsGateway, build_client
from sheetsync.syncstate import SyncState
from tests.engine.conftest import BASIC, SHEET_ID, World

from .conftest import Guard, cli


def _synced(world: World) -> tuple[object, list[int]]:
    """A first good sync; the mapping and the ids in sheet order."""
    mapping = world.mapping(BASIC)
    assert world.run(mapping).status == "ok"
    ids = [row[0] for row in world.grid("Prospects")[1:]]
    return mapping, ids


def _watermark(world: World) -> object:
    snap = world.sheets.read(world.sheets.open(SHEET_ID), "Prospects", "test", create=False)
    return SyncState.from_dict(snap.state).watermark


def test_a_duplicated_managed_header_is_named_with_its_columns(world: World) -> None:
    mapping, _ = _synced(world)
    world.gspread_sheet("Prospects").update_cell(1, 8, "Email")  # a user's copy of the column
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(world.pardot_emu.store.ids("prospects")[0], score=7)
    guard = Guard(world)
    report = world.run(mapping)  # type: ignore[arg-type]
    assert report.status == "failed"
    assert report.message == (
        "worksheet 'Prospects': the managed header 'Email' appears in several columns (B, H) of "
        "row 1; rename or remove the extra ones"
    )
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls <= 2  # stopped before reading prospects


def test_a_duplicated_key_keeps_both_rows_updated_and_says_where(world: World) -> None:
    mapping, ids = _synced(world)
    sheet = world.gspread_sheet("Prospects")
    copied = sheet.row_values(4)
    sheet.update([copied], "A8", raw=False)  # a user pasted row 4 over row 8
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(ids[2], company="Copied Co")
    report = world.run(mapping, full=True)  # type: ignore[arg-type]
    assert report.status == "ok"
    assert f"key '{ids[2]}' is on several rows (4, 8); all are kept updated" in report.warnings
    grid = world.grid("Prospects")
    assert grid[3][2] == grid[7][2] == "Copied Co"
    # The record pasted over is not lost: it is added back as a new row.
    assert ids[6] in [row[0] for row in grid[1:]]


def test_merged_cells_over_managed_columns_stop_the_run(world: World) -> None:
    mapping, _ = _synced(world)
    world.gspread_sheet("Prospects").merge_cells("D6:E7")
    world.pardot_emu.clock.advance(60)
    guard = Guard(world)
    report = world.run(mapping, full=True)  # type: ignore[arg-type]
    assert report.status == "failed"
    assert report.message.startswith(
        "worksheet 'Prospects': cells D6:E7 are merged over the managed column(s) 'Score' (D), "
        "'Updated' (E);"
    )
    assert "Unmerge them" in report.message and report.message.endswith("Nothing was written")
    guard.assert_untouched()


def test_merges_above_the_headers_and_over_users_columns_are_fine(world: World) -> None:
    mapping = world.mapping(BASIC + "header_row: 2\n")
    sheet = (
        world.sheets_emu.gspread_client().open_by_key(SHEET_ID).add_worksheet("Prospects", 100, 10)
    )
    sheet.update([["Weekly hot list"]], "A1")
    sheet.merge_cells("A1:E1")  # a title over the managed columns, above the headers
    sheet.merge_cells("H3:I4")  # the users' own notes
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert report.rows_added > 0
    merges = next(s for s in world.snapshot()["sheets"] if s["properties"]["title"] == "Prospects")
    assert len(merges.get("merges", [])) == 2
    assert world.grid("Prospects")[0][0] == "Weekly hot list"


def test_a_range_protected_by_someone_else_fails_whole_and_keeps_the_watermark(
    world: World,
) -> None:
    mapping, ids = _synced(world)
    world.sheets_emu.protect_for_others(SHEET_ID, "Prospects", "C1:C1000", owner="boss@example.com")
    before = _watermark(world)
    world.pardot_emu.clock.advance(600)
    store = world.pardot_emu.store
    store.update_prospect(ids[0], company="New Co", score=99)  # C (protected) and D (not)
    guard = Guard(world)
    report = world.run(mapping)  # type: ignore[arg-type]
    assert report.status == "failed"
    assert "worksheet 'Prospects' of spreadsheet" in report.message
    assert "You are trying to edit a protected cell or object" in report.message
    guard.assert_untouched(refused_writes=1)  # not even the unprotected D cell: all or nothing
    assert _watermark(world) == before


def test_a_missing_worksheet_is_planned_then_created_with_its_headers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.mapping(BASIC)
    guard = Guard(world)
    plan = cli(world, monkeypatch, "plan")
    assert plan.code == 0, plan.out
    assert "+ column 'Prospect ID'" in plan.out
    guard.assert_untouched()  # a plan creates no tab
    status = cli(world, monkeypatch, "status")
    assert "never synced (no such tab yet)" in status.out
    synced = cli(world, monkeypatch, "sync")
    assert synced.code == 0, synced.out
    assert world.grid("Prospects")[0] == ["Prospect ID", "Email", "Company", "Score", "Updated"]


def test_a_spreadsheet_not_shared_with_the_account_says_to_share_it(world: World) -> None:
    mapping, _ = _synced(world)
    world.sheets_emu.set_shared(SHEET_ID, False)
    world.pardot_emu.clock.advance(60)
    report = world.run(mapping)  # type: ignore[arg-type]
    world.sheets_emu.set_shared(SHEET_ID, True)
    assert report.status == "failed" and not report.retryable
    assert report.message == (
        f"reading spreadsheet {SHEET_ID} failed: no access (403); share the spreadsheet "
        "(Editor) with the service account sheetsync runs as"
    )
    assert report.sheets_write_requests == 0


def test_a_spreadsheet_that_does_not_exist_says_to_check_the_id(world: World) -> None:
    missing = "1NoSuchSpreadsheet" + "0" * 26
    mapping = world.mapping(BASIC.replace(SHEET_ID, missing))
    report = world.run(mapping)
    assert report.status == "failed"
    assert report.message == (
        f"reading spreadsheet {missing} failed: Google has no such spreadsheet (404); check the "
        "id or URL in the mapping"
    )
    assert report.sheets_write_requests == 0


def _fill_to(world: World, headroom: int) -> None:
    """A tab of the users' that leaves ``headroom`` cells under the 10,000,000-cell cap."""
    book = world.sheets_emu.gspread_client().open_by_key(SHEET_ID)
    used = sum(ws.row_count * ws.col_count for ws in book.worksheets())
    book.add_worksheet("Archive", rows=10_000_000 - used - headroom, cols=1)


def test_a_new_worksheet_that_would_pass_the_cell_cap_is_not_created(world: World) -> None:
    mapping = world.mapping(BASIC)
    _fill_to(world, headroom=500)
    guard = Guard(world)
    report = world.run(mapping)
    assert report.status == "failed"
    assert "Prospects" in report.message and "10,000,000" in report.message
    guard.assert_untouched()


def test_growing_a_worksheet_past_the_cell_cap_writes_nothing(world: World) -> None:
    mapping, _ = _synced(world)
    sheet = world.gspread_sheet("Prospects")
    sheet.resize(rows=len(world.grid("Prospects")), cols=5)  # exactly the data
    _fill_to(world, headroom=30)
    for prospect in range(10):  # 10 new rows need 50 more cells
        world.pardot_emu.store.add_prospect(email=f"new{prospect}@example.com")
    world.pardot_emu.clock.advance(60)
    guard = Guard(world)
    report = world.run(mapping)  # type: ignore[arg-type]
    assert report.status == "refused"
    rows = len(world.grid("Prospects")) + 10
    assert report.message.startswith(
        f"writing would grow the worksheet to {rows} rows x 5 columns and the spreadsheet to "
        "10,000,020 cells, past Google's limit of 10,000,000; remove unused rows or columns"
    )
    assert report.message.endswith("Nothing was written")
    guard.assert_untouched()


def test_an_unreachable_sheets_host_is_named(world: World) -> None:
    settings = Settings.load(sheets_url="http://127.0.0.1:9")  # nothing listens there
    gateway = SheetsGateway(build_client(settings), sleep=lambda _: None)
    engine = Engine(world.pardot, gateway, settings, clock=world.pardot_emu.clock.now)
    report = engine.run(world.mapping(BASIC))
    assert report.status == "failed" and report.retryable
    assert report.message.startswith(f"reading spreadsheet {SHEET_ID} failed: the connection")
    assert "(http://127.0.0.1:9) was dropped or refused" in report.message
