"""What happens to the world while the soak runs syncs: Pardot changes (through the emulator's
store, as Pardot users would make them), and faults injected in both emulators.

Each change in Pardot records the prospect it touched and the emulator clock at that moment:
the soak's checks use it to say which rows an incremental run must have right."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sheetsync.emulator.httpbase import Fault, Request, Response

from .harness import SoakWorld


@dataclass
class PardotActor:
    world: SoakWorld
    rng: random.Random
    changed: dict[int, datetime] = field(default_factory=dict)  # prospect -> last change
    gone_since_check: set[int] = field(default_factory=set)  # deleted or left the list
    counts: Counter[str] = field(default_factory=Counter)
    # prospect -> last change of the record itself (its updatedAt bumped; a list join or leave
    # changes only a membership)
    record_changed: dict[int, datetime] = field(default_factory=dict)
    renamed: set[int] = field(default_factory=set)  # campaigns renamed since the last full run
    touched: int | None = None  # the prospect the last act changed, if any

    def _mark(self, prospect_id: int, *, record: bool = True) -> None:
        self.touched = prospect_id
        self.changed[prospect_id] = self.world.now()
        if record:
            self.record_changed[prospect_id] = self.world.now()

    def membership_only(self, prospect_id: int) -> bool:
        """True when the prospect's last change (in ``changed``) left its record alone."""
        last = self.record_changed.get(prospect_id)
        return last is None or last < self.changed[prospect_id]

    def act(self, *, between_runs: bool) -> None:
        self.touched = None
        store = self.world.pardot_emu.store
        rng = self.rng
        live = store.ids("prospects", deleted=False)
        pick = rng.random()
        if pick < 0.45 and live:
            prospect_id = rng.choice(live)
            field_name = rng.choice(("company", "score", "email", "optedOut"))
            value: object = {
                "company": f"{rng.choice(('Acme', '0042 Ltd', '=SUM(A1)', 'Zürich AG'))} "
                f"{rng.randrange(1000)}",
                "score": rng.randrange(0, 500),
                "email": f"p{rng.randrange(10**6)}@example.com",
                "optedOut": rng.random() < 0.5,
            }[field_name]
            store.update_prospect(prospect_id, **{field_name: value})
            self._mark(prospect_id)
            self.counts["update"] += 1
        elif pick < 0.57:
            prospect_id = store.add_prospect(
                email=f"new{rng.randrange(10**6)}@example.com",
                company=f"New Co {rng.randrange(1000)}",
                score=rng.randrange(100),
            )
            if rng.random() < 0.85:
                store.add_membership(self.world.list_id, prospect_id)
            self._mark(prospect_id)
            self.counts["create"] += 1
        elif pick < 0.67 and live:
            prospect_id = rng.choice(live)
            store.delete_prospect(prospect_id)
            self.gone_since_check.add(prospect_id)
            self._mark(prospect_id)
            self.counts["delete"] += 1
        elif pick < 0.75:
            binned = store.ids("prospects", deleted=True)
            if binned:
                prospect_id = rng.choice(binned)
                store.undelete_prospect(prospect_id)
                self._mark(prospect_id)
                self.counts["undelete"] += 1
        elif pick < 0.85 and live:
            outside = sorted(set(live) - self.members())
            if outside:
                prospect_id = rng.choice(outside)
                store.add_membership(self.world.list_id, prospect_id)
                self._mark(prospect_id, record=False)  # the prospect's updatedAt stays
                self.counts["list join"] += 1
        elif pick < 0.95:
            memberships = store.find("list-memberships", listId=self.world.list_id, isDeleted=False)
            if memberships:
                membership = rng.choice(memberships)
                record = store.get("list-memberships", membership)
                assert record is not None
                store.delete_membership(membership)
                prospect_id = int(record["prospectId"])
                self.gone_since_check.add(prospect_id)
                self._mark(prospect_id, record=False)
                self.counts["list leave"] += 1
        elif between_runs:
            # A renamed campaign changes rows without touching their records' updatedAt:
            # only a full run can see it (the full-run check does).
            campaigns = store.ids("campaigns")
            campaign = rng.choice(campaigns)
            store.write("campaigns", campaign, {"name": f"Camp {rng.randrange(999)}"})
            self.renamed.add(campaign)
            self.counts["campaign rename"] += 1

    def members(self) -> set[int]:
        store = self.world.pardot_emu.store
        return {
            int(store.get("list-memberships", m)["prospectId"])  # type: ignore[index]
            for m in store.find("list-memberships", listId=self.world.list_id, isDeleted=False)
        }

    def expected_ids(self) -> set[int]:
        """Prospects the sheet must show: live and on the list."""
        live = set(self.world.pardot_emu.store.ids("prospects", deleted=False))
        return live & self.members()


# -- faults ---------------------------------------------------------------------------------------

PARDOT_TARGETS = ("prospects.query", "list-memberships.query", "prospects.read", "any")
SHEETS_TARGETS = ("spreadsheets.get", "values.get", "values.batchGet", "spreadsheets.batchUpdate")
LONG = 0.8  # seconds: past the clients' 0.5 s read timeout
# About how many requests of each target one run sends (Pardot pages 40 records; a run sends
# each Sheets request once, a second only on a retry or a re-plan). A fault's point in the run
# (``after``) is drawn below this: a fault waiting for more requests than a run sends is
# cleared unfired, so the kinds aimed only there would never be injected.
REACH = {"any": 8, "list-memberships.query": 5, "prospects.query": 2}


