"""A pytest fixture factory for the Pardot emulator.

Use it from a conftest with ``from sheetsync.emulator.pardot.pytest_plugin import
pardot_emulator`` (or list the module in the root ``pytest_plugins``)::

    def test_x(pardot_emulator):
        emu = pardot_emulator(prospects=200, seed=3)   # started; stopped after the test
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .emulator import PardotEmulator


@pytest.fixture
def pardot_emulator() -> Iterator[Callable[..., PardotEmulator]]:
    started: list[PardotEmulator] = []

    def make(**kwargs: Any) -> PardotEmulator:
        emulator = PardotEmulator(**kwargs).start()
        started.append(emulator)
        return emulator

    yield make
    for emulator in started:
        emulator.stop()
