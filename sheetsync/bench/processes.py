"""The bench's child processes: the emulators' server, and one fresh worker per scenario.

Children run in their own session, so a Ctrl-C in the terminal reaches only the bench, which
then stops them itself (workers are killed, the server's standard input is closed). Children
get no ``SHEETSYNC_*`` variable from the caller's environment: only the emulators' settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess  # nosec B404  # starts this package's own emulator and worker processes
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

import sheetsync

PACKAGE_ROOT = str(Path(sheetsync.__file__).resolve().parent.parent)


class BenchError(Exception):
    """The bench could not go on (a child failed or timed out); the message says which."""


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without ``SHEETSYNC_*``, plus ``extra``; sheetsync importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    paths = [PACKAGE_ROOT, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.update(extra)
    return env


@dataclass(frozen=True)
class Emulators:
    env: dict[str, str]  # SHEETSYNC_* settings that reach the emulators

    @property
    def pardot_url(self) -> str:
        return self.env["SHEETSYNC_PARDOT_URL"]

    @property
    def sheets_url(self) -> str:
        return self.env["SHEETSYNC_SHEETS_URL"]


def _tail(stream: IO[str], limit: int = 2000) -> str:
    stream.seek(0)
    return stream.read()[-limit:].strip()


def _first_line(stream: IO[str], timeout: float) -> str | None:
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0] if found else None


@contextlib.contextmanager
def emulator_process(prospects: int, seed: int, *, timeout: float) -> Iterator[Emulators]:
    """Start ``python -m sheetsync.bench.server``; stop it however the block ends."""
    command = [sys.executable, "-m", "sheetsync.bench.server"]
    command += ["--prospects", str(prospects), "--seed", str(seed)]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(  # nosec B603  # our interpreter, fixed argv, no shell
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=child_env({}),
            start_new_session=True,
        )
        try:
            assert process.stdout is not None  # nosec B101  # type narrowing: stdout=PIPE
            line = _first_line(process.stdout, timeout)
            if not line:
                state = "did not start in time" if line is None else "exited"
                raise BenchError(f"the emulators' process {state}: {_tail(log) or 'no output'}")
            yield Emulators(dict(json.loads(line)["env"]))
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(OSError):
        if process.stdin is not None:
            process.stdin.close()  # the server's signal to stop
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


def run_worker(task: Mapping[str, Any], env: Mapping[str, str], *, timeout: float) -> Any:
    """Run one task in a fresh ``python -m sheetsync.bench.worker``; its JSON answer."""
    try:
        done = subprocess.run(  # nosec B603  # our interpreter, fixed argv, no shell
            [sys.executable, "-m", "sheetsync.bench.worker"],
            input=json.dumps(task),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=child_env(env),
            start_new_session=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"the {task['task']} worker did not finish in {timeout:.0f} s") from None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        why = done.stderr.strip()[-2000:] or f"exit code {done.returncode}"
        raise BenchError(f"the {task['task']} worker failed: {why}")
    return json.loads(lines[-1])


@contextlib.contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """SIGTERM ends the bench like Ctrl-C does: cleanup code runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
