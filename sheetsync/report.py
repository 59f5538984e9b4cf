"""The run report: one per mapping per run, with the keys of the design page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["incremental", "full", "dry_run"]
Status = Literal["ok", "refused", "conflict", "failed"]

REPORT_KEYS = (
    "mapping",
    "mode",
    "status",
    "rows_added",
    "rows_updated",
    "rows_removed",
    "rows_marked",
    "cells_written",
    "pardot_calls",
    "sheets_read_requests",
    "sheets_write_requests",
    "bytes_sent",
    "seconds",
    "message",
)


@dataclass
class RunReport:
    mapping: str
    mode: Mode = "incremental"
    status: Status = "ok"
    rows_added: int = 0
    rows_updated: int = 0
    rows_removed: int = 0
    rows_marked: int = 0
    cells_written: int = 0
    pardot_calls: int = 0
    sheets_read_requests: int = 0
    sheets_write_requests: int = 0
    bytes_sent: int = 0
    seconds: float = 0.0
    message: str = ""
    # Beyond the design keys: useful to people, kept out of the fixed key set's way.
    retryable: bool = False  # a later attempt can fix this failure (steers Scheduler retries)
    full_reason: str | None = None
    read_path: str = ""
    warnings: list[str] = field(default_factory=list)
    pardot_calls_by_endpoint: dict[str, int] = field(default_factory=dict)
    # Alert messages sent and not delivered ({"sent": n, "failed": m}); None without alerts.
    alerts: dict[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: getattr(self, key) for key in REPORT_KEYS}
        data["seconds"] = round(self.seconds, 3)
        data["retryable"] = self.retryable
        data["full_reason"] = self.full_reason
        data["read_path"] = self.read_path
        data["warnings"] = list(self.warnings)
        data["pardot_calls_by_endpoint"] = dict(self.pardot_calls_by_endpoint)
        if self.alerts is not None:
            data["alerts"] = dict(self.alerts)
        return data
