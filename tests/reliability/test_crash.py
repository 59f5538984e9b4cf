"""Crash test: ``sheetsync sync`` in a subprocess, killed with SIGKILL at chosen requests, then run
again (no kill): the sheet must converge.

Both emulators live in this (the test's) process, so they outlive the killed client, which
reaches them over HTTP with the ``SHEETSYNC_*`` variables ``sheetsync emulate`` would print. A
hook on both emulators' request pipelines counts the sync's requests by kind; at the kill point
it holds the request, the test kills the process, and the hook then either serves the request
(``applied``: the write is committed, its answer never reaches anyone) or hangs up without
serving it. A kill on a ``batchUpdate`` is therefore exactly "between chunks": chunk N applied
and chunk N+1 never sent, or chunk N itself never applied.

The data makes every write big: each prospect has ~3,500 characters of comments and most of them
change every round, so a write is ~7-9 MB, cut by the gateway into 4-5 atomic chunks of ~2 MB
(``sheetsync.sheets.chunking``); reads take 3 Pardot pages (1,000 records each).

Round 0 kills the very first run (empty sheet, no state, no version) after the worksheet's
creation or between chunks. Then a user adds their own columns, notes and keyless rows, and
every later round changes Pardot (comments, scores, e-mails, new prospects, deletions,
undeletions), lets the user type and sometimes restructure (insert rows, add or move a column,
sort; sometimes between the kill and the rerun too), and kills a run at a point of its
category: an early Pardot request (token, custom fields, first page), a later Pardot page, a
Sheets read (metadata, values, the key-column re-check), the first chunk, a middle chunk
(twice; once followed by a second kill, in the first chunk of the run after it), the chunk
carrying the state. 9 kills in all. The seed (``--soak-seed``, printed) picks the order of the
categories, the request within each, whether it is served, and every change.

Checked after every kill and after every rerun: no prospect on two rows; no row of a live
prospect lost; every user cell (value, type, format, note) unchanged wherever its row went; the
stored watermark has not passed unwritten data (every prospect changed before it is right in the
sheet, or rightly absent). After a kill: the watermark moved only if the chunk carrying the
state was applied, and every row is wholly as before the run or wholly as Pardot says now (no
half-written row). After every rerun: it succeeded, every managed cell of every live prospect is
right and no other prospect has a row. At the end one more run writes nothing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gspread
import pytest

# _Drop: the emulator's own way to hang up without an answer (what its "drop" faults raise).
from sheetsync.emulator.httpbase import EmulatorServer, Request, Response, _Drop
from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.emulator.sheets import SheetsEmulator
from tests.engine.oracle import Col, expected_value, field_value, same_value

from .checks import duplicated
from .figures import record, seed_of
from .sheetview import SheetView
from .user import SheetUser

SHEET_ID = "1SheetSyncCrashTest00000000000000000000000"
TAB = "Prospects"
NAME = "crash"
PROSPECTS = 2400
COMMENT_CHARS = 3_500
ROUND_SECONDS = 900  # Pardot time per round; its changes are spread over it
USER_HEADER = "X-Crash-User"
TZ = ZoneInfo("UTC")
COLUMNS = (
    Col("id", "Prospect ID", "integer"),
    Col("email", "Email", "text"),
    Col("company", "Company", "text"),
    Col("comments", "Comments", "text"),
    Col("score", "Score", "integer"),
    Col("updatedAt", "Updated", "datetime"),
)
WORDS = ("lead", "call", "=SUM(A1:A9)", "+81 3 1234 5678", "0042", "ünïcødé ✓", "demo", "renewal")
RUN_TIMEOUT = 60.0


def mapping_yaml() -> str:
    columns = "\n".join(c.yaml() for c in COLUMNS)
    return (
        f"spreadsheet: {SHEET_ID}\nworksheet: {TAB}\nsource:\n  object: prospects\n"
        f"on_delete: remove\ntime_zone: UTC\ncolumns:\n{columns}\n"
    )


# -- kill points --------------------------------------------------------------------------------
@dataclass(frozen=True)
class KillPoint:
    """Kill the sync at its ``nth`` request of ``kind`` on ``side`` (counted from the start of
    the run). ``applied``: serve that request first (a write is committed; the answer is lost).
    ``state_chunk``: count only the ``batchUpdate`` that carries the state (the last chunk)."""

    category: str
    side: str  # "pardot" | "sheets"
    kind: str  # the endpoint kind as the emulators count it
    nth: int
    applied: bool
    state_chunk: bool = False

    def matches(self, side: str, kind: str, request: Request) -> bool:
        if side != self.side or kind != self.kind:
            return False
        return not self.state_chunk or _carries_state(request.body)

    @property
    def label(self) -> str:
        what = "the state chunk" if self.state_chunk else f"{self.kind} #{self.nth}"
        how = "served, then killed before the answer" if self.applied else "killed, never served"
        return f"{self.category}: {self.side} {what} ({how})"


def _carries_state(body: bytes) -> bool:
    return b"sheetsync.state." in body or b"updateDeveloperMetadata" in body


def kill_point(category: str, rng: random.Random) -> KillPoint:
    """A kill point of the category, chosen by ``rng``."""
    applied = rng.random() < 0.5
    if category == "first run, between chunks":
        # batchUpdate #1 creates the worksheet, #2.. are the chunks; #n served: n - 1 chunks.
        nth = rng.choice((1, 2, 3))
        return KillPoint(category, "sheets", "spreadsheets.batchUpdate", nth, True)
    if category == "reading Pardot, first requests":
        kind = rng.choice(("token", "custom-fields.query", "prospects.query"))
        return KillPoint(category, "pardot", kind, 1, applied)
    if category == "reading Pardot, a later page":
        return KillPoint(category, "pardot", "prospects.query", rng.choice((2, 3)), applied)
    if category == "reading the sheet":
        kind = rng.choice(("spreadsheets.get", "values.get", "values.batchGet"))
        return KillPoint(category, "sheets", kind, 1, applied)
    if category == "first chunk":
        return KillPoint(category, "sheets", "spreadsheets.batchUpdate", 1, applied)
    if category == "middle chunk":
        return KillPoint(
            category, "sheets", "spreadsheets.batchUpdate", rng.choice((2, 3)), applied
        )
    if category == "last chunk (the state)":
        return KillPoint(category, "sheets", "spreadsheets.batchUpdate", 1, applied, True)
    if category == "the rerun, first chunk":
        return KillPoint(category, "sheets", "spreadsheets.batchUpdate", 1, applied)
    raise ValueError(category)


def kill_points(category: str, rng: random.Random) -> list[KillPoint]:
    """The kills of one round: one, or (``A, then B``) a second one in the run after the first."""
    first, _, then = category.partition(", then ")
    points = [kill_point(first, rng)]
    if then:
        points.append(kill_point(then, rng))
    return points


LATER_CATEGORIES = (
    "reading Pardot, first requests",
    "reading Pardot, a later page",
    "reading the sheet",
    "first chunk",
    "middle chunk",
    "middle chunk, then the rerun, first chunk",
    "last chunk (the state)",
)


class Killer:
    """The hook on both emulators' request pipelines (the sync's requests only)."""

    def __init__(self) -> None:
        self.point: KillPoint | None = None
        self.seen: Counter[tuple[str, str]] = Counter()  # (side, kind) -> requests this run
        self.writes_served = 0  # batchUpdates served this run (applied)
        self.reached = threading.Event()
        self.release = threading.Event()
        self.done = threading.Event()
        self._lock = threading.Lock()

    def arm(self, point: KillPoint | None) -> None:
        with self._lock:
            self.point = point
            self.seen = Counter()
            self.writes_served = 0
            self.reached.clear()
            self.release.clear()
            self.done.clear()

    def dispatch(
        self, side: str, kind: str, request: Request, serve: Callable[[Request], Response]
    ) -> Response:
        with self._lock:
            self.seen[(side, kind)] += 1
            point = self.point
            hit = (
                point is not None
                and not self.reached.is_set()
                and point.matches(side, kind, request)
                and (point.state_chunk or self.seen[(side, kind)] == point.nth)
            )
            if hit:
                self.reached.set()
        if not hit:
            answer = serve(request)
            if kind == "spreadsheets.batchUpdate" and answer.status == 200:
                self.writes_served += 1
            return answer
        assert point is not None
        try:
            # Held until the client is dead; then committed (or not) with nobody to answer.
            if not self.release.wait(RUN_TIMEOUT):
                raise _Drop
            if point.applied:
                answer = serve(request)
                if kind == "spreadsheets.batchUpdate" and answer.status == 200:
                    self.writes_served += 1
            raise _Drop
        finally:
            self.done.set()


def intercept(server: EmulatorServer, side: str, killer: Killer) -> None:
    real = server.dispatch
    app = server.app

    def dispatch(request: Request) -> Response:
        if request.header(USER_HEADER):
            return app.handle(request)  # a user's edit: never held, not counted
        if request.path.startswith("/_emulator/"):
            return real(request)
        return killer.dispatch(side, app.classify(request), request, real)

    server.dispatch = dispatch  # type: ignore[method-assign]


# -- the world ----------------------------------------------------------------------------------
@dataclass
class Run:
    point: KillPoint | None
    killed: bool
    seconds: float
    report: dict[str, Any] | None
    writes_served: int  # batchUpdates applied
    requests: int  # requests the run sent (the held one included)


@dataclass
class CrashWorld:
    pardot_emu: PardotEmulator
    sheets_emu: SheetsEmulator
    killer: Killer
    env: dict[str, str]
    cwd: Path
    user_client: gspread.Client
    processes: int = 0

    _sheet_id: int | None = None

    # What SheetUser and the checks need of a world.
    def snapshot(self) -> dict[str, Any]:
        return self.sheets_emu.snapshot(SHEET_ID)

    def cells(self, snap: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        for sheet in (snap or self.snapshot())["sheets"]:
            if sheet["properties"]["title"] == TAB:
                found: dict[str, dict[str, Any]] = sheet["cells"]
                return found
        return {}

    def sheet_id(self) -> int:
        if self._sheet_id is None:  # the tab, once created, keeps its id
            for sheet in self.snapshot()["sheets"]:
                if sheet["properties"]["title"] == TAB:
                    self._sheet_id = int(sheet["properties"]["sheetId"])
                    break
            else:
                raise LookupError(TAB)
        return self._sheet_id

    def user_batch(self, requests: list[dict[str, Any]]) -> None:
        if requests:
            self.user_client.open_by_key(SHEET_ID).batch_update({"requests": requests})

    def watermark(self, snap: dict[str, Any] | None = None) -> datetime | None:
        for entry in (snap or self.snapshot())["developerMetadata"]:
            if entry["metadataKey"] == f"sheetsync.state.{NAME}":
                value = json.loads(entry["metadataValue"])["state"].get("watermark")
                return None if value is None else datetime.fromisoformat(value)
        return None

    # -- one `sheetsync sync` process ----------------------------------------------------------
    def sync(self, point: KillPoint | None) -> Run:
        self.killer.arm(point)
        self.processes += 1
        out = self.cwd / f"run-{self.processes}.out"
        err = self.cwd / f"run-{self.processes}.err"
        started = time.monotonic()
        with out.open("w") as stdout, err.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "sheetsync.cli", "sync", "--mapping", NAME, "--json"],
                env=self.env,
                cwd=self.cwd,
                stdout=stdout,
                stderr=stderr,
            )
            try:
                killed = self._wait(process, point)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        seconds = time.monotonic() - started
        writes, requests = self.killer.writes_served, sum(self.killer.seen.values())
        self.killer.arm(None)
        report = None
        if not killed:
            text = out.read_text()
            assert text.strip(), f"sync printed no report: {err.read_text()[-3000:]}"
            report = json.loads(text)
        return Run(point, killed, seconds, report, writes, requests)

    def _wait(self, process: subprocess.Popen[bytes], point: KillPoint | None) -> bool:
        deadline = time.monotonic() + RUN_TIMEOUT
        if point is None:
            process.wait(timeout=RUN_TIMEOUT)
            return False
        while not self.killer.reached.wait(0.02):
            if process.poll() is not None:
                raise AssertionError(f"the run ended (rc {process.returncode}) before {point}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the run never reached {point}")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.killer.release.set()
        assert self.killer.done.wait(10), "the held request was never finished"
        return True


# -- Pardot changing between runs --------------------------------------------------------------
class PardotChanges:
    """Most prospects' comments change every round (so every write takes several chunks and
    every read several pages), with scores, e-mails, new prospects, deletions and undeletions.

    Pardot's clock is frozen a day behind real time (the sync's own clock) and moves
    ``ROUND_SECONDS`` a round; the round's changes are spread over that time, so a watermark
    written too early (say with the first chunk) would lie ahead of changes not yet written."""

    def __init__(self, emu: PardotEmulator, rng: random.Random) -> None:
        self.store = emu.store
        self.clock = emu.clock
        self.rng = rng
        self.counts: Counter[str] = Counter()
        self._new = 0
        self._round_start = self.clock.now()

    def when(self) -> datetime:
        """A moment of the current round (after the last round's changes)."""
        return self._round_start + timedelta(seconds=self.rng.randrange(1, ROUND_SECONDS))

    def next_round(self) -> None:
        self._round_start = self.clock.now()
        self.clock.advance(ROUND_SECONDS)

    def comment(self, base: str, prospect_id: int) -> str:
        rng = self.rng
        length = rng.randrange(COMMENT_CHARS * 9 // 10, COMMENT_CHARS * 11 // 10)
        start = rng.randrange(len(base) - length)
        return f"{rng.choice(WORDS)} {prospect_id}: {base[start : start + length]}"

    def base_text(self) -> str:
        rng = self.rng
        return " ".join(
            rng.choice(WORDS) + str(rng.randrange(100)) for _ in range(3 * COMMENT_CHARS)
        )

    def first(self) -> None:
        self.next_round()
        base = self.base_text()
        for prospect_id in self.store.ids("prospects", deleted="all"):
            comments = self.comment(base, prospect_id)
            self.store.update_prospect(prospect_id, comments=comments, updatedAt=self.when())

    def round(self) -> None:
        rng, store = self.rng, self.store
        self.next_round()
        base = self.base_text()
        live = store.ids("prospects", deleted=False)
        # At least 2,050 changed records: an incremental read takes 3 pages of 1,000.
        count = min(len(live), max(2050, int(len(live) * rng.uniform(0.85, 1.0))))
        for prospect_id in rng.sample(live, count):
            changes: dict[str, Any] = {
                "comments": self.comment(base, prospect_id),
                "updatedAt": self.when(),
            }
            if rng.random() < 0.3:
                changes["score"] = rng.randrange(0, 500)
            if rng.random() < 0.05:
                changes["email"] = f"changed{rng.randrange(10**6)}@example.com"
            store.update_prospect(prospect_id, **changes)
        self.counts["updated"] += count
        for _ in range(rng.randrange(10, 40)):
            self._new += 1
            moment = self.when()
            store.add_prospect(
                email=f"new{self._new}@example.com",
                company=rng.choice(("Acme", "0042 Ltd", "=Formula Inc", "")),
                comments=self.comment(base, 0),
                score=rng.randrange(0, 100),
                createdAt=moment,
                updatedAt=moment,
            )
            self.counts["created"] += 1
        for prospect_id in rng.sample(live, rng.randrange(3, 10)):
            store.write("prospects", prospect_id, {"isDeleted": True, "updatedAt": self.when()})
            self.counts["deleted"] += 1
        deleted = store.ids("prospects", deleted=True)
        for prospect_id in rng.sample(deleted, min(len(deleted), rng.randrange(0, 3))):
            store.write("prospects", prospect_id, {"isDeleted": False, "updatedAt": self.when()})
            self.counts["undeleted"] += 1


# -- the checks -----------------------------------------------------------------------------------
def wanted_row(store: Any, prospect_id: int) -> list[Any]:
    """The managed values the mapping gives the prospect now (the oracle's, not the engine's)."""
    record = store.prospect(prospect_id)
    return [expected_value(field_value(store, record, c.field), c, TZ) for c in COLUMNS]


def sheet_row(view: SheetView, prospect_id: int) -> list[Any]:
    """The managed values on the prospect's (first) row (``<no column>`` for a missing one)."""
    row = view.prospect_rows[prospect_id][0]
    cols = [view.col(c.header) for c in COLUMNS]
    return ["<no column>" if c is None else view.cell(row, c).get("value") for c in cols]


def differing(want: list[Any], have: list[Any]) -> list[str]:
    """Headers of the managed columns where ``have`` is not ``want``."""
    return [
        col.header
        for col, w, h in zip(COLUMNS, want, have, strict=True)
        if not same_value(w, h, tolerance=1e-9 if col.kind == "datetime" else 0.0)
    ]


def row_problems(store: Any, view: SheetView, prospect_id: int) -> list[str]:
    have = sheet_row(view, prospect_id)
    wrong = differing(wanted_row(store, prospect_id), have)
    return [
        f"prospect {prospect_id} {c.header}: {str(value)[:60]!r}"
        for c, value in zip(COLUMNS, have, strict=True)
        if c.header in wrong
    ]


@dataclass
class Tally:
    seed: int
    kills: list[str] = field(default_factory=list)
    reruns: list[str] = field(default_factory=list)
    rows_lost: list[str] = field(default_factory=list)
    rows_duplicated: list[str] = field(default_factory=list)
    user_cells_changed: list[str] = field(default_factory=list)
    wrong_after_rerun: list[str] = field(default_factory=list)
    watermark_past_data: list[str] = field(default_factory=list)
    watermark_moved_early: list[str] = field(default_factory=list)
    rows_half_written: list[str] = field(default_factory=list)
    reruns_failed: list[str] = field(default_factory=list)
    user_edits: Counter[str] = field(default_factory=Counter)
    processes: int = 0

    def problems(self) -> dict[str, list[str]]:
        return {
            "rows lost": self.rows_lost,
            "rows duplicated": self.rows_duplicated,
            "user cells changed": self.user_cells_changed,
            "managed cells wrong after the rerun": self.wrong_after_rerun,
            "watermark past unwritten data": self.watermark_past_data,
            "watermark moved by a run killed before its last chunk": self.watermark_moved_early,
            "rows half-written by a killed run": self.rows_half_written,
            "reruns not ok": self.reruns_failed,
        }


class Crash:
    def __init__(self, world: CrashWorld, seed: int) -> None:
        self.world = world
        rng = random.Random(seed)
        self.rng = random.Random(rng.random())
        self.pardot = PardotChanges(world.pardot_emu, random.Random(rng.random()))
        self.user = SheetUser(world, random.Random(rng.random()))  # type: ignore[arg-type]
        self.tally = Tally(seed)
        self.view = SheetView.of({})
        self.converged: dict[int, list[Any]] = {}  # prospect -> managed values after the rerun

    def check(self, stage: str, run: Run, watermark_before: datetime | None = None) -> None:
        tally, store = self.tally, self.world.pardot_emu.store
        snap = self.world.snapshot()
        view = SheetView.of(self.world.cells(snap))
        live = set(store.ids("prospects", deleted=False))
        gone = set(store.ids("prospects", deleted="all")) - live
        tally.rows_duplicated.extend(f"{stage}: {d}" for d in duplicated(view))
        tally.rows_lost.extend(
            f"{stage}: prospect {p} (was on the sheet)"
            for p in self.view.prospect_rows
            if p in live and p not in view.prospect_rows
        )
        found = self.user.check(view, gone)
        tally.user_cells_changed.extend(f"{stage}: {c}" for c in found.changed)
        tally.rows_lost.extend(f"{stage}: {r}" for r in found.lost_rows)
        watermark = self.world.watermark(snap)
        if watermark is not None:
            for prospect_id in sorted(live | gone):
                record = store.prospect(prospect_id)
                if record["updatedAt"] >= watermark:
                    continue  # the next incremental run reads it again
                rows = view.prospect_rows.get(prospect_id)
                if prospect_id in gone:
                    if rows:
                        tally.watermark_past_data.append(f"{stage}: deleted {prospect_id} shown")
                elif not rows:
                    tally.watermark_past_data.append(f"{stage}: prospect {prospect_id} missing")
                else:
                    tally.watermark_past_data.extend(
                        f"{stage}: {p}" for p in row_problems(store, view, prospect_id)
                    )
        if run.killed:
            assert run.point is not None
            last_applied = run.point.state_chunk and run.point.applied
            if watermark != watermark_before and not last_applied:
                tally.watermark_moved_early.append(f"{stage}: {watermark_before} -> {watermark}")
            # Chunks are cut at row boundaries: a row is all as before or all as now.
            for prospect_id in view.prospect_rows:
                have = sheet_row(view, prospect_id)
                old = self.converged.get(prospect_id)
                if prospect_id in live and not differing(wanted_row(store, prospect_id), have):
                    continue
                if old is None or differing(old, have):
                    tally.rows_half_written.append(f"{stage}: prospect {prospect_id}")
        else:
            report = run.report or {}
            if report.get("status") != "ok":
                tally.reruns_failed.append(f"{stage}: {report.get('status')} {report}")
            for prospect_id in sorted(live):
                if prospect_id not in view.prospect_rows:
                    tally.rows_lost.append(f"{stage}: prospect {prospect_id} missing")
                else:
                    tally.wrong_after_rerun.extend(
                        f"{stage}: {p}" for p in row_problems(store, view, prospect_id)
                    )
            tally.wrong_after_rerun.extend(
                f"{stage}: prospect {p} has a row but is not live"
                for p in view.prospect_rows
                if p not in live
            )
            self.converged = {p: sheet_row(view, p) for p in view.prospect_rows}
        self.view = view

    def kill_and_rerun(self, number: int, points: list[KillPoint]) -> None:
        """Run the sync killed at each point in turn, then once more to convergence."""
        world, tally = self.world, self.tally
        for index, point in enumerate(points):
            before = world.watermark()
            run = world.sync(point)
            # Round 0 starts with the addSheet (batchUpdate #1): not a chunk.
            applied = max(run.writes_served - (number == 0 and index == 0), 0)
            tally.kills.append(
                f"round {number}: {point.label}; after {run.requests} requests, "
                f"{applied} chunk(s) applied"
            )
            self.check(f"round {number} after kill {index + 1}", run, before)
            if number and self.rng.random() < 0.4:
                self.user_edits("between a kill and the rerun")
        again = world.sync(None)
        report = again.report or {}
        tally.reruns.append(
            f"{report.get('mode')} {report.get('status')}: "
            f"{report.get('sheets_write_requests')} chunk(s)"
        )
        self.check(f"round {number} after the rerun", again)

    def user_edits(self, when: str) -> None:
        """Users type into their own cells, and may restructure the sheet."""
        user, rng, edits = self.user, self.rng, self.tally.user_edits
        user.type_cells(rng.randrange(2, 8))
        edits[f"typed into own cells {when}"] += 1
        name, edit = rng.choice(
            (
                ("", lambda: None),
                ("", lambda: None),
                ("inserted rows", user.insert_rows),
                ("added a column", user.add_column),
                ("sorted", user.sort_rows),
                ("moved a column", user.move_column),
            )
        )
        edit()
        if name:
            edits[f"{name} {when}"] += 1
        self.view = SheetView.of(self.world.cells())

    def play(self) -> None:
        self.pardot.first()
        self.kill_and_rerun(0, kill_points("first run, between chunks", self.rng))
        user = self.user
        user.add_first_columns()
        user.type_cells(30)
        for _ in range(3):
            user.insert_rows()
        user.add_column()
        self.view = SheetView.of(self.world.cells())
        categories = list(LATER_CATEGORIES)
        self.rng.shuffle(categories)
        for number, category in enumerate(categories, start=1):
            self.user_edits("between runs")
            self.pardot.round()
            self.kill_and_rerun(number, kill_points(category, self.rng))
        last = self.world.sync(None)
        report = last.report or {}
        assert report.get("status") == "ok" and report.get("cells_written") == 0, report
        assert last.writes_served == 0, "a run after convergence wrote"
        self.tally.processes = self.world.processes

    def figures(self, seconds: float) -> list[str]:
        tally = self.tally
        lines = [
            f"crash test: seed {tally.seed}, {len(tally.kills)} kills in {seconds:.1f} s "
            f"({tally.processes} sync processes; {PROSPECTS} prospects, writes of ~2 MB chunks)",
            "  kill points:",
            *(f"    {k}" for k in tally.kills),
            "  reruns: " + "; ".join(tally.reruns),
            f"  Pardot changes: {dict(sorted(self.pardot.counts.items()))}",
            f"  user edits: {dict(sorted(tally.user_edits.items()))}",
        ]
        lines += [f"  {name}: {len(found)}" for name, found in tally.problems().items()]
        return lines


@pytest.fixture
def crash(tmp_path: Path, clean_env: Path, request: pytest.FixtureRequest) -> Iterator[Crash]:
    seed = seed_of(request.config)
    killer = Killer()
    with (
        PardotEmulator(
            prospects=PROSPECTS, seed=seed % 1000, start=datetime.now(UTC) - timedelta(days=1)
        ) as pardot_emu,
        SheetsEmulator() as sheets_emu,
    ):
        pardot_emu.clock.freeze()
        sheets_emu.create_spreadsheet("crash", ["Sheet1"], spreadsheet_id=SHEET_ID)
        folder = tmp_path / "mappings"
        folder.mkdir()
        (folder / f"{NAME}.yaml").write_text(mapping_yaml(), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
        env.update(pardot_emu.settings_env("jwt"))
        env.update(
            {
                "SHEETSYNC_SHEETS_URL": sheets_emu.url,
                "SHEETSYNC_MAPPINGS": str(folder),
                # No lookback: a watermark one second too far would lose data, and we would see it.
                "SHEETSYNC_LOOKBACK_MINUTES": "0",
            }
        )
        user_client = sheets_emu.gspread_client()
        user_client.http_client.session.headers[USER_HEADER] = "1"
        intercept(pardot_emu.server, "pardot", killer)
        intercept(sheets_emu.server, "sheets", killer)
        world = CrashWorld(pardot_emu, sheets_emu, killer, env, tmp_path, user_client)
        yield Crash(world, seed)


@pytest.mark.slow
def test_killed_syncs_converge(crash: Crash, request: pytest.FixtureRequest) -> None:
    started = time.monotonic()
    try:
        crash.play()
    finally:
        record(request.config, crash.figures(time.monotonic() - started))
    tally = crash.tally
    found = {name: items[:5] for name, items in tally.problems().items() if items}
    assert not found, f"seed {tally.seed}: {found}"
    assert len(tally.kills) == 2 + len(LATER_CATEGORIES)
