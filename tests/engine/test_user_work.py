"""Users' work survives syncs: their own columns (text and formulas), their own rows, cell colours,
notes and sort order. Tests compare the emulator's whole grid (values, formats, notes) before and
after: only the managed cells of the prospects changed in Pardot may differ, and only in value."""

from __future__ import annotations

from typing import Any

from gspread.utils import ValueInputOption

from .conftest import BASIC, World
from .support import Meter, assert_report_matches, by_id, cell_name, grid_changes, live_ids

PINK = {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}}
YELLOW = {"backgroundColor": {"red": 1, "green": 1, "blue": 0.6}}


def _sort_rows_by_company(world: World) -> None:
    """Sort the data rows the way a user's "sort range" does: the values move, row by row."""
    ws = world.gspread_sheet("Prospects")
    grid = ws.get_values(value_render_option="UNFORMATTED_VALUE")
    rows = sorted(grid[1:], key=lambda r: (str(r[2]).casefold(), r[0]))
    ws.update(rows, "A2", value_input_option=ValueInputOption.raw)


def _user_work(world: World, colour_row: int) -> None:
    """A user's own column (inserted between managed ones, with text and formulas), an own row
    (no key), colours on managed and own cells, notes on managed and own cells."""
    ws = world.gspread_sheet("Prospects")
    ws.insert_cols(
        [["My notes", "call Monday", "=LEN(B3)", "=1+1"]],
        col=3,
        value_input_option=ValueInputOption.user_entered,
    )
    ws.insert_row(["", "— follow up this week —", "team", "", "", ""], index=6)
    ws.format(f"A{colour_row}:F{colour_row}", PINK)
    ws.format("C2", YELLOW)
    ws.insert_note(f"D{colour_row}", "asked for a quote")
    ws.insert_note("C2", "my column")


def _look(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell without its value (and the value's type): its format, note and the rest."""
    return {k: v for k, v in cell.items() if k not in ("value", "type")}


def _managed(world: World, prospect_id: int, *headers: str) -> set[str]:
    return {cell_name(world, "Prospects", ("Prospect ID", prospect_id), h) for h in headers}


def test_users_columns_rows_colours_notes_and_sort_order_survive(world: World) -> None:
    mapping = world.mapping(BASIC)
    assert world.run(mapping).status == "ok"
    _sort_rows_by_company(world)
    grid = world.grid("Prospects")
    row3_id = grid[2][0]
    _user_work(world, colour_row=3)
    before = world.cells("Prospects")
    assert before["C3"]["type"] == "formula"  # a user formula stays a formula

    # Pardot moves on: a coloured, noted row changes company; two others change score.
    store = world.pardot_emu.store
    others = [i for i in live_ids(world) if i != row3_id][10:12]
    world.pardot_emu.clock.advance(600)
    store.update_prospect(row3_id, company="Coloured Row Corp")
    for number, prospect_id in enumerate(others):
        old = store.prospect(prospect_id)["score"] or 0  # type: ignore[index]
        store.update_prospect(prospect_id, score=old + 11 + number)

    meter = Meter(world)
    report = world.run(mapping)
    spent = meter.spent()
    assert report.status == "ok", report.message
    assert report.mode == "incremental"
    assert_report_matches(report, spent)
    after = world.cells("Prospects")

    expected = _managed(world, row3_id, "Company", "Updated")
    for prospect_id in others:
        expected |= _managed(world, prospect_id, "Score", "Updated")
    changes = grid_changes(before, after)
    assert set(changes) == expected
    assert report.cells_written == len(expected)
    for name, (old_cell, new_cell) in changes.items():
        # Only the value moved: the user's colour and note on a managed cell stay.
        assert _look(old_cell) == _look(new_cell), name
    company = cell_name(world, "Prospects", ("Prospect ID", row3_id), "Company")
    assert after[company]["value"] == "Coloured Row Corp"
    assert after[company]["format"] == PINK and after[company]["note"] == "asked for a quote"

    # A full reconcile (asked for) leaves all of it alone too: nothing to write.
    meter = Meter(world)
    full = world.run(mapping, full=True)
    assert full.status == "ok" and full.mode == "full"
    assert full.cells_written == 0 and meter.spent().sheets_writes == 0
    assert world.cells("Prospects") == after


def test_a_new_row_goes_below_users_rows_and_leaves_them_alone(world: World) -> None:
    """New prospects are appended after the last used row; a user's own rows (no key), also at
    the bottom, are not overwritten, and nothing else in the grid changes."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    ws = world.gspread_sheet("Prospects")
    last = len(world.grid("Prospects"))
    ws.update(
        [["", "Totals", "", "=SUM(D2:D5)"]], f"A{last + 2}", value_input_option="USER_ENTERED"
    )
    ws.format(f"A{last + 2}:E{last + 2}", YELLOW)
    before = world.cells("Prospects")

    world.pardot_emu.clock.advance(600)
    new_id = world.pardot_emu.store.add_prospect(
        email="new.lead@example.com", company="Fresh Leads Ltd", score=70
    )
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert report.rows_added == 1
    after = world.cells("Prospects")
    changes = grid_changes(before, after)
    new_row = last + 3
    assert {name for name in changes} == {f"{c}{new_row}" for c in "ABCDE"}
    assert after[f"A{new_row}"]["value"] == new_id
    assert all(not old for old, _ in changes.values())  # only empty cells were written
    untouched: dict[str, Any] = {n: c for n, c in after.items() if n not in changes}
    assert untouched == before


def test_a_managed_column_a_user_deleted_comes_back_filled(world: World) -> None:
    """The header is added again at the right end, and every row's cell is filled: a column of
    a few values among hundreds of blanks would look like data loss in Pardot."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    synced = by_id(world, "Prospects")
    world.gspread_sheet("Prospects").delete_columns(3)  # Company
    world.pardot_emu.clock.advance(600)
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert world.grid("Prospects")[0] == ["Prospect ID", "Email", "Score", "Updated", "Company"]
    assert by_id(world, "Prospects") == synced


def test_a_duplicated_managed_header_fails_naming_it(world: World) -> None:
    mapping = world.mapping(BASIC)
    world.run(mapping)
    world.gspread_sheet("Prospects").update([["Email"]], "G1")
    before = world.cells("Prospects")
    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.update_prospect(live_ids(world)[0], company="Not Written Ltd")
    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "failed"
    assert "'Email'" in report.message and "B, G" in report.message
    assert meter.spent().sheets_writes == 0
    assert world.cells("Prospects") == before
