"""The figures of a scenario, the cross-check against the emulators' counters, and the ratios.

Pure. A scenario's figures come from its worker (what the run reported, its CPU time and
memory); the emulators' counters, read before and after the run, say what really arrived.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sheetsync.bench.control import Stats
from sheetsync.emulator.sheets.app import READ_KINDS, WRITE_KINDS

SCENARIOS = ("initial", "unchanged", "incremental", "full_after_drift", "rewrite_baseline")
#: Short names for table columns (the README and TITLES say what each one is).
SHORT = {
    "initial": "1 initial",
    "unchanged": "2 unchanged",
    "incremental": "3 incremental",
    "full_after_drift": "4 full+drift",
    "rewrite_baseline": "5 rewrite",
}
TITLES = {
    "initial": "1. initial sync into an empty tab",
    "unchanged": "2. nothing changed",
    "incremental": "3. incremental, 1% changed",
    "full_after_drift": "4. full reconcile after drift",
    "rewrite_baseline": "5. clear + rewrite everything",
}
#: The figures of every scenario, in table order.
METRICS = (
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
#: What the run reports and the emulators count alike.
CROSS_CHECKED = ("pardot_calls", "sheets_read_requests", "sheets_write_requests", "bytes_sent")
RATIO_METRICS = ("bytes_sent", "sheets_write_requests", "cells_written", "wall_seconds")
COMPARED = ("incremental", "full_after_drift")
BASELINE = "rewrite_baseline"


def counted(pardot: Stats, sheets: Stats) -> dict[str, int]:
    """What the emulators saw between two readings of their counters."""
    return {
        "pardot_calls": sum(pardot.requests.values()),
        "sheets_read_requests": sum(n for k, n in sheets.requests.items() if k in READ_KINDS),
        "sheets_write_requests": sum(n for k, n in sheets.requests.items() if k in WRITE_KINDS),
        "bytes_sent": sheets.bytes_received,
        "sheets_429": sheets.statuses.get("429", 0),
    }


def disagreements(name: str, reported: Mapping[str, Any], seen: Mapping[str, int]) -> list[str]:
    return [
        f"{name}: the run reported {key} = {reported.get(key)}, the emulators counted {seen[key]}"
        for key in CROSS_CHECKED
        if reported.get(key) != seen[key]
    ]


def scenario(result: Mapping[str, Any], seen: Mapping[str, int]) -> dict[str, Any]:
    """One scenario's entry of the bench's JSON."""
    entry: dict[str, Any] = {
        "status": result.get("status", "ok"),
        "mode": result.get("mode", "rewrite"),
        "pardot_calls": result["pardot_calls"],
        "sheets_read_requests": result["sheets_read_requests"],
        "sheets_write_requests": result["sheets_write_requests"],
        "cells_written": result["cells_written"],
        "bytes_sent": result["bytes_sent"],
        "wall_seconds": round(result["wall_seconds"], 3),
        "cpu_seconds": round(result["cpu_seconds"], 3),
        "peak_memory_mb": round(result["peak_memory_mb"], 1),
        "memory_before_mb": round(result["memory_before_mb"], 1),
        "sheets_429": seen["sheets_429"],
        "rows_added": result.get("rows_added", 0),
        "rows_updated": result.get("rows_updated", 0),
        "rows_removed": result.get("rows_removed", 0),
        "emulators_counted": dict(seen),
        "counters_agree": not disagreements("", result, seen),
    }
    for extra in ("read_path", "full_reason", "message", "warnings", "pardot_calls_by_endpoint"):
        if result.get(extra):
            entry[extra] = result[extra]
    return entry


def ratios(scenarios: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Scenarios 3 and 4 as a fraction of the rewrite baseline (below 1: cheaper)."""
    base = scenarios[BASELINE]
    out: dict[str, dict[str, float | None]] = {}
    for name in COMPARED:
        out[name] = {
            key: (round(scenarios[name][key] / base[key], 6) if base[key] else None)
            for key in RATIO_METRICS
        }
    return out
