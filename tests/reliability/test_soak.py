"""Chaos soak: hundreds of sync runs (incremental; every 10th a full one) while Pardot changes,
users edit the sheet and both APIs fail, between runs and during them.

During a run, a hook on both emulators' request pipelines may, before any request is served,
change Pardot (updates, creates, deletes, undeletes, list joins and leaves) or play a user
(typing into their own cells at any time; inserting, deleting, sorting rows and adding or moving
columns only until the engine's last re-check before writing -- the window after it is
documented, not claimed). Before each run a few faults are armed at random points: Pardot codes
66, 122, 183, 184, 5xx pages, timeouts, dropped connections, expired (210) and invalid (211) page
tokens; Sheets 429, 500, 503, apply-then-503, apply-then-drop, latency, timeouts, drops.

Checked after every run: no prospect is on two rows; no row that was there is lost (unless its
prospect left the list or was deleted, or a user deleted it); every user cell (value, type,
format, note) is unchanged wherever its row and column went. After a run that moved the
watermark: every prospect changed in Pardot before the new watermark is right in the sheet (or
rightly absent; after a list join alone, the cells only a full run repairs are left to it).
After every full run, and a final fault-free one: every managed cell is right and no prospect
is missing. The figures go to the terminal summary.

``--long N`` runs N runs (``--soak-seed S`` replays a seed).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sheetsync.emulator.httpbase import Request, Response
from sheetsync.report import RunReport

from .chaos import CATALOGUE, FaultPlan, PardotActor
from .checks import duplicated, full_check, row_problems, stored_watermark
from .figures import record, seed_of
from .harness import COLUMNS, SoakWorld, soak_world
from .sheetview import SheetView
from .user import SheetUser

DEFAULT_RUNS = 300
PROSPECTS = 150
FULL_EVERY = 10
MID_RUN_CHANCE = 0.04  # per request the engine sends
REPLANNED = "re-planned"


@dataclass
class Tally:
    seed: int
    runs: int = 0
    modes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    replans: int = 0
    mid_run: Counter[str] = field(default_factory=Counter)
    rows_lost: list[str] = field(default_factory=list)
    rows_duplicated: list[str] = field(default_factory=list)
    user_cells_changed: list[str] = field(default_factory=list)
    wrong_after_full: list[str] = field(default_factory=list)
    wrong_after_incremental: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    checked_incremental: int = 0

    def problems(self) -> dict[str, list[str]]:
        return {
            "rows lost": self.rows_lost,
            "rows duplicated": self.rows_duplicated,
            "user cells changed": self.user_cells_changed,
            "managed cells wrong after a full run": self.wrong_after_full,
            "changed records wrong after an incremental run": self.wrong_after_incremental,
            "internal errors": self.internal_errors,
        }


class Soak:
    def __init__(self, world: SoakWorld, seed: int) -> None:
        self.world = world
        rng = random.Random(seed)
        self.rng = random.Random(rng.random())
        self.pardot = PardotActor(world, random.Random(rng.random()))
        self.user = SheetUser(world, random.Random(rng.random()))
        self.faults = FaultPlan(world, random.Random(rng.random()))
        self.mid_rng = random.Random(rng.random())
        self.tally = Tally(seed)
        self.phase = "read"
        self.mid_changed: set[int] = set()
        self.view = SheetView.of(world.cells())
        real = world.engine.sheets.read_column

        def read_column(*args: Any, **kwargs: Any) -> Any:
            self.phase = "write"  # from the last re-check on, users only type in their cells
            return real(*args, **kwargs)

        world.engine.sheets.read_column = read_column  # type: ignore[method-assign]

    # -- what happens around runs -------------------------------------------------------------
    def user_edit(self, *, between_runs: bool) -> str:
        rng = self.rng if between_runs else self.mid_rng
        user = self.user
        choices = [
            ("type", lambda: user.type_cells(rng.randrange(1, 6))),
            ("insert rows", user.insert_rows),
            ("delete row", user.delete_row),
            ("sort", user.sort_rows),
            ("move column", user.move_column),
            ("add column", user.add_column),
        ]
        if between_runs:
            choices.append(("overwrite managed", user.overwrite_managed))
        elif self.phase == "write":
            choices = choices[:1]
        name, edit = rng.choice(choices)
        edit()
        return name

    def hook(self, side: str, request: Request) -> Response | None:
        if side == "pardot":
            answer = self.faults.page_token_fault(request)
            if answer is not None:
                return answer
        if self.mid_rng.random() >= MID_RUN_CHANCE:
            return None
        if self.mid_rng.random() < 0.5:
            # Told by the actor, not by a new time in ``changed``: the clock stands still during
            # a run, at the time of the changes made just before it.
            self.pardot.act(between_runs=False)
            if self.pardot.touched is not None:
                self.mid_changed.add(self.pardot.touched)
            self.tally.mid_run["pardot change"] += 1
        else:
            self.tally.mid_run[f"user {self.user_edit(between_runs=False)}"] += 1
        return None

    # -- one run -------------------------------------------------------------------------------
    def run(self, number: int, *, full: bool, faults: bool = True, chaos: bool = True) -> None:
        world = self.world
        watermark_before = stored_watermark(world)
        self.phase = "read"
        self.mid_changed = set()
        if faults:
            self.faults.arm()
        world.hook = self.hook if chaos else None
        started = world.now()
        try:
            report = world.engine.run(world.mapping, full=full)
        finally:
            world.hook = None
            self.faults.disarm()
        self.account(number, report)
        self.check(report, watermark_before, started)

    def account(self, number: int, report: RunReport) -> None:
        tally = self.tally
        tally.runs += 1
        tally.modes[report.mode] += 1
        tally.statuses[report.status] += 1
        tally.replans += sum(1 for w in report.warnings if REPLANNED in w)
        if report.message.startswith("internal error ("):
            tally.internal_errors.append(f"run {number}: {report.message}")

    def check(self, report: RunReport, watermark_before: Any, started: Any) -> None:
        world, tally = self.world, self.tally
        view = SheetView.of(world.cells())
        expected = self.pardot.expected_ids()
        gone = self.pardot.gone_since_check | (set(self.view.prospect_rows) - expected)
        tally.rows_duplicated.extend(duplicated(view))
        # Rows that were there stay, unless their prospect is gone or a user deleted them.
        for prospect_id in self.view.prospect_rows:
            if prospect_id in view.prospect_rows or prospect_id in gone:
                continue
            if prospect_id not in self.user.deleted_by_user:
                tally.rows_lost.append(f"prospect {prospect_id} (was on the sheet)")
        found = self.user.check(view, gone)
        tally.user_cells_changed.extend(found.changed)
        tally.rows_lost.extend(found.lost_rows)
        self.pardot.gone_since_check = set()
        watermark = stored_watermark(world)
        if watermark is not None and watermark > started:
            tally.wrong_after_incremental.append(f"watermark {watermark} past the run's start")
        if report.status == "ok" or watermark != watermark_before:
            self.check_changed(view, expected, watermark)
        if report.status == "ok" and report.mode == "full":
            missing, wrong = full_check(world, view, expected, self.mid_changed)
            tally.rows_lost.extend(f"{m} missing after a full run" for m in missing)
            tally.wrong_after_full.extend(wrong)
            self.user.deleted_by_user.clear()
            # Every managed cell was just checked right: nothing is stale until a full run.
            self.user.overwritten.clear()
            self.pardot.renamed.clear()
        self.view = view

    def check_changed(self, view: SheetView, expected: set[int], watermark: Any) -> None:
        """Every prospect changed in Pardot before the stored watermark is right in the sheet:
        an incremental run never reads it again (no lookback in the soak).

        A list join changes a membership, not the prospect's record (its updatedAt stays): an
        incremental run reads the record only when the sheet has no row for it (README, "What a
        sync does"; ``sheetsync.source``), so a row already there -- or one added by an earlier
        run whose watermark stopped short of the join -- shows what it showed, like the row of
        any unchanged record. Its managed cells a user typed over, and its campaign's name after
        a rename, are then only put right by a full run (checked there), not claimed here."""
        if watermark is None:
            return
        tally = self.tally
        for prospect_id, when in list(self.pardot.changed.items()):
            if when >= watermark:
                continue
            membership_only = self.pardot.membership_only(prospect_id)
            del self.pardot.changed[prospect_id]
            self.pardot.record_changed.pop(prospect_id, None)
            tally.checked_incremental += 1
            rows = view.prospect_rows.get(prospect_id, [])
            if prospect_id not in expected:
                if rows:
                    tally.wrong_after_incremental.append(
                        f"prospect {prospect_id}: a row, but it is not live on the list"
                    )
                continue
            if not rows:
                tally.rows_lost.append(f"prospect {prospect_id} changed but not on the sheet")
                continue
            skip = self.stale_until_full(prospect_id) if membership_only else set()
            tally.wrong_after_incremental.extend(row_problems(self.world, view, prospect_id, skip))

    def stale_until_full(self, prospect_id: int) -> set[str]:
        """Managed headers of a prospect's row that may rightly be stale until a full run when
        its record did not change: cells a user typed over, and related-record (campaign)
        fields after a rename, since the last full run."""
        record = self.world.pardot_emu.store.prospect(prospect_id)
        stale = {header for p, header in self.user.overwritten if p == prospect_id}
        if record is not None and record.get("campaignId") in self.pardot.renamed:
            stale |= {c.header for c in COLUMNS if c.field.startswith("campaign.")}
        return stale

    # -- the whole soak ------------------------------------------------------------------------
    def between_runs(self) -> None:
        self.world.pardot_emu.clock.advance(self.rng.randrange(30, 900))
        for _ in range(self.rng.randrange(0, 6)):
            self.pardot.act(between_runs=True)
        for _ in range(self.rng.choice((0, 0, 1, 1, 2))):
            self.user_edit(between_runs=True)

    def setup(self) -> None:
        self.run(0, full=True, faults=False, chaos=False)
        self.user.add_first_columns()
        self.user.type_cells(25)
        for _ in range(3):
            self.user.insert_rows()
        self.view = SheetView.of(self.world.cells())

    def play(self, runs: int) -> None:
        self.setup()
        for number in range(1, runs + 1):
            self.between_runs()
            self.run(number, full=number % FULL_EVERY == 0)
        # Quiet at last: one fault-free full run must leave everything right.
        self.world.pardot_emu.clock.advance(60)
        self.run(runs + 1, full=True, faults=False, chaos=False)
        again = self.world.engine.run(self.world.mapping)
        assert again.status == "ok" and again.cells_written == 0, again.to_json()

    def figures(self, seconds: float) -> list[str]:
        tally = self.tally
        faults = self.faults.injected
        lines = [
            f"chaos soak: seed {tally.seed}, {tally.runs} runs in {seconds:.1f} s "
            f"({dict(sorted(tally.modes.items()))}; final fault-free full run included)",
            f"  run outcomes: {dict(sorted(tally.statuses.items()))}; runs that failed cleanly: "
            f"{tally.runs - tally.statuses['ok']}; re-plans: {tally.replans}",
            f"  faults injected: {sum(faults.values())} "
            + ", ".join(f"{k} {v}" for k, v in sorted(faults.items())),
            f"  Pardot changes: {dict(sorted(self.pardot.counts.items()))}",
            f"  user edits: {dict(sorted(self.user.figures.edits.items()))}",
            f"  mid-run events: {dict(sorted(tally.mid_run.items()))}",
            f"  changed records checked after incremental runs: {tally.checked_incremental}",
        ]
        lines += [f"  {name}: {len(found)}" for name, found in tally.problems().items()]
        return lines


@pytest.fixture
def soak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path, request: pytest.FixtureRequest
) -> Any:
    seed = seed_of(request.config)
    with soak_world(tmp_path, monkeypatch, prospects=PROSPECTS) as world:
        yield Soak(world, seed)


def test_chaos_soak(soak: Soak, request: pytest.FixtureRequest) -> None:
    runs = int(request.config.getoption("--long")) or DEFAULT_RUNS
    started = time.monotonic()
    try:
        soak.play(runs)
    finally:
        record(request.config, soak.figures(time.monotonic() - started))
    tally = soak.tally
    found = {name: items[:5] for name, items in tally.problems().items() if items}
    assert not found, f"seed {tally.seed}: {found}"
    never = [k.name for k in CATALOGUE if not soak.faults.injected[k.name]]
    if runs >= DEFAULT_RUNS:
        assert not never, f"seed {tally.seed}: fault kinds never injected: {never}"
    assert tally.statuses["ok"] > tally.runs // 2, f"seed {tally.seed}: {tally.statuses}"
