"""What a mapping remembers between runs (stored by the gateway in developer metadata). Pure.

- ``watermark``: incremental runs read records updated at or after it, minus the lookback. It is
  min(newest ``updatedAt`` seen, run start) and only ever moves with the data it covers, in the
  same atomic write as the last cells.
- ``mapping_hash``: a changed mapping forces a full run.
- ``last_full_run``: a full reconcile runs when it is older than the configured interval.
- ``last_run``: a short summary for ``sheetsync status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class SyncState:
    watermark: datetime | None = None
    mapping_hash: str | None = None
    last_full_run: datetime | None = None
    last_run: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)  # list names -> ids, resolved once
    last_delivery: str | None = None  # Cloud Scheduler job + schedule time of the last write
    last_full_count: int | None = None  # records the last full run read (picks its read path)
    # Alerts' failed_runs rule: runs in a row that did not succeed, and the Cloud Scheduler
    # delivery of the last one (a retried delivery is the same scheduled run, counted once).
    failed_runs: int = 0
    failed_delivery: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SyncState:
        if not data:
            return cls()
        last = data.get("last_run")
        lists = data.get("lists")
        return cls(
            watermark=_time(data.get("watermark")),
            mapping_hash=data.get("mapping_hash")
            if isinstance(data.get("mapping_hash"), str)
            else None,
            last_full_run=_time(data.get("last_full_run")),
            last_run=last if isinstance(last, dict) else {},
            lists=(
                {str(k): v for k, v in lists.items() if isinstance(v, int)}
                if isinstance(lists, dict)
                else {}
            ),
            last_delivery=(
                data.get("last_delivery") if isinstance(data.get("last_delivery"), str) else None
            ),
            last_full_count=(
                data.get("last_full_count")
                if isinstance(data.get("last_full_count"), int)
                else None
            ),
            failed_runs=(
                data["failed_runs"]
                if isinstance(data.get("failed_runs"), int) and data["failed_runs"] > 0
                else 0
            ),
            failed_delivery=(
                data.get("failed_delivery")
                if isinstance(data.get("failed_delivery"), str)
                else None
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        data = self._base_dict()
        if self.failed_runs:  # only while failures are being counted (alerts)
            data["failed_runs"] = self.failed_runs
            data["failed_delivery"] = self.failed_delivery
        return data

    def _base_dict(self) -> dict[str, Any]:
        return {
            "watermark": self.watermark.isoformat(timespec="seconds") if self.watermark else None,
            "mapping_hash": self.mapping_hash,
            "last_full_run": (
                self.last_full_run.isoformat(timespec="seconds") if self.last_full_run else None
            ),
            "last_run": self.last_run,
            "lists": self.lists,
            "last_delivery": self.last_delivery,
            "last_full_count": self.last_full_count,
        }

    def full_run_reason(
        self, mapping_hash: str, now: datetime, every: timedelta, asked: bool
    ) -> str | None:
        """Why this run must be a full one, or None for an incremental run."""
        if asked:
            return "asked for"
        if self.watermark is None or self.mapping_hash is None:
            return "first run"
        if self.mapping_hash != mapping_hash:
            return "the mapping changed"
        if self.last_full_run is None or now - self.last_full_run >= every:
            return f"the last full run is older than {every.total_seconds() / 3600:g} h"
        return None
