"""Fixtures: a fresh Sheets emulator per test, a gspread client on it, and one spreadsheet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gspread
import pytest

from sheetsync.emulator.sheets import SheetsEmulator

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"


@pytest.fixture
def emu() -> Iterator[SheetsEmulator]:
    with SheetsEmulator(seed=7) as emulator:
        yield emulator


@pytest.fixture
def gc(emu: SheetsEmulator) -> gspread.Client:
    return emu.gspread_client()


@pytest.fixture
def sid(emu: SheetsEmulator) -> str:
    return emu.create_spreadsheet("Test book", sheets=["Sheet1"])


@pytest.fixture
def sh(gc: gspread.Client, sid: str) -> gspread.Spreadsheet:
    return gc.open_by_key(sid)


def api(gc: gspread.Client, method: str, path: str, **kwargs: Any) -> Any:
    """Call a Sheets URL through gspread's own HTTP client (as the gateway does)."""
    return gc.http_client.request(method, f"{SHEETS}/{path}", **kwargs).json()


def error_of(excinfo: pytest.ExceptionInfo[gspread.exceptions.APIError]) -> dict[str, Any]:
    body: dict[str, Any] = excinfo.value.response.json()
    return body["error"]  # type: ignore[no-any-return]
