"""A world for engine tests: both emulators, a Pardot client, a Sheets gateway, an engine, and
mappings written as YAML files the way marketing ops write them."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from gspread.utils import a1_to_rowcol

from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.emulator.sheets import SheetsEmulator
from sheetsync.engine import Engine
from sheetsync.mapping import Mapping, load_mapping
from sheetsync.pardot import PardotClient
from sheetsync.report import RunReport
from sheetsync.settings import Settings
from sheetsync.sheets import SheetsGateway, build_client

START = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
SHEET_ID = "1SheetSyncEngineTest0000000000000000000000"


@dataclass
class World:
    pardot_emu: PardotEmulator
    sheets_emu: SheetsEmulator
    pardot: PardotClient
    sheets: SheetsGateway
    engine: Engine
    settings: Settings
    folder: Path

    def mapping(self, yaml_text: str, name: str = "test") -> Mapping:
        """Write a mapping file and load it (as `sheetsync` would)."""
        path = self.folder / f"{name}.yaml"
        path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
        return load_mapping(path)

    def run(self, mapping: Mapping, **kwargs: Any) -> RunReport:
        report = self.engine.run(mapping, **kwargs)
        return report

    def snapshot(self, spreadsheet_id: str = SHEET_ID) -> dict[str, Any]:
        return self.sheets_emu.snapshot(spreadsheet_id)

    def cells(self, worksheet: str, spreadsheet_id: str = SHEET_ID) -> dict[str, dict[str, Any]]:
        """Every non-empty cell of a worksheet: A1 name -> {value, type, format, note, ...}."""
        sheet = next(
            s
            for s in self.snapshot(spreadsheet_id)["sheets"]
            if s["properties"]["title"] == worksheet
        )
        cells: dict[str, dict[str, Any]] = sheet["cells"]
        return cells

    def grid(self, worksheet: str, spreadsheet_id: str = SHEET_ID) -> list[list[Any]]:
        """The worksheet's values as rows (None for empty cells), from the emulator."""
        found = {
            a1_to_rowcol(k): v.get("value")
            for k, v in self.cells(worksheet, spreadsheet_id).items()
        }
        if not found:
            return []
        rows = max(r for r, _ in found)
        cols = max(c for _, c in found)
        return [[found.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]

    def gspread_sheet(self, worksheet: str, spreadsheet_id: str = SHEET_ID) -> Any:
        """A gspread Worksheet on the emulator, to play a user editing the sheet."""
        return self.sheets_emu.gspread_client().open_by_key(spreadsheet_id).worksheet(worksheet)


def make_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prospects: int = 600, seed: int = 4
) -> Iterator[World]:
    with (
        PardotEmulator(prospects=prospects, seed=seed, start=START) as pardot_emu,
        SheetsEmulator() as sheets_emu,
    ):
        pardot_emu.clock.freeze()
        sheets_emu.create_spreadsheet("engine tests", ["Sheet1"], spreadsheet_id=SHEET_ID)
        for name, value in pardot_emu.settings_env("jwt").items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SHEETSYNC_SHEETS_URL", sheets_emu.url)
        settings = Settings.load()
        pardot = PardotClient(settings.pardot(), sleep=lambda _: None)
        sheets = SheetsGateway(build_client(settings), sleep=lambda _: None)
        engine = Engine(pardot, sheets, settings, clock=pardot_emu.clock.now)
        folder = tmp_path / "mappings"
        folder.mkdir()
        yield World(pardot_emu, sheets_emu, pardot, sheets, engine, settings, folder)
        pardot.close()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


BASIC = f"""
spreadsheet: {SHEET_ID}
worksheet: Prospects
source:
  object: prospects
columns:
  - field: id
    header: Prospect ID
  - field: email
    header: Email
  - field: company
    header: Company
  - field: score
    header: Score
  - field: updatedAt
    header: Updated
"""
