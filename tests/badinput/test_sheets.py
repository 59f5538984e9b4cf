"""Bad sheets: what users do to a synced worksheet, and spreadsheets sheetsync cannot use.

Each case names the worksheet and the cells or headers at fault, and writes nothing (or, where
the sync can carry on safely, loses nothing).
"""

from __future__ import annotations

import pytest

from sheetsync.engine import Engine
from sheetsync.protection import protection_problem
from sheetsync.settings import Settings
from sheetsync.sheets import CellRun, SheetsGateway, SheetSnapshot, SheetWrite, build_client
from sheetsync.sheets.model import GridRange, ProtectedRange
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
    sheet.update([["my note"]], "H2")  # the users' own column
    copied = sheet.row_values(4)
    sheet.update([copied], "A8", raw=False)  # a user pasted row 4 over row 8
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(ids[2], company="Copied Co")
    report = world.run(mapping, full=True)  # type: ignore[arg-type]
    assert report.status == "ok"
    assert (
        f"key '{ids[2]}' ('Prospect ID') is on several rows (4, 8); all are kept updated: "
        "delete the copies you do not need"
    ) in report.warnings
    grid = world.grid("Prospects")
    assert grid[3][2] == grid[7][2] == "Copied Co"
    # Nothing is lost: the record pasted over is added back as a new row, every prospect is
    # in the sheet, and the users' cell is untouched.
    shown = [row[0] for row in grid[1:]]
    assert ids[6] in shown
    assert set(shown) == set(world.pardot_emu.store.ids("prospects"))
    assert grid[1][7] == "my note"


def test_merged_cells_over_managed_columns_stop_the_run(world: World) -> None:
    mapping, _ = _synced(world)
    world.gspread_sheet("Prospects").merge_cells("D6:E7")
    world.pardot_emu.clock.advance(60)
    guard = Guard(world)
    report = world.run(mapping, full=True)  # type: ignore[arg-type]
    assert report.status == "failed"
    assert report.message == (
        "worksheet 'Prospects': cells D6:E7 are merged over the managed column(s) 'Score' (D), "
        "'Updated' (E); a merged cell shows only its first value, so sheetsync cannot keep "
        "them right. Unmerge them (Format > Merge cells > Unmerge). Nothing was written"
    )
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


def test_a_range_protected_by_someone_else_is_named_and_nothing_is_sent(world: World) -> None:
    mapping, ids = _synced(world)
    locked = world.sheets_emu.protect_for_others(
        SHEET_ID, "Prospects", "C1:C1000", owner="boss@example.com"
    )
    before = _watermark(world)
    world.pardot_emu.clock.advance(600)
    store = world.pardot_emu.store
    store.update_prospect(ids[0], company="New Co", score=99)  # C (protected) and D (not)
    store.update_prospect(ids[1], company="Other Co")
    guard = Guard(world)
    report = world.run(mapping)  # type: ignore[arg-type]
    assert report.status == "failed"
    assert report.message == (
        "worksheet 'Prospects': the sync must change C2, C3, but C1:C1000 ('protected by "
        "boss@example.com') is protected and the account sheetsync runs as may not edit it; "
        "ask the owner of the protection to add that account as an editor (Data > Protect "
        "sheets and ranges), or remove the protection. Nothing was written; the next run "
        "tries again"
    )
    guard.assert_untouched()  # not even the unprotected D cell, and no request refused
    assert _watermark(world) == before
    # The owner lifts the protection: the next run writes both changes.
    world.sheets_emu.remove_protection(SHEET_ID, locked)
    assert world.run(mapping).status == "ok"  # type: ignore[arg-type]
    row = next(r for r in world.grid("Prospects")[1:] if r[0] == ids[0])
    assert row[2:4] == ["New Co", 99]


def test_a_protected_worksheet_names_its_open_cells_and_rows_to_remove() -> None:
    # The whole tab protected by someone else, but for column E; the account is known.
    whole = ProtectedRange(
        1, GridRange(0), "", can_edit=False, unprotected=(GridRange(0, None, None, 4, 5),)
    )
    snap = SheetSnapshot("1Abc", 0, "Leads", 100, 6, [], None, None, protected_ranges=[whole])
    write = SheetWrite(runs=[CellRun(4, 3, (1, 2))], delete_rows=[7])  # D5:E5, row 8
    assert protection_problem(snap, write, "sync@acme.iam.gserviceaccount.com") == (
        "the sync must change D5, row 8 (to be removed), but the whole worksheet is protected "
        "and sync@acme.iam.gserviceaccount.com may not edit it; ask the owner of the protection "
        "to add that account as an editor (Data > Protect sheets and ranges), or remove the "
        "protection. Nothing was written; the next run tries again"
    )
    only_e = SheetWrite(runs=[CellRun(4, 4, (2,))])
    assert protection_problem(snap, only_e, None) is None  # E is open


def test_a_range_the_account_may_edit_or_a_warning_only_one_is_written(world: World) -> None:
    mapping, ids = _synced(world)
    for cells, warning in (("C1:C1000", False), ("D1:D1000", True)):
        start, _, end = cells.partition(":")
        world.sheets_emu.gspread_client().http_client.batch_update(
            SHEET_ID,
            {
                "requests": [
                    {
                        "addProtectedRange": {
                            "protectedRange": {
                                "range": {
                                    "sheetId": world.gspread_sheet("Prospects").id,
                                    "startColumnIndex": ord(start[0]) - ord("A"),
                                    "endColumnIndex": ord(end[0]) - ord("A") + 1,
                                },
                                "warningOnly": warning,
                            }
                        }
                    }
                ]
            },
        )
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(ids[0], company="New Co", score=99)
    report = world.run(mapping)  # type: ignore[arg-type]
    assert report.status == "ok", report.message
    row = next(r for r in world.grid("Prospects")[1:] if r[0] == ids[0])
    assert row[2:4] == ["New Co", 99]


