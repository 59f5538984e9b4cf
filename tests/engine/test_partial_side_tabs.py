"""A write cut into several batches and stopped part-way (here Google failing for good after
some batches; a deadline or a killed process stop at the same place) leaves the change history
and the fill-down formulas consistent with the rows it wrote: each batch carries the history
lines and the formulas of its own rows. The next run then logs and fills exactly the rest.

(Before: the lines and formulas all went with the state, in the last batch, so the rows of the
batches applied before a failure were never logged, and new rows written before it had no
formulas -- nor had any row appended after them, since a fill-down copies the last row's.)
"""

from __future__ import annotations

from collections import Counter

from sheetsync.emulator.httpbase import Fault

from .conftest import BASIC, World
from .support import by_id, live_ids
from .test_changelog import HISTORY, changelog, history
from .test_fill_down import FILL, _formulas, _user_formulas
from .test_partial_failure import _small_batch_engine


def _fail_after(world: World, batches: int, mapping: object) -> None:
    """Run with small batches; Google refuses every batch after the first ``batches``."""
    engine, client = _small_batch_engine(world)
    world.sheets_emu.server.add_faults(
        Fault(kind="error", target="spreadsheets.batchUpdate", after=batches, times=100, code=503)
    )
    try:
        report = engine.run(mapping)  # type: ignore[arg-type]
    finally:
        world.sheets_emu.server.clear_faults()
        client.close()
    assert report.status == "failed" and "503" in report.message, report.message


def test_history_lines_go_with_their_rows_when_a_write_stops_part_way(world: World) -> None:
    mapping = world.mapping(BASIC + changelog())
    assert world.run(mapping).status == "ok"
    store = world.pardot_emu.store
    changed = live_ids(world)[::3]
    world.pardot_emu.clock.advance(600)
    for number, prospect_id in enumerate(changed):
        store.update_prospect(prospect_id, company=f"Batch Test {number}")
    added = [store.add_prospect(email=f"n{n}@example.com", company="New") for n in range(30)]
    before = len(history(world))

    _fail_after(world, 3, mapping)
    rows = by_id(world, "Prospects")
    written = {p for p in changed if str(rows[p]["Company"]).startswith("Batch Test")}
    assert 0 < len(written) < len(changed)  # the write really stopped part-way
    lines = history(world)[before:]
    logged = Counter(line["Prospect ID"] for line in lines if line["Column"] == "Company")
    assert set(logged) == written and set(logged.values()) == {1}  # exactly the rows written
    for line in lines:
        if line["Column"] == "Company":
            assert line["New value"] == rows[line["Prospect ID"]]["Company"]
    assert not [line for line in lines if line["New value"] == "row added"]  # not reached yet

    again = world.run(mapping)
    assert again.status == "ok", again.message
    lines = history(world)[before:]
    logged = Counter(line["Prospect ID"] for line in lines if line["Column"] == "Company")
    assert logged == Counter(changed)  # every change once: none lost, none twice
    new_lines = Counter(line["Prospect ID"] for line in lines if line["New value"] == "row added")
    assert new_lines == Counter(added)
    assert all(row and row[0] for row in world.grid(HISTORY))  # no gap between the two runs


def test_new_rows_get_their_formulas_when_a_write_stops_part_way(world: World) -> None:
    mapping = world.mapping(BASIC + FILL)
    world.run(mapping)
    rows = _user_formulas(world)
    world.pardot_emu.clock.advance(600)
    store = world.pardot_emu.store
    grid_ids = [r[0] for r in world.grid("Prospects")[1:]]
    # Rows removed above the source row: the copies, made before the deletions, move with them.
    store.delete_prospect(grid_ids[0])
    store.delete_prospect(grid_ids[5])
    added = [store.add_prospect(email=f"n{n}@example.com", company="N" * 200) for n in range(60)]

    _fail_after(world, 1, mapping)
    grid = world.grid("Prospects")
    written = [n for n, row in enumerate(grid, 1) if row[0] in added]
    assert 0 < len(written) < len(added)
    for number in written:
        assert _formulas(world, f"F{number}:G{number}") == [[f"=D{number}*2", f"=D{number}+$I$1"]]

    again = world.run(mapping)
    assert again.status == "ok", again.message
    assert again.rows_removed == 2
    grid = world.grid("Prospects")
    assert len(grid) == rows + 1 - 2 + len(added)
    new_rows = [n for n, row in enumerate(grid, 1) if row[0] in added]
    assert len(new_rows) == len(added)
    formulas = _formulas(world, f"F{new_rows[0]}:G{new_rows[-1]}")
    assert formulas == [[f"=D{n}*2", f"=D{n}+$I$1"] for n in new_rows]
