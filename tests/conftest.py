"""Shared test fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No SHEETSYNC_* variables and no .env file in the working directory."""
    for name in list(os.environ):
        if name.startswith("SHEETSYNC_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sheetsync reliability")
    group.addoption(
        "--long",
        type=int,
        default=0,
        metavar="N",
        help="run the chaos soak (tests/reliability/test_soak.py) for N sync runs",
    )
    group.addoption(
        "--soak-seed",
        type=int,
        default=None,
        metavar="SEED",
        help="seed of the chaos soak and the crash test (default: a new one, printed)",
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Figures the reliability tests recorded (the soak's runs, faults and losses)."""
    from tests.reliability.figures import FIGURES

    lines = terminalreporter.config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("sheetsync reliability figures")
        for line in lines:
            terminalreporter.write_line(line)


# Seconds a soak run may take on average under ``--long`` (about 0.2 s here): the suite's
# 300 s per-test timeout is for ``make test``, not for a soak someone asked to run for hours.
LONG_SOAK_SECONDS_PER_RUN = 2.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--long N`` the soak's timeout grows with N."""
    runs = int(config.getoption("--long"))
    if not runs:
        return
    for item in items:
        if item.name == "test_chaos_soak":
            timeout = max(300, int(runs * LONG_SOAK_SECONDS_PER_RUN))
            item.add_marker(pytest.mark.timeout(timeout))
