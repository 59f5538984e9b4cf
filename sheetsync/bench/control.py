"""The emulators' control paths (``/_emulator/...``), over HTTP from the bench's own process.

Control requests are not counted in the emulators' stats, so reading the counters around a run
costs the run nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

TIMEOUT = 60.0


def _call(method: str, url: str, body: Any = None) -> Any:
    response = httpx.request(method, url, json=body, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


@dataclass(frozen=True)
class Stats:
    """One reading of an emulator's counters."""

    requests: Counter[str]
    statuses: Counter[str]
    bytes_received: int

    @classmethod
    def read(cls, origin: str) -> Stats:
        data = _call("GET", f"{origin}/_emulator/stats")
        return cls(
            Counter(data.get("requests", {})),
            Counter(data.get("statuses", {})),
            int(data.get("bytes_received", 0)),
        )

    def minus(self, earlier: Stats) -> Stats:
        requests = Counter(self.requests)
        requests.subtract(earlier.requests)
        statuses = Counter(self.statuses)
        statuses.subtract(earlier.statuses)
        return Stats(
            +requests,  # unary plus drops the kinds not used in between
            +statuses,
            self.bytes_received - earlier.bytes_received,
        )


def set_quota(sheets_origin: str, per_minute: int | None) -> None:
    """The Sheets emulator's per-user read and write quotas per minute; None turns them off."""
    body = {} if per_minute is None else {"read_per_minute": per_minute}
    if per_minute is not None:
        body["write_per_minute"] = per_minute
    _call("POST", f"{sheets_origin}/_emulator/quota", body)


def advance_clock(pardot_origin: str, seconds: float) -> None:
    _call("POST", f"{pardot_origin}/_emulator/clock", {"advance_seconds": seconds})


def clock_now(pardot_origin: str) -> datetime:
    data = _call("GET", f"{pardot_origin}/_emulator/clock")
    return datetime.fromisoformat(str(data["now"]).replace("Z", "+00:00"))


def create_spreadsheet(sheets_origin: str, spreadsheet_id: str, worksheet: str) -> None:
    """A spreadsheet with the given id holding one empty tab."""
    body = {"spreadsheetId": spreadsheet_id, "title": "sheetsync bench", "sheets": [worksheet]}
    _call("POST", f"{sheets_origin}/_emulator/spreadsheets", body)
