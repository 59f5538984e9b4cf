"""One scenario, alone in a fresh process: ``python -m sheetsync.bench.worker``.

Reads a task as JSON on standard input (``{"task": "sync", "full": false, "force": false}`` or
``{"task": "rewrite"}``), runs it against the emulators named by the ``SHEETSYNC_*`` variables,
and prints one JSON line: what the run reports, and this process's own CPU seconds, wall seconds
and peak memory. A fresh process per scenario makes each peak the scenario's own.

The engine's clock is the Pardot emulator's (the bench moves that clock between scenarios), so
watermarks and "last full run" times agree with the data's ``updatedAt``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sheetsync.bench.baseline import rewrite_everything
from sheetsync.bench.control import clock_now
from sheetsync.bench.mapping import bench_mapping
from sheetsync.runtime import build_runtime
from sheetsync.settings import Settings


def peak_memory_mb(status: Path = Path("/proc/self/status")) -> float:
    """This process's peak resident memory so far, in MB.

    Linux: ``VmHWM``. Not ``ru_maxrss``: Linux carries it over ``execve`` from the process
    image before it, here a fork of the bench, so it would start at the bench's own size.
    Elsewhere ``ru_maxrss`` (bytes on macOS, KiB on other systems).
    """
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def emulator_clock(pardot_url: str) -> Callable[[], datetime]:
    """The Pardot emulator's time now, moving on with real time."""
    base, started = clock_now(pardot_url), time.monotonic()
    return lambda: base + timedelta(seconds=time.monotonic() - started)


def measured(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    before = peak_memory_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    result["wall_seconds"] = time.perf_counter() - wall
    result["cpu_seconds"] = time.process_time() - cpu
    result["memory_before_mb"] = before
    result["peak_memory_mb"] = peak_memory_mb()
    return result


def run_task(task: dict[str, Any], settings: Settings) -> dict[str, Any]:
    mapping = bench_mapping()
    if task["task"] == "rewrite":
        return measured(lambda: rewrite_everything(settings, mapping))
    if task["task"] != "sync":
        raise ValueError(f"unknown task {task['task']!r}")
    runtime = build_runtime(settings, clock=emulator_clock(settings.pardot_url))
    try:
        full, force = bool(task.get("full")), bool(task.get("force"))
        return measured(lambda: runtime.engine.run(mapping, full=full, force=force).to_json())
    finally:
        runtime.close()


def main() -> None:
    task = json.loads(sys.stdin.read())
    # Only the emulators' settings: no .env file from wherever the bench was started.
    settings = Settings.load(_env_file=None)
    print(json.dumps(run_task(task, settings), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
