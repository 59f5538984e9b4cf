"""Fixtures for gateway tests against the Sheets emulator, through the real gspread client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sheetsync.sheets import SheetsGateway, client_for_url
from sheetsync.sheets.retry import RetryPolicy

WORKSHEET = "Hot prospects"
MAPPING = "hot-prospects"


@pytest.fixture
def emulator() -> Iterator[Any]:
    sheets = pytest.importorskip("sheetsync.emulator.sheets")
    with sheets.SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff waits the gateway asked for (nothing really sleeps)."""
    return []


def make_gateway(emulator: Any, sleeps: list[float], **kw: Any) -> SheetsGateway:
    kw.setdefault("retry", RetryPolicy())
    return SheetsGateway(client_for_url(emulator.url, timeout=10.0), sleep=sleeps.append, **kw)


@pytest.fixture
def gateway(emulator: Any, sleeps: list[float]) -> SheetsGateway:
    return make_gateway(emulator, sleeps)


@pytest.fixture
def book_id(emulator: Any) -> str:
    spreadsheet_id: str = emulator.create_spreadsheet("Pipeline", sheets=["Sheet1"])
    return spreadsheet_id