def test_a_missing_worksheet_is_planned_then_created_with_its_headers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.mapping(BASIC.replace("worksheet: Prospects", "worksheet: Prospect"))
    world.sheets_emu.gspread_client().open_by_key(SHEET_ID).add_worksheet("Prospects", 10, 5)
    said = (
        "the spreadsheet has no worksheet 'Prospect' (it has: 'Sheet1', 'Prospects'), so the "
        "sync creates it; if the name is a typo, correct worksheet: in the mapping; did you "
        "mean 'Prospects'?"
    )
    guard = Guard(world)
    plan = cli(world, monkeypatch, "plan")
    assert plan.code == 0, plan.out
    assert f"\n  warning: {said}\n" in plan.out
    assert "+ column 'Prospect ID'" in plan.out
    guard.assert_untouched()  # a plan creates no tab
    status = cli(world, monkeypatch, "status")
    assert "never synced (no such tab yet)" in status.out
    synced = cli(world, monkeypatch, "sync")
    assert synced.code == 0, synced.out
    assert f"\ntest warning: {said}\n" in synced.out
    assert world.grid("Prospect")[0] == ["Prospect ID", "Email", "Company", "Score", "Updated"]


def test_a_worksheet_named_in_another_case_is_the_existing_tab(world: World) -> None:
    # Sheets refuses two tabs whose titles differ only in case: "prospects" is "Prospects".
    _, ids = _synced(world)
    other = world.mapping(BASIC.replace("worksheet: Prospects", "worksheet: prospects"))
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(ids[0], company="Case Co")
    report = world.run(other)
    assert report.status == "ok", report.message
    assert report.warnings == []
    titles = [s["properties"]["title"] for s in world.snapshot()["sheets"]]
    assert titles == ["Sheet1", "Prospects"]
    assert next(r for r in world.grid("Prospects")[1:] if r[0] == ids[0])[2] == "Case Co"


def test_a_spreadsheet_not_shared_with_the_account_says_to_share_it(world: World) -> None:
    mapping, _ = _synced(world)
    world.pardot_emu.clock.advance(60)
    guard = Guard(world)
    world.sheets_emu.set_shared(SHEET_ID, False)
    report = world.run(mapping)  # type: ignore[arg-type]
    world.sheets_emu.set_shared(SHEET_ID, True)
    assert report.status == "failed" and not report.retryable
    assert report.message == (
        f"reading spreadsheet {SHEET_ID} failed: no access (403); share the spreadsheet "
        "(Editor) with the service account sheetsync runs as"
    )
    assert report.sheets_write_requests == 0
    guard.assert_untouched()


def test_a_spreadsheet_that_does_not_exist_says_to_check_the_id(world: World) -> None:
    missing = "1NoSuchSpreadsheet" + "0" * 26
    mapping = world.mapping(BASIC.replace(SHEET_ID, missing))
    guard = Guard(world)
    report = world.run(mapping)
    assert report.status == "failed" and not report.retryable
    assert report.message == (
        f"reading spreadsheet {missing} failed: Google has no such spreadsheet (404); check the "
        "id or URL in the mapping"
    )
    assert report.sheets_write_requests == 0
    guard.assert_untouched()  # and no write request reached any spreadsheet


def _fill_to(world: World, headroom: int) -> None:
    """A tab of the users' that leaves ``headroom`` cells under the 10,000,000-cell cap."""
    book = world.sheets_emu.gspread_client().open_by_key(SHEET_ID)
    used = sum(ws.row_count * ws.col_count for ws in book.worksheets())
    book.add_worksheet("Archive", rows=10_000_000 - used - headroom, cols=1)


def test_a_new_worksheet_that_would_pass_the_cell_cap_is_not_created(world: World) -> None:
    mapping = world.mapping(BASIC)
    rows = world.pardot_emu.store.count() + 1  # the header and one row per prospect
    _fill_to(world, headroom=100)  # far less than rows x 5 columns
    guard = Guard(world)
    report = world.run(mapping)
    assert report.status == "refused"
    assert report.message == (
        f"writing would grow the worksheet to {rows} rows x 5 columns and the spreadsheet to "
        f"{10_000_000 - 100 + rows * 5:,} cells, past Google's limit of 10,000,000; remove "
        "unused rows or columns (every tab counts), or move this mapping to another "
        "spreadsheet. Nothing was written"
    )
    guard.assert_untouched()
    assert "Prospects" not in [s["properties"]["title"] for s in world.snapshot()["sheets"]]


def test_a_new_worksheet_near_the_cell_cap_is_made_just_big_enough(world: World) -> None:
    mapping = world.mapping(BASIC)
    rows = world.pardot_emu.store.count() + 1
    _fill_to(world, headroom=400)  # the usual 1000 x 26 would not fit; rows x 5 does
    report = world.run(mapping)
    assert report.status == "ok", report.message
    tab = next(s for s in world.snapshot()["sheets"] if s["properties"]["title"] == "Prospects")
    grid = tab["properties"]["gridProperties"]
    assert (grid["rowCount"], grid["columnCount"]) == (rows, 5)
    assert len(world.grid("Prospects")) - 1 == len(world.pardot_emu.store.ids("prospects"))


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
    guard = Guard(world)
    report = engine.run(world.mapping(BASIC))
    assert report.status == "failed" and report.retryable
    assert report.message == (
        f"reading spreadsheet {SHEET_ID} failed: the connection (http://127.0.0.1:9) was "
        "dropped or refused after 7 attempts; check that this machine can reach Google (or "
        "the address in SHEETSYNC_SHEETS_URL, if set); the next run tries again"
    )
    guard.assert_untouched()
