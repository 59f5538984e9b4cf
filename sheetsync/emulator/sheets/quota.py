"""Per-minute, per-user read and write quotas (off unless configured).

Windows are whole minutes of the emulator's clock, refilled when the minute turns, as Google's
limits page describes. A refused request does not consume quota. The user is told apart by
the ``Authorization`` header (all anonymous callers share one bucket).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import quota_exceeded

PROJECT_NUMBER = "000000000000"


@dataclass(frozen=True)
class QuotaConfig:
    read_per_minute: int | None = None
    write_per_minute: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> QuotaConfig | None:
        if not data:
            return None
        allowed = {"read_per_minute", "write_per_minute"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown quota keys: {sorted(unknown)}; allowed: {sorted(allowed)}")
        config = cls(
            read_per_minute=_limit(data.get("read_per_minute")),
            write_per_minute=_limit(data.get("write_per_minute")),
        )
        return (
            None if config.read_per_minute is None and config.write_per_minute is None else config
        )

    def public(self) -> dict[str, int | None]:
        return {"read_per_minute": self.read_per_minute, "write_per_minute": self.write_per_minute}


def _limit(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("quota limits must be non-negative integers or null")
    return value


class QuotaMeter:
    def __init__(self, config: QuotaConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.config = config
        self._counts: dict[tuple[str, str, int], int] = {}

    def configure(self, config: QuotaConfig | None) -> None:
        with self._lock:
            self.config = config
            self._counts.clear()

    def charge(self, kind: str, user: str | None, epoch_seconds: float) -> None:
        """Count one ``read`` or ``write`` request; raise the 429 ApiError when over quota."""
        config = self.config
        if config is None:
            return
        limit = config.read_per_minute if kind == "read" else config.write_per_minute
        if limit is None:
            return
        who = hashlib.sha256((user or "anonymous").encode()).hexdigest()[:16]
        minute = int(epoch_seconds // 60)
        key = (kind, who, minute)
        with self._lock:
            for old in [k for k in self._counts if k[2] < minute]:
                del self._counts[old]
            used = self._counts.get(key, 0)
            if used >= limit:
                raise quota_exceeded(kind, limit, PROJECT_NUMBER)
            self._counts[key] = used + 1
