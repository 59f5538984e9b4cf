"""Figures the reliability tests hand to the terminal summary (see ``tests/conftest.py``)."""

from __future__ import annotations

import pytest

FIGURES = pytest.StashKey[list[str]]()


def record(config: pytest.Config, lines: list[str]) -> None:
    """Print the lines now (seen with ``-s``) and in the terminal summary (always seen)."""
    print("\n".join(lines))
    config.stash.setdefault(FIGURES, []).extend(lines)


def seed_of(config: pytest.Config) -> int:
    """The ``--soak-seed`` given, else a new one (printed with the figures, to reproduce)."""
    import secrets

    given = config.getoption("--soak-seed")
    return int(given) if given is not None else secrets.randbelow(2**31)
