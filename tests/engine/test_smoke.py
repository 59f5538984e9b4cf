from __future__ import annotations

from .conftest import BASIC, World


def test_first_run_fills_the_sheet_and_the_second_writes_nothing(world: World) -> None:
    mapping = world.mapping(BASIC)
    first = world.run(mapping)
    assert first.status == "ok", first.message
    assert first.mode == "full"
    live = world.pardot_emu.store.ids("prospects", deleted=False)
    assert first.rows_added == len(live)
    grid = world.grid("Prospects")
    assert grid[0] == ["Prospect ID", "Email", "Company", "Score", "Updated"]
    assert sorted(row[0] for row in grid[1:]) == sorted(live)
    second = world.run(mapping)
    assert second.status == "ok" and second.mode == "incremental"
    assert second.cells_written == 0 and second.sheets_write_requests == 0
