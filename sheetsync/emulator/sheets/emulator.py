"""``SheetsEmulator``: the Sheets emulator as one object tests, the CLI and the demo start."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gspread
from gspread.utils import a1_to_rowcol

from ..httpbase import Clock, EmulatorServer
from .app import SheetsApp
from .client import gspread_client
from .quota import QuotaConfig


class SheetsEmulator:
    """A Sheets API v4 emulator on a free loopback port (a context manager).

    ``quota`` is ``None`` (off) or ``{"read_per_minute": n, "write_per_minute": m}``.
    """

    def __init__(
        self,
        cell_limit: int = 10_000_000,
        quota: Mapping[str, Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        metadata_limit: int = 30_000,
        seed: int | None = None,
    ) -> None:
        self.app = SheetsApp(
            clock,
            cell_limit=cell_limit,
            quota=QuotaConfig.from_json(quota),
            metadata_limit=metadata_limit,
            seed=seed,
        )
        self.server = EmulatorServer(self.app, host=host, port=port)

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.server.url

    @property
    def clock(self) -> Clock:
        return self.app.clock

    def start(self) -> SheetsEmulator:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- state -------------------------------------------------------------------------------
    def create_spreadsheet(
        self, title: str, sheets: list[str] | None = None, *, spreadsheet_id: str | None = None
    ) -> str:
        """Create a spreadsheet (the service account can open it); returns its 44-char id.

        ``spreadsheet_id`` fixes the id (the demo creates the ids its example mappings name)."""
        return self.app.create_spreadsheet(title, sheets, spreadsheet_id)

    def snapshot(self, spreadsheet_id: str) -> dict[str, Any]:
        """Every sheet's properties and every non-empty cell's value, format and note."""
        return self.app.snapshot(spreadsheet_id)

    def set_shared(self, spreadsheet_id: str, shared: bool) -> None:
        """``False``: the caller loses access and every request answers 403."""
        self.app.set_shared(spreadsheet_id, shared)

    def protect_for_others(
        self, spreadsheet_id: str, worksheet: str, a1_range: str, owner: str = "owner@example.com"
    ) -> int:
        """Protect ``a1_range`` (``C1:C1000``) of ``worksheet`` as ``owner``, who did not make
        the caller an editor: a write changing any of its cells answers 400. Returns its id."""
        start, _, end = a1_range.partition(":")
        r0, c0 = a1_to_rowcol(start)
        r1, c1 = a1_to_rowcol(end or start)
        bounds = {"startRowIndex": r0 - 1, "endRowIndex": r1, "startColumnIndex": c0 - 1}
        bounds["endColumnIndex"] = c1
        return self.app.add_locked_range(spreadsheet_id, worksheet, bounds, owner)

    def remove_protection(self, spreadsheet_id: str, range_id: int) -> None:
        """The owner lifts the protection ``range_id`` (from :meth:`protect_for_others`)."""
        self.app.remove_protection(spreadsheet_id, range_id)

    def set_quota(
        self, read_per_minute: int | None = None, write_per_minute: int | None = None
    ) -> None:
        """Per-minute per-user limits; ``set_quota(None)`` (both None) turns quotas off."""
        self.app.set_quota(
            QuotaConfig.from_json(
                {"read_per_minute": read_per_minute, "write_per_minute": write_per_minute}
            )
        )

    def stats(self) -> dict[str, Any]:
        return self.server.stats()

    def gspread_client(self) -> gspread.Client:
        """A gspread.Client wired to this emulator (anonymous credentials, no backoff)."""
        return gspread_client(self.url)
