"""A failed or partial write leaves every row consistent and the watermark unmoved; the next run
converges. The plan is forced into several batches (a small request size), and Google fails
the third batch for good."""

from __future__ import annotations

from sheetsync.emulator.httpbase import Fault
from sheetsync.engine import Engine
from sheetsync.pardot import PardotClient
from sheetsync.sheets import SheetsGateway, build_client

from .conftest import BASIC, World
from .support import Meter, assert_basic_row, assert_report_matches, by_id, live_ids, state

CHUNK_BYTES = 6_000  # a few dozen rows' worth of cell changes per batch


def _small_batch_engine(world: World) -> tuple[Engine, PardotClient]:
    pardot = PardotClient(world.settings.pardot(), sleep=lambda _: None)
    sheets = SheetsGateway(
        build_client(world.settings), sleep=lambda _: None, max_request_bytes=CHUNK_BYTES
    )
    return Engine(pardot, sheets, world.settings, clock=world.pardot_emu.clock.now), pardot


def test_a_write_failing_after_some_batches_keeps_rows_consistent_and_converges(
    world: World,
) -> None:
    mapping = world.mapping(BASIC)
    assert world.run(mapping).status == "ok"
    watermark = state(world, "test")
    store = world.pardot_emu.store
    changed = live_ids(world)[::3]
    world.pardot_emu.clock.advance(600)
    for number, prospect_id in enumerate(changed):
        store.update_prospect(prospect_id, company=f"Batch Test {number}")

    old_rows = by_id(world, "Prospects")
    engine, client = _small_batch_engine(world)
    world.sheets_emu.server.add_faults(
        Fault(kind="error", target="spreadsheets.batchUpdate", after=2, times=100, code=503)
    )
    meter = Meter(world)
    failed = engine.run(mapping)
    spent = meter.spent()
    world.sheets_emu.server.clear_faults()
    client.close()

    assert failed.status == "failed"
    assert "503" in failed.message and "Prospects" in failed.message
    assert_report_matches(failed, spent)
    assert spent.sheets["spreadsheets.batchUpdate"] > 3  # two applied, the third retried
    assert state(world, "test") == watermark  # the state only comes with the last batch
    rows = by_id(world, "Prospects")
    assert sorted(rows) == live_ids(world)
    applied = [i for i in changed if str(rows[i]["Company"]).startswith("Batch Test")]
    assert 0 < len(applied) < len(changed)  # the failure really came part-way
    for prospect_id, row in rows.items():
        prospect = store.prospect(prospect_id)
        assert prospect is not None
        if prospect_id in changed and prospect_id not in applied:
            assert row == old_rows[prospect_id]  # not written yet: wholly the old row
            continue
        assert_basic_row(row, prospect)  # every written row is wholly right

    again = world.run(mapping)
    assert again.status == "ok", again.message
    assert again.rows_updated == len(changed) - len(applied)
    for prospect_id, row in by_id(world, "Prospects").items():
        assert_basic_row(row, store.prospect(prospect_id))  # type: ignore[arg-type]
    assert state(world, "test") != watermark
    world.pardot_emu.clock.advance(600)
    assert world.run(mapping).cells_written == 0
