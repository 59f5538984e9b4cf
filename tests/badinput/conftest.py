"""The bad-input catalogue runs on the engine tests' world (both emulators, real clients).

``Guard`` records the spreadsheet and the emulators' counters before a bad input meets the
sync; ``assert_untouched`` then checks that not one cell, format, note or metadata entry
changed and that no write request reached Google.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from tests.engine.conftest import SHEET_ID, World, make_world
from tests.engine.support import Meter


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Iterator[World]:
    # A small account: these tests are about messages, not volume.
    yield from make_world(tmp_path, monkeypatch, prospects=60)


@dataclass
class Cli:
    code: int
    out: str  # stdout and stderr together


def cli(world: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> Cli:
    """``sheetsync ARGS`` against the world's emulators and mapping folder."""
    monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(world.folder))
    result = CliRunner().invoke(app, list(args))
    return Cli(result.exit_code, result.stdout + result.stderr)


class Guard:
    """What the spreadsheet and the counters were before the bad input."""

    def __init__(self, world: World, spreadsheet_id: str = SHEET_ID) -> None:
        self.world = world
        self.spreadsheet_id = spreadsheet_id
        self.before = self._dump()
        self.meter = Meter(world)

    def _dump(self) -> str:
        snap: dict[str, Any] = self.world.snapshot(self.spreadsheet_id)
        return json.dumps(snap, sort_keys=True, default=str)

    def assert_untouched(self, refused_writes: int = 0) -> None:
        """Nothing changed; ``refused_writes``: write requests sent and refused by Google."""
        assert self.meter.spent().sheets_writes == refused_writes
        assert self._dump() == self.before
