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
