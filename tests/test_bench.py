"""``sheetsync bench``: a small run through the CLI, checked on what must hold at any size, and
the bench's own parts (sheet checks, cross-check, child processes)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console

from sheetsync.bench.baseline import plain, table_values
from sheetsync.bench.control import Stats
from sheetsync.bench.drift import choose_user_edits, sorted_rows
from sheetsync.bench.metrics import SCENARIOS, counted, disagreements, ratios
from sheetsync.bench.output import print_bench
from sheetsync.bench.processes import BenchError, emulator_process, run_worker
from sheetsync.bench.sheetgrid import Grid, changed_cells, check_rows
from sheetsync.sheets import Link

# Big enough for the drift the issue names (100 cells, 50 rows: a small sheet loses at most 5%
# of its rows), small enough to run in about 15 s on the 2-core machine.
PROSPECTS = 1200
FIGURES = (
    "pardot_calls",
    "sheets_read_requests",
    "sheets_write_requests",
    "cells_written",
    "bytes_sent",
    "wall_seconds",
    "cpu_seconds",
    "peak_memory_mb",
    "sheets_429",
)


@pytest.fixture(scope="module")
def run() -> Iterator[tuple[dict[str, Any], str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    done = subprocess.run(
        [sys.executable, "-m", "sheetsync.cli", "bench", "--prospects", str(PROSPECTS), "--json"],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    yield json.loads(done.stdout), done.stderr


@pytest.fixture(scope="module")
def result(run: tuple[dict[str, Any], str]) -> dict[str, Any]:
    return run[0]


def test_json_has_every_scenario_figure_and_the_setup(result: dict[str, Any]) -> None:
    assert set(SCENARIOS) | {"parameters", "machine", "ratios", "cross_check", "ok"} <= set(result)
    for name in SCENARIOS:
        assert set(FIGURES) <= set(result[name]), name
        assert result[name]["status"] == "ok", result[name]
        assert result[name]["peak_memory_mb"] > 0 and result[name]["cpu_seconds"] > 0
    assert result["parameters"]["prospects"] == PROSPECTS
    assert result["parameters"]["quota"] is True
    assert result["machine"]["cpu_count"] == os.cpu_count()
    assert result["ok"] is True


def test_progress_goes_to_stderr(run: tuple[dict[str, Any], str]) -> None:
    stderr = run[1]
    assert "bench: starting the emulators" in stderr
    assert "correctness check after the full reconcile passed" in stderr


def test_initial_sync_writes_every_live_prospect(result: dict[str, Any]) -> None:
    initial, live = result["initial"], result["parameters"]["live_prospects"]
    assert initial["rows_added"] == live
    assert initial["sheets_write_requests"] >= 1
    # Quota simulation was on; at this size the load is one or two requests, far under it.
    assert initial["sheets_429"] == 0


def test_nothing_changed_writes_nothing(result: dict[str, Any]) -> None:
    unchanged = result["unchanged"]
    assert unchanged["sheets_write_requests"] == 0
    assert unchanged["cells_written"] == 0
    assert unchanged["bytes_sent"] == 0


def test_incremental_run_writes_only_the_changed_cells_in_one_request(
    result: dict[str, Any],
) -> None:
    incremental = result["incremental"]
    assert incremental["prospects_changed"] == round(result["parameters"]["live_prospects"] / 100)
    assert incremental["sheets_write_requests"] == 1
    assert incremental["sheets_read_requests"] <= 3
    assert incremental["pardot_calls"] <= 5
    # Each change shows in its own column and in the "Updated" column, nowhere else.
    assert incremental["cells_changed"] == 2 * incremental["prospects_changed"]
    assert incremental["cells_written"] == incremental["cells_changed"]


def test_full_reconcile_repairs_the_drift_for_fewer_bytes_than_a_rewrite(
    result: dict[str, Any],
) -> None:
    full, rewrite = result["full_after_drift"], result["rewrite_baseline"]
    assert full["mode"] == "full"
    assert full["drift"]["rows_deleted"] == 50 and full["drift"]["cells_overwritten"] == 100
    assert full["bytes_sent"] < rewrite["bytes_sent"]
    assert full["cells_written"] < rewrite["cells_written"]
    check = full["check"]
    assert check["ok"] is True
    assert check["rows"] == check["live_prospects"]
    assert check["duplicates"] == check["missing"] == check["extra"] == 0
    assert check["overwritten_cells_checked"] > 90 and check["overwritten_cells_wrong"] == 0
    assert check["changed_cells_checked"] > 0 and check["changed_cells_wrong"] == 0


def test_rewrite_baseline_writes_every_cell(result: dict[str, Any]) -> None:
    rewrite = result["rewrite_baseline"]
    live_after = result["full_after_drift"]["check"]["live_prospects"]
    assert rewrite["cells_written"] == (live_after + 1) * result["parameters"]["columns"]
    assert rewrite["sheets_write_requests"] == 2  # clear, then one values.update


def test_ratios_compare_with_the_baseline(result: dict[str, Any]) -> None:
    base = result["rewrite_baseline"]
    for name in ("incremental", "full_after_drift"):
        for key, value in result["ratios"][name].items():
            assert value == pytest.approx(result[name][key] / base[key], abs=1e-6)


def test_reports_agree_with_the_emulators_counters(result: dict[str, Any]) -> None:
    assert result["cross_check"] == {"agree": True, "disagreements": []}
    for name in SCENARIOS:
        seen = result[name]["emulators_counted"]
        for key in ("pardot_calls", "sheets_read_requests", "sheets_write_requests", "bytes_sent"):
            assert result[name][key] == seen[key], (name, key)


def test_table_shows_the_figures_and_the_check(result: dict[str, Any]) -> None:
    console = Console(record=True, width=120)
    print_bench(console, result)
    text = console.export_text()
    assert "4 full+drift" in text and "5 rewrite" in text
    assert f"{result['initial']['bytes_sent']:,}" in text
    assert "Check after scenario 4 passed" in text
    assert "agrees with the emulators' own counters" in text


# -- the parts -------------------------------------------------------------------------------
GRID: Grid = [
    ["Prospect ID", "Company", "Score"],
    [3, "Initech", 10],
    [1, "Acme", 5],
    [2, None, 7],
]


def test_check_rows_finds_duplicates_missing_and_extra_rows() -> None:
    assert check_rows(GRID, "Prospect ID", {1, 2, 3}).ok
    grid = [*GRID, [1, "Acme again", 5], [9, "Stray", 1]]
    check = check_rows(grid, "Prospect ID", {1, 2, 3, 4})
    assert not check.ok
    assert (check.duplicates, check.missing, check.extra) == (["1"], ["4"], ["9"])
    assert check_rows([], "Prospect ID", {1}).missing == ["1"]  # no table: fails, no crash


def test_changed_cells_match_rows_by_key_whatever_their_order() -> None:
    moved = [GRID[0], GRID[3], GRID[1], [1, "Acme", 6]]
    assert changed_cells(GRID, moved, "Prospect ID") == 1
    assert changed_cells(GRID, GRID[:3], "Prospect ID") == 2  # a row gone: its non-empty cells


def test_user_edits_leave_keys_alone_and_never_edit_deleted_rows() -> None:
    grid: Grid = [["Prospect ID", "A", "B"]] + [[i, f"a{i}", i] for i in range(1, 201)]
    cells, rows = choose_user_edits(grid, "Prospect ID", random.Random(1), cells=30, rows=50)
    assert len(cells) == 30 and len(rows) == 10  # at most 5% of the rows
    assert all(col != 0 for _, col in cells)
    assert not {r for r, _ in cells} & set(rows)


def test_sorted_rows_put_empty_cells_last() -> None:
    assert [row[0] for row in sorted_rows(GRID, "Company")] == [1, 3, 2]


def test_baseline_writes_links_as_text_and_empty_cells_as_blank() -> None:
    assert plain(Link("a@b.com", "https://x/1")) == "a@b.com"
    assert plain(None) == ""
    assert table_values(["H"], [[0.5], [True]]) == [["H"], [0.5], [True]]


def test_counted_splits_reads_writes_and_counts_quota_refusals() -> None:
    sheets = Stats(
        Counter({"spreadsheets.get": 2, "values.get": 1, "spreadsheets.batchUpdate": 4}),
        Counter({"200": 5, "429": 2}),
        1234,
    )
    pardot = Stats(Counter({"token": 1, "prospects.query": 3}), Counter({"200": 4}), 0)
    seen = counted(pardot, sheets)
    assert seen == {
        "pardot_calls": 4,
        "sheets_read_requests": 3,
        "sheets_write_requests": 4,
        "bytes_sent": 1234,
        "sheets_429": 2,
    }
    reported = {**seen, "bytes_sent": 1000}
    assert disagreements("initial", reported, seen) == [
        "initial: the run reported bytes_sent = 1000, the emulators counted 1234"
    ]


def test_ratios_are_fractions_of_the_baseline() -> None:
    figures = {"bytes_sent": 50, "sheets_write_requests": 1, "cells_written": 5, "wall_seconds": 1}
    base = {"bytes_sent": 1000, "sheets_write_requests": 2, "cells_written": 100, "wall_seconds": 4}
    result = ratios({"incremental": figures, "full_after_drift": figures, "rewrite_baseline": base})
    assert result["incremental"] == {
        "bytes_sent": 0.05,
        "sheets_write_requests": 0.5,
        "cells_written": 0.05,
        "wall_seconds": 0.25,
    }


def test_a_worker_past_its_timeout_is_stopped() -> None:
    with pytest.raises(BenchError, match="did not finish"):
        run_worker({"task": "sync"}, {}, timeout=0.05)


def test_the_emulators_process_stops_when_the_bench_fails() -> None:
    with (
        pytest.raises(RuntimeError, match="bench failed"),
        emulator_process(0, 1, timeout=60) as emulators,
    ):
        url = emulators.pardot_url
        assert httpx.get(f"{url}/_emulator/stats").status_code == 200
        raise RuntimeError("bench failed")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_emulator/stats", timeout=2)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc only")
def test_a_workers_peak_memory_is_its_own_not_the_bench_that_started_it() -> None:
    held = bytearray(256 * 1024 * 1024)
    held[::4096] = b"\x01" * len(held[::4096])  # touch every page: resident in this process
    code = "from sheetsync.bench.worker import peak_memory_mb; print(peak_memory_mb())"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(done.stdout) < 200, "the child reported its parent's memory"
    del held
