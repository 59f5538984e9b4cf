"""``sheetsync bench``: the five scenarios, in order, on one pair of emulators.

1. initial sync into an empty tab (Sheets quota simulation on unless asked otherwise);
2. a run with nothing changed;
3. an incremental run after 1% of prospects each had one mapped field changed in Pardot;
4. a full reconcile after drift: 1% changed in Pardot, users overwrote 100 managed cells,
   deleted 50 managed rows and sorted the sheet, 0.5% of prospects deleted in Pardot;
5. the baseline: clear the tab and rewrite every cell with one ``values.update``.

The emulators run in a process of their own and every run in a fresh worker process (see
:mod:`sheetsync.bench.processes`); this process prepares each scenario through the emulators'
APIs and reads their counters around each run to cross-check what the run reported.
"""

from __future__ import annotations

import os
import platform
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sheetsync.bench import control, drift, metrics
from sheetsync.bench.mapping import SPREADSHEET_ID, WORKSHEET, bench_mapping
from sheetsync.bench.processes import BenchError, emulator_process, run_worker, sigterm_as_exit
from sheetsync.bench.sheetgrid import Grid, changed_cells, check_rows, read_grid, rows_by_key
from sheetsync.pardot import PardotClient
from sheetsync.settings import Settings
from sheetsync.sheets import cells_equal, client_for_url
from sheetsync.sheets.pacing import DEFAULT_PER_MINUTE

#: Google's per-user quota of reads and of writes, simulated by the Sheets emulator.
QUOTA_PER_MINUTE = 60
#: Against an emulator sheetsync paces nothing unless told; with the quota simulated, the run
#: paces as it does against Google by default.
PACING_AS_AGAINST_GOOGLE = {
    "SHEETSYNC_SHEETS_READS_PER_MINUTE": str(DEFAULT_PER_MINUTE),
    "SHEETSYNC_SHEETS_WRITES_PER_MINUTE": str(DEFAULT_PER_MINUTE),
}
CHANGED_SHARE = 0.01
DELETED_SHARE = 0.005
USER_CELLS, USER_ROWS = 100, 50
#: Pardot's clock moves this far before each batch of changes: well past the lookback, so the
#: incremental read is decided by the watermark, not by the lookback window.
CLOCK_STEP_SECONDS = 3600
KEY_HEADER = "Prospect ID"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchParams:
    prospects: int = 10_000
    seed: int = 1
    quota: bool = True
    timeout: float | None = None  # per worker; default grows with the prospects

    @property
    def worker_timeout(self) -> float:
        return self.timeout or 300 + self.prospects * 0.02


def run_bench(params: BenchParams, progress: Progress) -> dict[str, Any]:
    """Run the scenarios; the bench's JSON (see the README section "What a sync costs")."""
    started = time.monotonic()
    progress(f"bench: starting the emulators with {params.prospects:,} prospects")
    with (
        sigterm_as_exit(),
        emulator_process(
            params.prospects, params.seed, timeout=120 + params.prospects / 500
        ) as emulators,
    ):
        result = _Bench(params, emulators.env, progress).run()
    result["total_seconds"] = round(time.monotonic() - started, 1)
    return result


def _settings(env: dict[str, str]) -> Settings:
    """Settings for this process's own Pardot calls (no per-run cap: it prepares scenarios)."""
    fields = {name.removeprefix("SHEETSYNC_").lower(): value for name, value in env.items()}
    return Settings.load(_env_file=None, **fields, pardot_max_calls_per_run=None)


