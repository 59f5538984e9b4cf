"""What the engine tests look at: the emulators' own request counters, the sheet as tables and
whole-grid differences, and an oracle of what a managed cell must hold, written from the Pardot
store without the engine's transform."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gspread.utils import a1_to_rowcol, rowcol_to_a1

from sheetsync.emulator.sheets.app import READ_KINDS, WRITE_KINDS
from sheetsync.engine import Engine
from sheetsync.pardot import PardotClient
from sheetsync.report import RunReport
from sheetsync.sheets import SheetsGateway, build_client

from .conftest import SHEET_ID, World

Cells = dict[str, dict[str, Any]]
SERIAL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Spent:
    """Requests the emulators saw between two readings of their counters."""

    sheets: Counter[str]
    pardot: Counter[str]

    @property
    def sheets_reads(self) -> int:
        return sum(n for kind, n in self.sheets.items() if kind in READ_KINDS)

    @property
    def sheets_writes(self) -> int:
        return sum(n for kind, n in self.sheets.items() if kind in WRITE_KINDS)

    @property
    def pardot_calls(self) -> int:
        return sum(self.pardot.values())


class Meter:
    """Reads both emulators' counters now; ``spent()`` is what they counted since."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sheets, self.pardot = self._read()

    def _read(self) -> tuple[Counter[str], Counter[str]]:
        sheets = Counter(self.world.sheets_emu.stats()["requests"])
        pardot = Counter(self.world.pardot_emu.server.stats()["requests"])
        return sheets, pardot

    def spent(self) -> Spent:
        sheets, pardot = self._read()
        sheets.subtract(self.sheets)
        pardot.subtract(self.pardot)
        return Spent(+sheets, +pardot)


def assert_report_matches(report: RunReport, spent: Spent) -> None:
    """The run report's API costs are what the emulators themselves counted."""
    assert report.sheets_read_requests == spent.sheets_reads, spent.sheets
    assert report.sheets_write_requests == spent.sheets_writes, spent.sheets
    assert report.pardot_calls == spent.pardot_calls, spent.pardot


def fresh_engine(world: World) -> tuple[Engine, PardotClient]:
    """Another process's engine on the same emulators (its own clients); close the client."""
    pardot = PardotClient(world.settings.pardot(), sleep=lambda _: None)
    sheets = SheetsGateway(build_client(world.settings), sleep=lambda _: None)
    return Engine(pardot, sheets, world.settings, clock=world.pardot_emu.clock.now), pardot


# -- the sheet ----------------------------------------------------------------------------------
def records(world: World, worksheet: str, header_row: int = 1) -> list[dict[str, Any]]:
    """Data rows below the header row as {header: value}, in sheet order (empty rows kept)."""
    grid = world.grid(worksheet)
    if len(grid) < header_row:
        return []
    header = grid[header_row - 1]
    return [
        {str(h): row[i] for i, h in enumerate(header) if h not in (None, "")}
        for row in grid[header_row:]
    ]


def column(world: World, worksheet: str, header: str, header_row: int = 1) -> list[Any]:
    return [r.get(header) for r in records(world, worksheet, header_row)]


def by_id(
    world: World, worksheet: str, header: str = "Prospect ID", header_row: int = 1
) -> dict[int, dict[str, Any]]:
    """Rows keyed by the prospect id column; fails if a prospect is on two rows."""
    found: dict[int, dict[str, Any]] = {}
    for row in records(world, worksheet, header_row):
        value = row.get(header)
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert int(value) not in found, f"prospect {value} is on several rows"
            found[int(value)] = row
    return found


def cell_name(world: World, worksheet: str, row_header: tuple[str, int], header: str) -> str:
    """The A1 name of the cell in ``header``'s column on the row whose ``row_header`` column
    holds the given id (header row 1)."""
    key_header, key = row_header
    grid = world.grid(worksheet)
    col = grid[0].index(header) + 1
    key_col = grid[0].index(key_header)
    row = next(i for i, r in enumerate(grid, 1) if i > 1 and r[key_col] == key)
    return str(rowcol_to_a1(row, col))


def grid_changes(before: Cells, after: Cells) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Every cell whose value, format, note (or anything else the emulator shows) differs."""
    names = set(before) | set(after)
    return {
        n: (before.get(n, {}), after.get(n, {}))
        for n in sorted(names, key=a1_to_rowcol)
        if before.get(n, {}) != after.get(n, {})
    }


def state(world: World, mapping: str, spreadsheet_id: str = SHEET_ID) -> dict[str, Any] | None:
    """The mapping's stored sync state (watermark, hash, last run), from developer metadata."""
    for entry in world.snapshot(spreadsheet_id)["developerMetadata"]:
        if entry["metadataKey"] == f"sheetsync.state.{mapping}":
            data: dict[str, Any] = json.loads(entry["metadataValue"])["state"]
            return data
    return None


def metadata(world: World, spreadsheet_id: str = SHEET_ID) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = world.snapshot(spreadsheet_id)["developerMetadata"]
    return entries


# -- the oracle ---------------------------------------------------------------------------------
def serial(moment: datetime) -> float:
    """A datetime as a Sheets serial number (days since 1899-12-30), in UTC."""
    return (moment - SERIAL_EPOCH).total_seconds() / 86400


def expected_basic_row(prospect: dict[str, Any]) -> dict[str, Any]:
    """What the BASIC mapping's columns must show for a prospect (empty text: no value)."""
    return {
        "Prospect ID": prospect["id"],
        "Email": prospect["email"] or None,
        "Company": prospect["company"] or None,
        "Score": prospect["score"],
        "Updated": serial(prospect["updatedAt"]),
    }


def assert_basic_row(row: dict[str, Any], prospect: dict[str, Any]) -> None:
    want = expected_basic_row(prospect)
    got = {h: row.get(h) for h in want}
    assert got["Updated"] is not None
    assert abs(got["Updated"] - want["Updated"]) < 1e-6, (got, want)
    got["Updated"] = want["Updated"]
    assert got == want


def live_ids(world: World) -> list[int]:
    return world.pardot_emu.store.ids("prospects", deleted=False)


def membership_id(world: World, list_id: int, prospect_id: int) -> int:
    found = world.pardot_emu.store.find(
        "list-memberships", listId=list_id, prospectId=prospect_id, isDeleted=False
    )
    assert found, f"prospect {prospect_id} is not in list {list_id}"
    return found[0]


def members(world: World, list_id: int) -> set[int]:
    store = world.pardot_emu.store
    return {
        int(store.get("list-memberships", m)["prospectId"])  # type: ignore[index]
        for m in store.find("list-memberships", listId=list_id, isDeleted=False)
    }
