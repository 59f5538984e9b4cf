"""Fixtures: a Pardot emulator and clients built from its settings, as a user would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.pardot import PardotClient
from sheetsync.settings import Settings

START = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


class SleepRecorder:
    """Stands in for time.sleep so backoff is asserted, not waited for."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture(scope="module")
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator(prospects=2500, seed=11, start=START) as emu:
        yield emu


@pytest.fixture
def emu(emulator: PardotEmulator) -> Iterator[PardotEmulator]:
    """The module's emulator, back to its initial data, stats and faults for each test."""
    emulator.server.reset()
    yield emulator


ClientFactory = Callable[..., PardotClient]


@pytest.fixture
def make_client(
    emu: PardotEmulator, monkeypatch: pytest.MonkeyPatch, clean_env: Any
) -> Iterator[ClientFactory]:
    clients: list[PardotClient] = []

    def build(
        flow: str = "jwt", *, settings: dict[str, Any] | None = None, **kwargs: Any
    ) -> PardotClient:
        for name, value in emu.settings_env(flow).items():
            monkeypatch.setenv(name, value)
        config = Settings.load(**(settings or {})).pardot()
        kwargs.setdefault("sleep", SleepRecorder())
        client = PardotClient(config, **kwargs)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