@dataclass(frozen=True)
class FaultKind:
    name: str
    side: str  # "pardot" or "sheets"
    kind: str
    code: int | None = None
    status: int | None = None
    seconds: float = 0.0
    targets: tuple[str, ...] = ()


CATALOGUE: tuple[FaultKind, ...] = (
    FaultKind("pardot 66 concurrency", "pardot", "error", code=66, targets=PARDOT_TARGETS),
    FaultKind("pardot 122 daily limit", "pardot", "error", code=122, targets=PARDOT_TARGETS),
    FaultKind("pardot 183 internal", "pardot", "error", code=183, targets=PARDOT_TARGETS),
    FaultKind("pardot 184 token", "pardot", "error", code=184, targets=PARDOT_TARGETS[:3]),
    FaultKind("pardot 503 html", "pardot", "error", status=503, targets=PARDOT_TARGETS),
    FaultKind("pardot 502 html", "pardot", "error", status=502, targets=PARDOT_TARGETS),
    FaultKind("pardot timeout", "pardot", "latency", seconds=LONG, targets=PARDOT_TARGETS),
    FaultKind("pardot dropped", "pardot", "drop", targets=PARDOT_TARGETS),
    FaultKind("pardot 210 token expired", "pardot", "token", code=210),
    FaultKind("pardot 211 token invalid", "pardot", "token", code=211),
    FaultKind("sheets 429", "sheets", "error", code=429, targets=SHEETS_TARGETS),
    FaultKind("sheets 500", "sheets", "error", code=500, targets=SHEETS_TARGETS),
    FaultKind("sheets 503", "sheets", "error", code=503, targets=SHEETS_TARGETS),
    FaultKind(
        "sheets apply then 503",
        "sheets",
        "apply_then_error",
        code=503,
        targets=("spreadsheets.batchUpdate",),
    ),
    FaultKind(
        "sheets apply then drop", "sheets", "apply_then_drop", targets=("spreadsheets.batchUpdate",)
    ),
    FaultKind("sheets latency", "sheets", "latency", seconds=0.05, targets=SHEETS_TARGETS),
    FaultKind("sheets timeout", "sheets", "latency", seconds=LONG, targets=SHEETS_TARGETS),
    FaultKind("sheets dropped", "sheets", "drop", targets=SHEETS_TARGETS),
)
SLOW = frozenset({"pardot timeout", "sheets timeout"})


@dataclass
class Armed:
    kind: FaultKind
    fault: Fault | None  # None: a page-token fault, played by the soak's hook


class FaultPlan:
    """Arms a few random faults before a run; counts the ones that fired."""

    def __init__(self, world: SoakWorld, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.armed: list[Armed] = []
        self.injected: Counter[str] = Counter()
        self._token_faults: list[tuple[FaultKind, int]] = []  # (kind, page requests to let by)

    def arm(self) -> None:
        self.armed = []
        self._token_faults = []
        for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
            kind = self.rng.choice(CATALOGUE)
            if kind.name in SLOW and self.rng.random() < 0.6:
                continue  # each costs a real timeout: a little rarer
            if kind.kind == "token":
                self._token_faults.append((kind, self.rng.randrange(0, 4)))
                self.armed.append(Armed(kind, None))
                continue
            # Mostly one or two hits (retried through); sometimes enough to exhaust retries.
            times = self.rng.choice((1, 1, 1, 2, 2, 3, 9))
            target = self.rng.choice(kind.targets)
            fault = Fault(
                kind=kind.kind,  # type: ignore[arg-type]
                target=target,
                after=self.rng.randrange(REACH.get(target, 1)),
                times=times,
                code=kind.code,
                status=kind.status,
                seconds=kind.seconds,
            )
            server = self.world.pardot_emu.server if kind.side == "pardot" else None
            (server or self.world.sheets_emu.server).add_faults(fault)
            self.armed.append(Armed(kind, fault))

    def disarm(self) -> None:
        for armed in self.armed:
            if armed.fault is not None and armed.fault.fired:
                self.injected[armed.kind.name] += armed.fault.fired
        self.world.pardot_emu.server.clear_faults()
        self.world.sheets_emu.server.clear_faults()
        self.armed = []
        self._token_faults = []

    def page_token_fault(self, request: Request) -> Response | None:
        """A page-token fault on a request that follows a page token, the only place Pardot
        sends 210/211: 211 by forgetting every token (the emulator then answers it itself),
        210 with the emulator's own error answer (a token older than its 4 hours)."""
        if request.param("nextPageToken") is None or not self._token_faults:
            return None
        kind, let_by = self._token_faults[0]
        if let_by > 0:
            self._token_faults[0] = (kind, let_by - 1)
            return None
        self._token_faults.pop(0)
        self.injected[kind.name] += 1
        app = self.world.pardot_emu.app
        if kind.code == 211:
            app.page_tokens.clear()
            return None
        return app.fault_response(Fault(kind="error", code=210), request)
