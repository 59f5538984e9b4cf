"""The hooks the Cloud Function relies on: a deadline that stops a run cleanly, and Cloud
Scheduler deliveries that are synced once."""

from __future__ import annotations

import time

from sheetsync.emulator.httpbase import Fault

from .conftest import BASIC, World
from .support import Meter, by_id, state


def test_a_passed_deadline_stops_before_writing(world: World) -> None:
    mapping = world.mapping(BASIC)
    meter = Meter(world)
    report = world.engine.run(mapping, deadline=time.monotonic() - 1)
    assert report.status == "failed" and report.retryable
    assert "deadline" in report.message
    assert meter.spent().sheets_writes == 0
    assert meter.spent().pardot_calls <= 2  # the catalogue, nothing of the read


def test_a_deadline_between_write_batches_leaves_whole_rows_and_the_watermark(world: World) -> None:
    mapping = world.mapping(BASIC)
    world.sheets.max_request_bytes = 20_000  # the first sync goes in many small batches
    world.sheets_emu.server.add_faults(
        Fault(kind="latency", seconds=0.4, target="spreadsheets.batchUpdate", times=100)
    )
    report = world.engine.run(mapping, deadline=time.monotonic() + 1.5)
    assert report.status == "failed" and report.retryable, report.message
    assert "batches" in report.message
    rows = by_id(world, "Prospects")
    assert 0 < len(rows) < len(world.pardot_emu.store.ids("prospects", deleted=False))
    for prospect_id, row in rows.items():  # every row written is whole
        prospect = world.pardot_emu.store.prospect(prospect_id)
        assert prospect is not None and row["Email"] == prospect["email"]
        assert row["Updated"] is not None
    assert state(world, mapping.name) is None  # the watermark never ran ahead of the data
    world.sheets_emu.server.clear_faults()
    again = world.run(mapping)
    assert again.status == "ok", again.message
    assert len(by_id(world, "Prospects")) == len(
        world.pardot_emu.store.ids("prospects", deleted=False)
    )


def test_a_repeated_scheduler_delivery_is_not_synced_twice(world: World) -> None:
    mapping = world.mapping(BASIC)
    delivery = "projects/p/locations/r/jobs/sheetsync-test@2026-11-02T17:00:00Z"
    first = world.engine.run(mapping, delivery=delivery)
    assert first.status == "ok" and first.rows_added > 0
    some = world.pardot_emu.store.ids("prospects", deleted=False)[0]
    world.pardot_emu.clock.advance(120)
    world.pardot_emu.store.update_prospect(some, company="Changed after the first delivery")
    meter = Meter(world)
    repeat = world.engine.run(mapping, delivery=delivery)
    assert repeat.status == "ok" and "already synced" in repeat.message
    assert repeat.cells_written == 0
    assert meter.spent().sheets_writes == 0 and meter.spent().pardot_calls == 0
    following = world.engine.run(mapping, delivery=delivery.replace("17:00", "17:15"))
    assert following.status == "ok" and following.rows_updated == 1
