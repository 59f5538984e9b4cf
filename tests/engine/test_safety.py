"""An empty, failed or truncated Pardot read never removes rows: a failing read writes nothing
and leaves the watermark where it was (the next run converges); a read that would remove most
rows is refused whole and says why, unless forced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sheetsync.emulator.httpbase import Fault
from sheetsync.settings import Settings

from .conftest import BASIC, World, make_world
from .support import Meter, assert_report_matches, by_id, fresh_engine, live_ids, metadata


@pytest.fixture
def paged_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> Iterator[World]:
    """2,500 prospects: a full read takes three pages of 1,000."""
    yield from make_world(tmp_path, monkeypatch, prospects=2500)


@pytest.mark.parametrize(
    ("full", "code"),
    [(True, 183), (True, 122), (False, 183)],
    ids=["full-internal-error", "full-daily-limit", "incremental-internal-error"],
)
def test_a_failing_pardot_read_writes_nothing_and_keeps_the_watermark(
    paged_world: World, full: bool, code: int
) -> None:
    world = paged_world
    mapping = world.mapping(BASIC)
    assert world.run(mapping).status == "ok"
    cells, meta = world.cells("Prospects"), metadata(world)
    # Pardot changed meanwhile: had a partial read been applied, something would show.
    store = world.pardot_emu.store
    world.pardot_emu.clock.advance(600)
    gone, changed = live_ids(world)[5], live_ids(world)[2400]
    store.delete_prospect(gone)
    store.update_prospect(changed, company="Changed While Failing")
    # The first page answers; every later query fails (183 persists; 122 stops the run).
    after = 1 if full else 0
    world.pardot_emu.server.add_faults(
        Fault(kind="error", target="prospects.query", after=after, times=1000, code=code)
    )

    meter = Meter(world)
    report = world.run(mapping, full=full)
    spent = meter.spent()
    world.pardot_emu.server.clear_faults()

    assert report.status == "failed"
    assert f"Pardot error {code}" in report.message
    assert (report.rows_removed, report.cells_written) == (0, 0)
    assert spent.sheets_writes == 0
    assert spent.pardot["prospects.query"] >= (2 if full else 1)
    assert_report_matches(report, spent)
    assert world.cells("Prospects") == cells
    assert metadata(world) == meta  # the watermark and the version did not move

    # The next run (a new process, as the scheduler starts) converges.
    engine, client = fresh_engine(world)
    again = engine.run(mapping, full=full)
    client.close()
    assert again.status == "ok", again.message
    rows = by_id(world, "Prospects")
    assert gone not in rows
    assert rows[changed]["Company"] == "Changed While Failing"
    assert sorted(rows) == live_ids(world)


@pytest.mark.parametrize("left", [0, 4], ids=["nothing-left", "four-left"])
def test_a_full_run_that_would_empty_the_sheet_is_refused_until_forced(
    world: World, left: int
) -> None:
    """Pardot suddenly returns (almost) nothing: a full run would remove (almost) every row."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    rows_before = len(live_ids(world))
    cells, meta = world.cells("Prospects"), metadata(world)
    store = world.pardot_emu.store
    kept = live_ids(world)[:left]
    for prospect_id in store.ids("prospects", deleted="all"):
        if prospect_id not in kept:
            store.purge_prospect(prospect_id)

    meter = Meter(world)
    refused = world.run(mapping, full=True)
    spent = meter.spent()
    assert refused.status == "refused"
    assert f"remove {rows_before - left} of {rows_before} rows" in refused.message
    assert "--force" in refused.message
    assert spent.sheets_writes == 0
    assert_report_matches(refused, spent)
    assert world.cells("Prospects") == cells
    assert metadata(world) == meta

    forced = world.run(mapping, full=True, force=True)
    assert forced.status == "ok", forced.message
    assert forced.rows_removed == rows_before - left
    assert sorted(by_id(world, "Prospects")) == kept
    assert len(world.grid("Prospects")) == 1 + left


def test_an_incremental_run_seeing_most_prospects_deleted_is_refused(world: World) -> None:
    """Someone moved most prospects to the recycle bin: the incremental read sees the deletions,
    and the plan that would remove those rows is refused whole."""
    mapping = world.mapping(BASIC)
    world.run(mapping)
    cells = world.cells("Prospects")
    store = world.pardot_emu.store
    world.pardot_emu.clock.advance(600)
    doomed = live_ids(world)[: len(live_ids(world)) // 2]
    for prospect_id in doomed:
        store.delete_prospect(prospect_id)
    refused = world.run(mapping)
    assert refused.status == "refused"
    assert refused.mode == "incremental"
    assert f"remove {len(doomed)} of" in refused.message
    assert world.cells("Prospects") == cells
    forced = world.run(mapping, force=True)
    assert forced.status == "ok" and forced.rows_removed == len(doomed)
    assert sorted(by_id(world, "Prospects")) == live_ids(world)


@pytest.mark.parametrize(("limit", "allowed"), [(None, False), (40, True)])
def test_the_removal_share_is_configurable(world: World, limit: int | None, allowed: bool) -> None:
    """The default refuses removing 30% of the rows; a mapping allowing 40% applies it."""
    text = BASIC + (f"max_remove_percent: {limit}\n" if limit is not None else "")
    mapping = world.mapping(text)
    world.run(mapping)
    store = world.pardot_emu.store
    ids = live_ids(world)
    for prospect_id in ids[: len(ids) * 3 // 10]:
        store.purge_prospect(prospect_id)
    report = world.run(mapping, full=True)
    assert report.status == ("ok" if allowed else "refused"), report.message
    assert sorted(by_id(world, "Prospects")) == (live_ids(world) if allowed else ids)


def test_a_few_removals_pass_whatever_their_share(world: World) -> None:
    mapping = world.mapping(BASIC)
    world.run(mapping)
    for prospect_id in live_ids(world)[:3]:
        world.pardot_emu.store.purge_prospect(prospect_id)
    report = world.run(mapping, full=True)
    assert report.status == "ok", report.message
    assert report.rows_removed == 3


def test_a_read_cut_short_by_the_call_cap_writes_nothing(
    paged_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN stops a full read after its second page: the rows of
    the unread page must not be taken for deleted prospects."""
    world = paged_world
    mapping = world.mapping(BASIC)
    world.run(mapping)
    cells, meta = world.cells("Prospects"), metadata(world)
    monkeypatch.setenv("SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN", "4")  # token, fields, 2 pages
    world.settings = Settings.load()
    engine, client = fresh_engine(world)
    meter = Meter(world)
    report = engine.run(mapping, full=True)
    client.close()
    spent = meter.spent()
    assert report.status == "failed"
    assert "SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN" in report.message
    assert spent.pardot["prospects.query"] == 2
    assert spent.sheets_writes == 0
    assert_report_matches(report, spent)
    assert world.cells("Prospects") == cells
    assert metadata(world) == meta
