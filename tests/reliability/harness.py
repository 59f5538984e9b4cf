"""The soak's world: both emulators on loopback, an engine with short timeouts and small Pardot
pages (so page tokens are in play), a mapping filtered by a list, and a hook on both emulators'
request pipelines through which the soak injects faults and changes things mid-run.

Requests of the playing user (gspread, marked with a header) go straight to the Sheets app:
no faults, no chaos, not counted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gspread
import pytest

from sheetsync.emulator.httpbase import EmulatorServer, Request, Response
from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.emulator.sheets import SheetsEmulator
from sheetsync.engine import Engine
from sheetsync.mapping import Mapping, load_mapping
from sheetsync.pardot import PardotClient
from sheetsync.settings import Settings
from sheetsync.sheets import SheetsGateway
from sheetsync.sheets.client import client_for_url
from tests.engine.oracle import Col

START = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
SHEET_ID = "1SheetSyncSoakTest000000000000000000000000"
TAB = "Prospects"
LIST_NAME = "Soak list"
USER_HEADER = "X-Soak-User"
PAGE = 40  # records per Pardot page: full reads take several pages (tokens in play)
TIMEOUT = 0.5  # seconds: the clients' read timeout; a longer latency fault is a timeout
COLUMNS = (
    Col("id", "Prospect ID", "integer"),
    Col("email", "Email", "text"),
    Col("company", "Company", "text"),
    Col("score", "Score", "integer"),
    Col("optedOut", "Opted out", "boolean"),
    Col("updatedAt", "Updated", "datetime"),
    Col("campaign.name", "Campaign", "text"),
)
KEY_HEADER = COLUMNS[0].header
MANAGED = frozenset(c.header for c in COLUMNS)
TZ = ZoneInfo("UTC")

# Called for every request the engine sends, before it is served; may answer it instead.
Hook = Callable[[str, Request], Response | None]


def mapping_yaml() -> str:
    columns = "\n".join(c.yaml() for c in COLUMNS)
    return (
        f"spreadsheet: {SHEET_ID}\nworksheet: {TAB}\nsource:\n  object: prospects\n"
        f"  lists: {LIST_NAME}\non_delete: remove\ntime_zone: UTC\ncolumns:\n{columns}\n"
    )


class SmallPages(PardotClient):
    """The product's client, asking for small pages so that every full read follows tokens."""

    def query(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["limit"] = min(int(kwargs.get("limit", PAGE)), PAGE)
        return super().query(*args, **kwargs)


@dataclass
class SoakWorld:
    pardot_emu: PardotEmulator
    sheets_emu: SheetsEmulator
    engine: Engine
    pardot: PardotClient
    mapping: Mapping
    list_id: int
    user_client: gspread.Client
    hook: Hook | None = None

    def now(self) -> datetime:
        return self.pardot_emu.clock.now()

    def snapshot(self) -> dict[str, Any]:
        return self.sheets_emu.snapshot(SHEET_ID)

    def cells(self) -> dict[str, dict[str, Any]]:
        for sheet in self.snapshot()["sheets"]:
            if sheet["properties"]["title"] == TAB:
                found: dict[str, dict[str, Any]] = sheet["cells"]
                return found
        return {}

    def sheet_id(self) -> int:
        for sheet in self.snapshot()["sheets"]:
            if sheet["properties"]["title"] == TAB:
                return int(sheet["properties"]["sheetId"])
        raise LookupError(TAB)

    def user_batch(self, requests: list[dict[str, Any]]) -> None:
        """A user's edit: one batchUpdate through gspread (never faulted)."""
        if requests:
            self.user_client.open_by_key(SHEET_ID).batch_update({"requests": requests})


def _intercept(server: EmulatorServer, name: str, world: SoakWorld) -> None:
    real = server.dispatch
    app = server.app

    def dispatch(request: Request) -> Response:
        if request.header(USER_HEADER):
            return app.handle(request)
        if world.hook is not None and not request.path.startswith("/_emulator/"):
            answer = world.hook(name, request)
            if answer is not None:
                return answer
        return real(request)

    server.dispatch = dispatch  # type: ignore[method-assign]


@contextmanager
def soak_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, prospects: int
) -> Iterator[SoakWorld]:
    with (
        PardotEmulator(prospects=prospects, seed=11, start=START) as pardot_emu,
        SheetsEmulator() as sheets_emu,
    ):
        pardot_emu.clock.freeze()
        sheets_emu.create_spreadsheet("soak", ["Sheet1"], spreadsheet_id=SHEET_ID)
        store = pardot_emu.store
        list_id = store.insert("lists", {"name": LIST_NAME})
        for number, prospect_id in enumerate(store.ids("prospects", deleted=False)):
            if number % 5:  # four in five are on the list
                store.add_membership(list_id, prospect_id)
        for name, value in pardot_emu.settings_env("jwt").items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SHEETSYNC_SHEETS_URL", sheets_emu.url)
        # No lookback: a watermark one second too far would lose data, and the soak would see it.
        monkeypatch.setenv("SHEETSYNC_LOOKBACK_MINUTES", "0")
        monkeypatch.setenv("SHEETSYNC_PARDOT_TIMEOUT_SECONDS", str(TIMEOUT))
        monkeypatch.setenv("SHEETSYNC_MAX_REMOVE_PERCENT", "60")
        settings = Settings.load()
        pardot = SmallPages(settings.pardot(), sleep=lambda _: None)
        sheets = SheetsGateway(
            client_for_url(sheets_emu.url, timeout=(2.0, TIMEOUT)), sleep=lambda _: None
        )
        engine = Engine(pardot, sheets, settings, clock=pardot_emu.clock.now)
        folder = tmp_path / "mappings"
        folder.mkdir()
        path = folder / "soak.yaml"
        path.write_text(mapping_yaml(), encoding="utf-8")
        user_client = sheets_emu.gspread_client()
        user_client.http_client.session.headers[USER_HEADER] = "1"
        world = SoakWorld(
            pardot_emu, sheets_emu, engine, pardot, load_mapping(path), list_id, user_client
        )
        _intercept(pardot_emu.server, "pardot", world)
        _intercept(sheets_emu.server, "sheets", world)
        try:
            yield world
        finally:
            pardot.close()
