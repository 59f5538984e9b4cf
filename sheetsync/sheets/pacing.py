"""Quota pacing: wait for a free slot instead of sending a request Google would refuse with 429.

Google allows each user 60 read and 60 write requests per minute per project (300 per project),
refilled every minute. The gateway's HTTP client (:mod:`sheetsync.sheets.transport`) asks a
:class:`Pacer` before sending every Sheets request -- first attempts and retries alike, since a
retry costs quota too -- and the pacer sleeps just long enough that no 60-second window ever
holds more than the configured number of requests of that kind.

Sliding window, by reservation. Request *k* of a kind gets the slot
``max(now, slot[k-1], slot[k-N] + 60 s)``: slots never go backwards, and any 60 s window holds at
most N of them, however the server aligns its minutes (whole clock minutes, as the emulator
does, or rolling ones). Only the last N slots are kept. A slot is reserved under a lock and
slept outside it, so threads are served in order and a read waiting never holds up a write.

One pacer per Google user per process (:func:`shared_pacer`): the quota is per user, and every
gateway a process builds talks as the same service account, so two engines in one process (a
Cloud Function syncing several mappings, a benchmark) must draw on one budget; a pacer each would
let each believe it had the whole quota. Other processes using the same account (concurrent
function instances) are not seen: the default's headroom below 60, and the gateway's retry of
429 with backoff, cover them and the gap between our send time and Google's count time.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .counting import is_read

QuotaKind = Literal["read", "write"]
QUOTA_KINDS: tuple[QuotaKind, ...] = ("read", "write")

#: Google's default per-user, per-project quota of each kind (requests per minute).
GOOGLE_PER_MINUTE = 60
#: What sheetsync sends at most, per kind, against Google unless configured: a little below
#: Google's 60, for the latency between our clock and Google's and for other processes.
DEFAULT_PER_MINUTE = 55
WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class PacingLimits:
    """Requests per window of each kind; ``None``: that kind is not paced."""

    reads_per_minute: int | None = DEFAULT_PER_MINUTE
    writes_per_minute: int | None = DEFAULT_PER_MINUTE

    def __post_init__(self) -> None:
        for value in (self.reads_per_minute, self.writes_per_minute):
            if value is not None and value < 1:
                raise ValueError("a pacing limit is a positive number of requests, or None")

    @property
    def enabled(self) -> bool:
        return self.reads_per_minute is not None or self.writes_per_minute is not None

    def limit(self, kind: QuotaKind) -> int | None:
        return self.reads_per_minute if kind == "read" else self.writes_per_minute


def limits_from_settings(
    reads_per_minute: int | None, writes_per_minute: int | None, *, emulator: bool
) -> PacingLimits:
    """Limits from ``SHEETSYNC_SHEETS_{READS,WRITES}_PER_MINUTE``.

    Unset: :data:`DEFAULT_PER_MINUTE` against Google; no pacing against an emulator, whose quota
    simulation is off unless switched on (then set the limits to match). ``0``: no pacing.
    """

    def one(value: int | None) -> int | None:
        if value is None:
            return None if emulator else DEFAULT_PER_MINUTE
        return value if value > 0 else None

    return PacingLimits(one(reads_per_minute), one(writes_per_minute))


def quota_kind(kind: str) -> QuotaKind | None:
    """The Sheets quota a request (a :func:`~sheetsync.sheets.counting.request_kind`) draws on.

    ``None`` for requests that are not Sheets API calls (Drive has quotas of its own).
    """
    if kind.startswith(("drive.", "other.")):
        return None
    return "read" if is_read(kind) else "write"


class _Window:
    """The last ``limit`` slots of one kind (pure; the pacer holds the lock)."""

    def __init__(
        self, limit: int | None, window: float, previous: deque[float] | None = None
    ) -> None:
        self.limit = limit
        self.window = window
        self.slots: deque[float] = deque(previous or (), maxlen=limit or 0)

    def reserve(self, now: float) -> float:
        """The earliest time at or after ``now`` a request may go; it is recorded as taken."""
        if self.limit is None:
            return now
        slot = now
        if self.slots:
            slot = max(slot, self.slots[-1])  # in order (only matters after a reconfigure)
            if len(self.slots) == self.limit:
                slot = max(slot, self.slots[0] + self.window)
        self.slots.append(slot)
        return slot


class Pacer:
    """A thread-safe sliding-window rate limiter with one window per quota kind.

    ``clock`` (seconds, never going backwards) and ``sleep`` are injectable for tests; ``sleep``
    must wait at least as long as asked, as :func:`time.sleep` does.
    """

    def __init__(
        self,
        limits: PacingLimits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        window: float = WINDOW_SECONDS,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._window = window
        self._limits = limits or PacingLimits()
        self._windows = {kind: _Window(self._limits.limit(kind), window) for kind in QUOTA_KINDS}

    @property
    def limits(self) -> PacingLimits:
        return self._limits

    def configure(self, limits: PacingLimits) -> None:
        """New limits; the requests already sent still count against them."""
        with self._lock:
            self._limits = limits
            for kind in QUOTA_KINDS:
                old, limit = self._windows[kind], limits.limit(kind)
                if limit != old.limit:
                    self._windows[kind] = _Window(limit, self._window, old.slots)

    def acquire(self, kind: QuotaKind) -> float:
        """Wait until a request of ``kind`` may be sent; returns the seconds waited (0.0: none)."""
        with self._lock:
            now = self._clock()
            slot = self._windows[kind].reserve(now)
        wait = slot - now
        if wait <= 0:
            return 0.0
        self._sleep(wait)  # outside the lock: the other kind, and later slots, go on
        return wait


_shared_lock = threading.Lock()
_shared: dict[str, Pacer] = {}


def shared_pacer(user: str, limits: PacingLimits) -> Pacer | None:
    """The process's pacer for ``user`` (an account at an API origin), set to ``limits``.

    ``None`` when ``limits`` paces nothing. Every client built for the same user gets the same
    pacer, so they share its budget; the latest limits apply to all of them.
    """
    if not limits.enabled:
        return None
    with _shared_lock:
        pacer = _shared.get(user)
        if pacer is None:
            pacer = _shared[user] = Pacer(limits)
        elif pacer.limits != limits:
            pacer.configure(limits)
        return pacer
