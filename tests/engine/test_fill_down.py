"""fill_down: users' formula columns continue onto new rows, the references moved as Sheets moves
them (relative ones shift, $-absolute ones stay), in the run's own write."""

from __future__ import annotations

from gspread.utils import ValueInputOption

from .conftest import BASIC, World
from .support import Meter, grid_changes, live_ids

FILL = """
fill_down: [Double score, Bonus]
"""
YELLOW = {"backgroundColor": {"red": 1, "green": 1, "blue": 0.6}}


def _user_formulas(world: World) -> int:
    """Users add two formula columns (F, G) on every synced row and a constant in I1.
    Returns the number of data rows."""
    ws = world.gspread_sheet("Prospects")
    rows = len(world.grid("Prospects")) - 1
    body = [["Double score", "Bonus"]] + [[f"=D{r}*2", f"=D{r}+$I$1"] for r in range(2, rows + 2)]
    ws.update(body, "F1", value_input_option=ValueInputOption.user_entered)
    ws.update([[5]], "I1")
    ws.format(f"F{rows + 1}", YELLOW)  # a format on the source cell is not copied
    return rows


def _formulas(world: World, rng: str) -> list[list[str]]:
    found: list[list[str]] = world.gspread_sheet("Prospects").get(
        rng, value_render_option="FORMULA"
    )
    return found


def _computed(world: World, rng: str) -> list[list[object]]:
    """What the cells show (the formulas' results), as Google computes them."""
    ws = world.gspread_sheet("Prospects")
    found: list[list[object]] = ws.get(rng, value_render_option="UNFORMATTED_VALUE")
    return found


def test_new_rows_get_the_formulas_of_the_row_above_shifted(world: World) -> None:
    mapping = world.mapping(BASIC + FILL)
    world.run(mapping)
    rows = _user_formulas(world)
    before = world.cells("Prospects")
    world.pardot_emu.clock.advance(600)
    first = world.pardot_emu.store.add_prospect(email="a@example.com", company="A", score=21)
    second = world.pardot_emu.store.add_prospect(email="b@example.com", company="B", score=30)
    meter = Meter(world)
    report = world.run(mapping)
    assert report.status == "ok", report.message and report.rows_added == 2
    assert meter.spent().sheets_writes == 1  # rows, formulas and state in one batchUpdate
    new1, new2 = rows + 2, rows + 3
    assert _formulas(world, f"F{new1}:G{new2}") == [
        [f"=D{new1}*2", f"=D{new1}+$I$1"],
        [f"=D{new2}*2", f"=D{new2}+$I$1"],
    ]
    assert _computed(world, f"A{new1}:G{new2}") == [
        [first, "a@example.com", "A", 21, _computed(world, f"E{new1}")[0][0], 42, 26],
        [second, "b@example.com", "B", 30, _computed(world, f"E{new2}")[0][0], 60, 35],
    ]
    # Only the two new rows changed, and their formula cells took no format.
    changed = grid_changes(before, world.cells("Prospects"))
    assert {int(name[1:]) for name in changed} == {new1, new2}
    assert set(changed) == {f"{c}{n}" for c in "ABCDEFG" for n in (new1, new2)}
    assert "format" not in world.cells("Prospects")[f"F{new1}"]


def test_formulas_land_on_the_right_rows_when_rows_are_also_removed(world: World) -> None:
    """Removed rows above shift the new rows up; the formulas follow them (the copy is made
    after the deletions, from the last row that stays)."""
    mapping = world.mapping(BASIC + FILL)
    world.run(mapping)
    rows = _user_formulas(world)
    world.pardot_emu.clock.advance(600)
    ids = live_ids(world)
    grid_ids = [r[0] for r in world.grid("Prospects")[1:]]
    last = grid_ids[-1]  # the last synced row is removed: the one above is the source
    world.pardot_emu.store.delete_prospect(last)
    world.pardot_emu.store.delete_prospect(grid_ids[0])
    new_id = world.pardot_emu.store.add_prospect(email="c@example.com", company="C", score=7)
    assert last in ids
    report = world.run(mapping)
    assert report.status == "ok", report.message
    assert (report.rows_added, report.rows_removed) == (1, 2)
    new_row = rows + 2 - 2  # two rows gone above it
    grid = world.grid("Prospects")
    assert grid[new_row - 1][0] == new_id
    assert _formulas(world, f"F{new_row}:G{new_row}") == [[f"=D{new_row}*2", f"=D{new_row}+$I$1"]]
    assert _computed(world, f"A{new_row}:F{new_row}")[0][::5] == [new_id, 14]


def test_without_fill_down_new_rows_leave_users_columns_empty(world: World) -> None:
    mapping = world.mapping(BASIC)
    world.run(mapping)
    rows = _user_formulas(world)
    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.add_prospect(email="d@example.com", company="D", score=3)
    assert world.run(mapping).rows_added == 1
    assert _formulas(world, f"F{rows + 2}:G{rows + 2}") == [[]]  # nothing there