class _Bench:
    def __init__(self, params: BenchParams, env: dict[str, str], progress: Progress) -> None:
        self.params = params
        self.env = env
        self.say = progress
        self.pardot_url = env["SHEETSYNC_PARDOT_URL"]
        self.sheets_url = env["SHEETSYNC_SHEETS_URL"]
        self.sheets = client_for_url(self.sheets_url)
        self.rng = random.Random(params.seed)  # nosec B311  # reproducible benchmark data
        self.scenarios: dict[str, dict[str, Any]] = {}
        self.disagreements: list[str] = []

    def run(self) -> dict[str, Any]:
        control.create_spreadsheet(self.sheets_url, SPREADSHEET_ID, WORKSHEET)
        with PardotClient(_settings(self.env).pardot()) as pardot:
            live = drift.live_ids(pardot)
            self._initial()
            self._measure("unchanged", {"task": "sync"})
            self._incremental(pardot, live)
            self._full_after_drift(pardot, live)
        self._measure("rewrite_baseline", {"task": "rewrite"})
        return self._result(len(live))

    # -- scenarios ---------------------------------------------------------------------------
    def _initial(self) -> None:
        if not self.params.quota:
            self._measure("initial", {"task": "sync"})
            return
        control.set_quota(self.sheets_url, QUOTA_PER_MINUTE)
        try:
            self._measure("initial", {"task": "sync"}, PACING_AS_AGAINST_GOOGLE)
        finally:
            control.set_quota(self.sheets_url, None)

    def _incremental(self, pardot: PardotClient, live: set[int]) -> None:
        control.advance_clock(self.pardot_url, CLOCK_STEP_SECONDS)
        before = self._grid()
        changes = drift.changes_for(drift.sample(self.rng, live, CHANGED_SHARE), 3)
        self.say(f"bench: changing {len(changes):,} prospects in Pardot")
        drift.apply_changes(pardot, changes)
        entry = self._measure("incremental", {"task": "sync"})
        entry["prospects_changed"] = len(changes)
        entry["cells_changed"] = changed_cells(before, self._grid(), KEY_HEADER)

    def _full_after_drift(self, pardot: PardotClient, live: set[int]) -> None:
        control.advance_clock(self.pardot_url, CLOCK_STEP_SECONDS)
        changed = drift.sample(self.rng, live, CHANGED_SHARE)
        changes = drift.changes_for(changed, 4)
        deleted = drift.sample(self.rng, live - set(changed), DELETED_SHARE)
        self.say(
            f"bench: changing {len(changes):,} and deleting {len(deleted):,} prospects in "
            f"Pardot; users edit {USER_CELLS} cells, delete {USER_ROWS} rows, sort the sheet"
        )
        drift.apply_changes(pardot, changes)
        drift.delete_prospects(pardot, deleted)
        try:
            edits = drift.apply_user_drift(
                self.sheets,
                SPREADSHEET_ID,
                WORKSHEET,
                KEY_HEADER,
                self.rng,
                cells=USER_CELLS,
                rows=USER_ROWS,
            )
        except ValueError as exc:  # no table to edit: an earlier run failed
            raise BenchError(f"cannot prepare scenario 4: {exc}") from None
        entry = self._measure("full_after_drift", {"task": "sync", "full": True, "force": True})
        entry["drift"] = {
            "prospects_changed": len(changes),
            "prospects_deleted": len(deleted),
            "cells_overwritten": len(edits.overwrites),
            "rows_deleted": edits.deleted_rows,
            "sorted_by": edits.sorted_by,
        }
        entry["check"] = self._check(self._grid(), drift.live_ids(pardot), changes, edits)
        verdict = "passed" if entry["check"]["ok"] else "FAILED"
        self.say(f"bench: correctness check after the full reconcile {verdict}")

    def _check(
        self,
        grid: Grid,
        live: set[int],
        changes: list[drift.Change],
        edits: drift.UserDrift,
    ) -> dict[str, Any]:
        """One row per live prospect, no duplicates; overwritten cells repaired; the changes
        made in Pardot shown."""
        rows = check_rows(grid, KEY_HEADER, live)
        by_key = rows_by_key(grid, KEY_HEADER)
        touched = {str(c.prospect_id) for c in changes}
        repairs = [
            o for o in edits.overwrites if o.key not in touched and int(o.key) in live
        ]  # a row changed in Pardot since holds new values: not a repair to check
        unrepaired = [
            o for o in repairs if not cells_equal(o.original, by_key.get(o.key, {}).get(o.header))
        ]
        shown = [c for c in changes if c.prospect_id in live]
        missed = [
            c
            for c in shown
            if not cells_equal(c.value, by_key.get(str(c.prospect_id), {}).get(c.header))
        ]
        report = rows.to_json()
        report.update(
            overwritten_cells_checked=len(repairs),
            overwritten_cells_wrong=len(unrepaired),
            changed_cells_checked=len(shown),
            changed_cells_wrong=len(missed),
        )
        report["ok"] = rows.ok and not unrepaired and not missed
        return report

    # -- plumbing ----------------------------------------------------------------------------
    def _grid(self) -> Grid:
        return read_grid(self.sheets, SPREADSHEET_ID, WORKSHEET)

    def _measure(
        self, name: str, task: dict[str, Any], env: dict[str, str] | None = None
    ) -> dict[str, Any]:
        self.say(f"bench: {metrics.TITLES[name]} ...")
        pardot0 = control.Stats.read(self.pardot_url)
        sheets0 = control.Stats.read(self.sheets_url)
        worker_env = {**self.env, **(env or {})}
        result = run_worker(task, worker_env, timeout=self.params.worker_timeout)
        seen = metrics.counted(
            control.Stats.read(self.pardot_url).minus(pardot0),
            control.Stats.read(self.sheets_url).minus(sheets0),
        )
        entry = metrics.scenario(result, seen)
        self.disagreements += metrics.disagreements(name, result, seen)
        self.scenarios[name] = entry
        self.say(
            f"bench:   {entry['status']} in {entry['wall_seconds']:.2f} s "
            f"(engine CPU {entry['cpu_seconds']:.2f} s, peak {entry['peak_memory_mb']:.0f} MB), "
            f"{entry['sheets_write_requests']} write request(s), {entry['bytes_sent']:,} bytes"
        )
        return entry

    def _result(self, live: int) -> dict[str, Any]:
        check = self.scenarios["full_after_drift"]["check"]
        statuses_ok = all(s["status"] == "ok" for s in self.scenarios.values())
        return {
            "parameters": {
                "prospects": self.params.prospects,
                "live_prospects": live,
                "seed": self.params.seed,
                "columns": len(bench_mapping().columns),
                "quota": self.params.quota,
                "quota_per_minute": QUOTA_PER_MINUTE if self.params.quota else None,
                "paced_per_minute": DEFAULT_PER_MINUTE if self.params.quota else None,
                "changed_share": CHANGED_SHARE,
                "deleted_share": DELETED_SHARE,
            },
            "machine": {
                "cpu_count": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(terse=True),
            },
            **{name: self.scenarios[name] for name in metrics.SCENARIOS},
            "ratios": metrics.ratios(self.scenarios),
            "cross_check": {
                "agree": not self.disagreements,
                "disagreements": list(self.disagreements),
            },
            "ok": statuses_ok and bool(check["ok"]),
        }
