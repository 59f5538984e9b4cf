"""Quota pacing: a sliding window per quota kind keeps Sheets requests under the per-minute quota.

Time is a fake clock everywhere (the pacer's sleep moves it), so nothing really waits; against
the emulator the pacer and the emulator's quota simulation read the same frozen clock.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.emulator.httpbase import Clock, Fault
from sheetsync.settings import Settings, SettingsError
from sheetsync.sheets import (
    CellRun,
    SheetsGateway,
    SheetWrite,
    build_client,
    client_for_url,
)
from sheetsync.sheets.counting import Counters
from sheetsync.sheets.pacing import (
    DEFAULT_PER_MINUTE,
    Pacer,
    PacingLimits,
    QuotaKind,
    limits_from_settings,
    quota_kind,
    shared_pacer,
)
from sheetsync.sheets.retry import RetryPolicy
from sheetsync.sheets.transport import GatewayHTTPClient

from .conftest import MAPPING, WORKSHEET

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class FakeTime:
    """A clock whose sleep moves it forward (single-threaded use)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def pacer(reads: int | None, writes: int | None, fake: FakeTime) -> Pacer:
    return Pacer(PacingLimits(reads, writes), clock=fake.clock, sleep=fake.sleep)


# -- the window -------------------------------------------------------------------------------


# Half-second steps keep the arithmetic exact in binary floating point.
@given(
    limit=st.integers(1, 6),
    gaps=st.lists(st.integers(0, 80).map(lambda n: n / 2), min_size=1, max_size=40),
)
def test_no_window_of_60_seconds_ever_holds_more_than_the_limit(
    limit: int, gaps: list[float]
) -> None:
    fake = FakeTime()
    paced = pacer(None, limit, fake)
    sent: list[float] = []
    waits: list[float] = []
    for gap in gaps:
        fake.now += gap  # the caller's own work between requests
        waits.append(paced.acquire("write"))
        sent.append(fake.now)
    # N+1 consecutive requests always span at least 60 s: no 60 s window holds more than N.
    assert all(sent[i + limit] - sent[i] >= 60 for i in range(len(sent) - limit))
    for i, waited in enumerate(waits):
        if waited:
            # It went the moment the oldest of the last N left the window, not a moment later.
            assert i >= limit and sent[i] == sent[i - limit] + 60
        else:
            assert i < limit or sent[i] - sent[i - limit] >= 60
    assert fake.sleeps == [w for w in waits if w]


def test_it_sleeps_exactly_until_a_slot_frees() -> None:
    fake = FakeTime(0.0)
    paced = pacer(None, 3, fake)
    assert [paced.acquire("write") for _ in range(3)] == [0.0, 0.0, 0.0]
    fake.now = 10.0
    assert paced.acquire("write") == 50.0  # the first left the window at 60
    assert fake.now == 60.0
    assert paced.acquire("write") == 0.0  # the second left at 60 too
    assert paced.acquire("write") == 0.0  # and the third
    assert paced.acquire("write") == 60.0  # the fourth (sent at 60) leaves at 120
    fake.now = 185.0
    assert paced.acquire("write") == 0.0
    assert fake.sleeps == [50.0, 60.0]


def test_reads_and_writes_are_paced_separately() -> None:
    fake = FakeTime(0.0)
    paced = pacer(2, 3, fake)
    assert [paced.acquire("read") for _ in range(2)] == [0.0, 0.0]
    assert [paced.acquire("write") for _ in range(3)] == [0.0, 0.0, 0.0]  # reads used no writes
    assert paced.acquire("read") == 60.0
    assert [paced.acquire("write") for _ in range(3)] == [0.0, 0.0, 0.0]  # a minute has passed
    assert paced.acquire("write") == 60.0
    assert paced.acquire("read") == 0.0


def test_an_unpaced_kind_never_waits() -> None:
    fake = FakeTime(0.0)
    paced = pacer(None, 1, fake)
    assert [paced.acquire("read") for _ in range(500)] == [0.0] * 500
    assert paced.acquire("write") == 0.0
    assert paced.acquire("write") == 60.0


def test_new_limits_still_count_the_requests_already_sent() -> None:
    fake = FakeTime(0.0)
    paced = pacer(None, 3, fake)
    for _ in range(3):
        paced.acquire("write")
    paced.configure(PacingLimits(None, 2))
    assert paced.acquire("write") == 60.0
    paced.configure(PacingLimits(None, 5))
    assert paced.acquire("write") == 0.0  # 4 in the window [60, 120) with room for 5
    paced.configure(PacingLimits(None, None))
    assert [paced.acquire("write") for _ in range(10)] == [0.0] * 10


