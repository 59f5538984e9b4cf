"""The emulators' own process during a benchmark: ``python -m sheetsync.bench.server``.

Running them apart keeps their CPU time and memory out of the engine's figures. The process
prints one JSON line (``{"env": {...}}``: the ``SHEETSYNC_*`` settings that reach it) once both
emulators listen, then serves until its standard input closes (the bench ended, however it
ended: a killed parent closes the pipe too) or it gets SIGTERM/SIGINT.

The Pardot clock starts at a fixed moment so the generated data is the same run after run; it
then runs with real time (the bench moves it through ``/_emulator/clock``).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from sheetsync.emulate import running_emulators

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sheetsync.bench.server")
    parser.add_argument("--prospects", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with (
        tempfile.TemporaryDirectory(prefix="sheetsync-bench-") as key_dir,
        running_emulators(
            prospects=args.prospects,
            seed=args.seed,
            daily_limit=None,
            key_dir=Path(key_dir),
            start=START,
        ) as (_pardot, _sheets, env),
    ):
        print(json.dumps({"env": env}), flush=True)
        sys.stdin.read()  # until the bench closes the pipe (or dies)


if __name__ == "__main__":
    main()
