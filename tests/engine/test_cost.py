"""The cost of a sync on a big account: 20,000 prospects, 100 of them changed.

``sheetsync sync --json`` (in-process, through typer's CliRunner, as a user runs it) must write
exactly the cells that changed (its count equals the cells that differ between two emulator grid
snapshots, and the 100 the test changed), in one write request, with at most 3 Sheets reads and
5 Pardot calls; the emulators' own counters agree with the report.

Clocks: the CLI runs on the wall clock, the Pardot emulator's clock is frozen (at the fixture's
START, before the wall clock). The first sync's watermark is the newest generated ``updatedAt``;
the test then moves the Pardot clock one hour on before changing anything, so every change lies
an hour past the watermark and well outside the 15-minute lookback: the lookback only re-reads a
few unchanged records and cannot decide the outcome.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sheetsync.cli import app

from .conftest import SHEET_ID, World, make_world
from .support import Meter, by_id, grid_changes, live_ids

PROSPECTS = 20_000
CHANGED = 100
COST_MAPPING = f"""
spreadsheet: {SHEET_ID}
worksheet: Prospects
source:
  object: prospects
columns:
  - field: id
    header: Prospect ID
  - field: email
    header: Email
  - field: company
    header: Company
  - field: score
    header: Score
"""


@pytest.fixture
def big_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch, prospects=PROSPECTS)


def _sync_json(world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(world.folder))
    result = CliRunner().invoke(app, ["sync", "--json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.slow
def test_changing_100_of_20000_prospects_costs_one_write_of_100_cells(
    big_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = big_world
    world.mapping(COST_MAPPING, name="cost")
    first = _sync_json(world, monkeypatch)
    assert (first["status"], first["mode"], first["rows_added"]) == (
        "ok",
        "full",
        len(live_ids(world)),
    )

    store = world.pardot_emu.store
    world.pardot_emu.clock.advance(3600)
    chosen = live_ids(world)[::191][:CHANGED]
    assert len(chosen) == CHANGED
    for number, prospect_id in enumerate(chosen):
        store.update_prospect(prospect_id, company=f"Changed Company {number:03d}")
    before = world.cells("Prospects")

    meter = Meter(world)
    report = _sync_json(world, monkeypatch)
    spent = meter.spent()
    after = world.cells("Prospects")

    assert report["status"] == "ok", report["message"]
    assert report["mode"] == "incremental"
    changes = grid_changes(before, after)
    assert report["cells_written"] == len(changes) == CHANGED
    assert {after[n]["value"] for n in changes} == {
        f"Changed Company {i:03d}" for i in range(CHANGED)
    }
    assert report["rows_updated"] == CHANGED
    assert report["sheets_write_requests"] == 1
    assert report["sheets_read_requests"] <= 3
    assert report["pardot_calls"] <= 5
    # The emulators' own counters agree with the report.
    assert spent.sheets_writes == report["sheets_write_requests"]
    assert spent.sheets_reads == report["sheets_read_requests"]
    assert spent.pardot_calls == report["pardot_calls"]
    rows = by_id(world, "Prospects")
    assert {rows[i]["Company"] for i in chosen} == {
        f"Changed Company {i:03d}" for i in range(CHANGED)
    }