def test_threads_get_exactly_the_slots_a_single_caller_would() -> None:
    # A frozen clock and a sleep that only returns: each reservation is final, so the slots
    # handed out under contention must be exactly N per minute, none lost, none doubled.
    # A tiny GIL switch interval makes threads interleave inside the pacer.
    lock = threading.Lock()
    slots: dict[str, list[float]] = {"read": [], "write": []}
    paced = Pacer(PacingLimits(4, 5), clock=lambda: 0.0, sleep=lambda _: None)
    threads_count, each = 8, 300
    start = threading.Barrier(threads_count)

    def worker() -> None:
        start.wait()
        for n in range(each):
            kind: QuotaKind = "read" if n % 3 == 0 else "write"
            waited = paced.acquire(kind)
            with lock:
                slots[kind].append(waited)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=worker) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    reads = threads_count * each // 3
    writes = threads_count * each - reads
    assert sorted(slots["read"]) == [60.0 * (i // 4) for i in range(reads)]
    assert sorted(slots["write"]) == [60.0 * (i // 5) for i in range(writes)]


def test_a_read_waiting_for_its_slot_does_not_hold_up_a_write() -> None:
    asleep, release = threading.Event(), threading.Event()

    def sleep(_: float) -> None:
        asleep.set()
        release.wait(timeout=30)

    paced = Pacer(PacingLimits(1, 1), clock=lambda: 0.0, sleep=sleep)
    paced.acquire("read")
    reader = threading.Thread(target=paced.acquire, args=("read",))
    reader.start()
    assert asleep.wait(timeout=30)
    try:
        assert paced.acquire("write") == 0.0  # returns while the reader still sleeps
        assert reader.is_alive()
    finally:
        release.set()
        reader.join(timeout=30)


# -- what is paced, and with which limits ------------------------------------------------------


def test_sheets_requests_are_paced_by_quota_kind_and_drive_is_not() -> None:
    assert quota_kind("spreadsheets.get") == "read"
    assert quota_kind("values.get") == "read"
    assert quota_kind("developerMetadata.search") == "read"
    assert quota_kind("spreadsheets.batchUpdate") == "write"
    assert quota_kind("values.update") == "write"
    assert quota_kind("drive.files.list") is None
    assert quota_kind("other.get") is None


def test_limits_default_below_google_quota_and_off_against_an_emulator() -> None:
    assert limits_from_settings(None, None, emulator=False) == PacingLimits(
        DEFAULT_PER_MINUTE, DEFAULT_PER_MINUTE
    )
    assert DEFAULT_PER_MINUTE < 60
    assert not limits_from_settings(None, None, emulator=True).enabled
    assert limits_from_settings(10, 5, emulator=True) == PacingLimits(10, 5)
    assert limits_from_settings(0, 30, emulator=False) == PacingLimits(None, 30)
    with pytest.raises(ValueError):
        PacingLimits(0, 5)


def test_settings_read_the_pacing_variables(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings.load().sheets_reads_per_minute is None
    monkeypatch.setenv("SHEETSYNC_SHEETS_READS_PER_MINUTE", "40")
    monkeypatch.setenv("SHEETSYNC_SHEETS_WRITES_PER_MINUTE", "0")
    settings = Settings.load()
    assert (settings.sheets_reads_per_minute, settings.sheets_writes_per_minute) == (40, 0)
    monkeypatch.setenv("SHEETSYNC_SHEETS_WRITES_PER_MINUTE", "-1")
    with pytest.raises(SettingsError, match="SHEETSYNC_SHEETS_WRITES_PER_MINUTE"):
        Settings.load()


def http_of(client: Any) -> GatewayHTTPClient:
    http = client.http_client
    assert isinstance(http, GatewayHTTPClient)
    return http


def test_clients_built_in_one_process_share_one_pacer_per_user(emulator: Any) -> None:
    settings = Settings.load(
        sheets_url=emulator.url, sheets_reads_per_minute=30, sheets_writes_per_minute=20
    )
    first, second = http_of(build_client(settings)), http_of(build_client(settings))
    assert first.pacer is not None and first.pacer is second.pacer
    assert first.pacer.limits == PacingLimits(30, 20)
    # Another endpoint (another emulator, or Google) is another quota: another pacer.
    other = shared_pacer("http://127.0.0.1:1 anonymous", PacingLimits(30, 20))
    assert other is not None and other is not first.pacer
    # The latest settings apply to every client of that user.
    http_of(build_client(settings.model_copy(update={"sheets_writes_per_minute": 10})))
    assert first.pacer.limits == PacingLimits(30, 10)


def test_no_pacer_when_pacing_is_off(emulator: Any) -> None:
    assert http_of(build_client(Settings.load(sheets_url=emulator.url))).pacer is None
    off = Settings.load(
        sheets_url=emulator.url, sheets_reads_per_minute=0, sheets_writes_per_minute=0
    )
    assert http_of(build_client(off)).pacer is None


def test_counters_report_waits_and_reset_them() -> None:
    counters = Counters()
    counters.count("values.get", 0)
    counters.record_wait(12.5)
    counters.record_wait(47.5)
    snap = counters.snapshot()
    assert (snap.pacing_waits, snap.pacing_wait_seconds) == (2, 60.0)
    assert (counters.pacing_waits, counters.pacing_wait_seconds) == (2, 60.0)
    assert (snap.read_requests, snap.write_requests) == (1, 0)
    counters.reset()
    assert (counters.pacing_waits, counters.pacing_wait_seconds) == (0, 0.0)


# -- through the gateway, against the emulator's quota simulation -------------------------------


READS, WRITES = 10, 5
NO_JITTER = RetryPolicy(jitter=0.0)


@pytest.fixture
def quota_emulator() -> Iterator[Any]:
    sheets = pytest.importorskip("sheetsync.emulator.sheets")
    clock = Clock(START, frozen=True)
    quota = {"read_per_minute": READS, "write_per_minute": WRITES}
    with sheets.SheetsEmulator(quota=quota, clock=clock) as emu:
        yield emu


def emulator_time(emu: Any) -> float:
    return float(emu.clock.now().timestamp())


def paced_gateway(emu: Any, limits: PacingLimits | None) -> SheetsGateway:
    """A gateway whose pacer, and backoff, run on the emulator's frozen clock."""

    def advance(seconds: float) -> None:
        emu.clock.advance(seconds)

    pacer = None
    if limits is not None:
        pacer = Pacer(limits, clock=lambda: emulator_time(emu), sleep=advance)
    client = client_for_url(emu.url, timeout=10.0, pacer=pacer)
    return SheetsGateway(client, sleep=advance, retry=NO_JITTER)


def read_and_write(gateway: SheetsGateway, book_id: str, rounds: int) -> None:
    """``rounds`` syncs: each reads the sheet (2 reads) and writes one cell (1 write)."""
    book = gateway.open(book_id)
    for n in range(rounds):
        snap = gateway.read(book, WORKSHEET, MAPPING)
        gateway.apply(snap, SheetWrite(runs=[CellRun(0, 0, (n,))]), f"run-{n}")


def test_paced_gateway_sends_more_than_the_quota_without_a_single_429(
    quota_emulator: Any,
) -> None:
    emu = quota_emulator
    book_id = emu.create_spreadsheet("Pipeline", [WORKSHEET])
    gateway = paced_gateway(emu, PacingLimits(READS, WRITES))
    started = emulator_time(emu)
    read_and_write(gateway, book_id, rounds=8)  # 16 reads, 8 writes: past both quotas
    stats = emu.stats()
    assert stats["statuses"] == {"200": 24}, stats["statuses"]
    counts = gateway.counters.snapshot()
    assert (counts.read_requests, counts.write_requests) == (16, 8)
    # One wait: the 11th read, until the first 10 left the minute; by then writes had room.
    assert (counts.pacing_waits, counts.pacing_wait_seconds) == (1, 60.0)
    assert emulator_time(emu) - started == 60.0
    assert emu.snapshot(book_id)["sheets"][0]["cells"]["A1"]["value"] == 7


def test_unpaced_gateway_runs_into_429_on_the_same_sequence(quota_emulator: Any) -> None:
    emu = quota_emulator
    book_id = emu.create_spreadsheet("Pipeline", [WORKSHEET])
    gateway = paced_gateway(emu, None)
    read_and_write(gateway, book_id, rounds=8)  # the backoff outlasts the minute: it completes
    assert emu.stats()["statuses"].get("429", 0) > 0
    assert gateway.counters.pacing_waits == 0


def test_a_retry_passes_through_the_pacer_too(quota_emulator: Any) -> None:
    emu = quota_emulator
    book_id = emu.create_spreadsheet("Pipeline", [WORKSHEET])
    gateway = paced_gateway(emu, PacingLimits(2, WRITES))
    emu.set_quota(read_per_minute=2, write_per_minute=WRITES)
    emu.server.add_faults(Fault(kind="error", target="values.get", code=503))
    gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    # spreadsheets.get, values.get (503), values.get again: the third read of the minute.
    counts = gateway.counters.snapshot()
    assert counts.by_kind == {"spreadsheets.get": 1, "values.get": 2}
    assert counts.pacing_waits == 1
    assert emu.stats()["statuses"] == {"200": 2, "503": 1}
