"""The bench's result for people: a table of the five scenarios, the ratios, the checks."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from sheetsync.bench.metrics import (
    BASELINE,
    COMPARED,
    METRICS,
    RATIO_METRICS,
    SCENARIOS,
    SHORT,
    TITLES,
)

LABELS = {
    "pardot_calls": "Pardot calls",
    "sheets_read_requests": "Sheets read requests",
    "sheets_write_requests": "Sheets write requests",
    "cells_written": "cells written",
    "bytes_sent": "bytes sent",
    "wall_seconds": "wall seconds",
    "cpu_seconds": "engine CPU seconds",
    "peak_memory_mb": "engine peak memory (MB)",
    "sheets_429": "429 answers",
}


# Whole megabytes: the peak varies by more than that between runs.
WHOLE = frozenset({"peak_memory_mb"})


def shown(value: Any, metric: str = "") -> str:
    if isinstance(value, float) and metric in WHOLE:
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    if ratio == 0:
        return "0 (nothing)"
    if ratio < 1:
        shown = f"{ratio:.4f}" if ratio < 0.1 else f"{ratio:.2f}"
        return f"{shown} ({1 / ratio:,.1f}x less)"
    return f"{ratio:.2f} ({ratio:,.1f}x more)"


def print_bench(console: Console, result: dict[str, Any]) -> None:
    params, machine = result["parameters"], result["machine"]
    table = Table(
        title=(
            f"sheetsync bench: {params['prospects']:,} prospects "
            f"({params['live_prospects']:,} live), {params['columns']} columns"
        )
    )
    table.add_column("", no_wrap=True)
    for name in SCENARIOS:
        table.add_column(SHORT[name], justify="right", no_wrap=True)
    for metric in METRICS:
        table.add_row(LABELS[metric], *(shown(result[name][metric], metric) for name in SCENARIOS))
    table.add_row("status", *(str(result[name]["status"]) for name in SCENARIOS))
    console.print(table)
    console.print(
        "; ".join(f"{SHORT[name]}: {TITLES[name].split(' ', 1)[1]}" for name in SCENARIOS),
        style="dim",
        highlight=False,
    )
    ratios = Table(title=f"Compared with {SHORT[BASELINE]} (scenario / baseline)")
    ratios.add_column("", no_wrap=True)
    for name in COMPARED:
        ratios.add_column(SHORT[name], justify="right", no_wrap=True)
    for metric in RATIO_METRICS:
        ratios.add_row(
            LABELS[metric], *(ratio_text(result["ratios"][name][metric]) for name in COMPARED)
        )
    console.print(ratios)
    quota = (
        f"{params['quota_per_minute']} reads and writes/min, the run paced at "
        f"{params['paced_per_minute']}/min"
        if params["quota"]
        else "off"
    )
    console.print(
        f"Sheets quota simulation in scenario 1: {quota}. Machine: {machine['cpu_count']} CPU(s), "
        f"Python {machine['python']}. Total {result['total_seconds']} s.",
        highlight=False,
    )
    _print_checks(console, result)


def _print_checks(console: Console, result: dict[str, Any]) -> None:
    incremental = result["incremental"]
    console.print(
        f"Scenario 3 changed {incremental['prospects_changed']:,} prospects: "
        f"{incremental['cells_changed']:,} cells differ in the sheet, "
        f"{incremental['cells_written']:,} written.",
        highlight=False,
    )
    check = result["full_after_drift"]["check"]
    verdict = "[green]passed[/]" if check["ok"] else "[bold red]FAILED[/]"
    console.print(
        f"Check after scenario 4 {verdict}: {check['rows']:,} rows for "
        f"{check['live_prospects']:,} live prospects, {check['duplicates']} duplicate(s), "
        f"{check['missing']} missing, {check['extra']} extra; "
        f"{check['overwritten_cells_checked'] - check['overwritten_cells_wrong']}/"
        f"{check['overwritten_cells_checked']} overwritten cells repaired; "
        f"{check['changed_cells_checked'] - check['changed_cells_wrong']}/"
        f"{check['changed_cells_checked']} Pardot changes shown.",
        highlight=False,
    )
    if result["cross_check"]["agree"]:
        console.print("Every run's report agrees with the emulators' own counters.")
    for line in result["cross_check"]["disagreements"]:
        console.print(f"[yellow]warning:[/] {line}", highlight=False)
    for name in SCENARIOS:
        entry = result[name]
        if entry["status"] != "ok":
            console.print(f"[red]{TITLES[name]}: {entry.get('message', '')}[/]", highlight=False)
