"""Query paging: nested related fields, page-token failures, the 100,000-record chain cap."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import pytest

from sheetsync.emulator.httpbase import Fault, Request, Response
from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.pardot import PardotClient, PardotError
from sheetsync.settings import Settings

from .conftest import START, ClientFactory, SleepRecorder


def test_related_fields_come_back_flat_and_nulls_kept(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    fields = ["id", "email", "campaign.name", "assignedTo.email", "hobby__c"]
    records = {r["id"]: r for r in client.query("prospects", fields)}
    assert records and all(set(r) == set(fields) for r in records.values())
    raw = client.get_json(
        "/api/v5/objects/prospects", {"fields": ",".join(fields), "limit": "1000"}
    )["values"]
    for item in raw:
        campaign = item["campaign"]
        expected = None if campaign is None else campaign["name"]
        assert records[item["id"]]["campaign.name"] == expected
    assert any(r["hobby__c"] is None for r in records.values())
    assert any(r["assignedTo.email"] for r in records.values())


def test_deleted_filter_and_updated_at_order(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    every = [r["id"] for r in client.query("prospects", ["id"], deleted="all")]
    assert set(every) == set(emu.store.ids("prospects", deleted="all"))
    in_bin = [r["id"] for r in client.query("prospects", ["id", "isDeleted"], deleted="true")]
    assert in_bin and set(in_bin) == set(emu.store.ids("prospects", deleted=True))
    stamps = [
        datetime.fromisoformat(r["updatedAt"])
        for r in client.query("prospects", ["updatedAt"], order_by="updatedAt", deleted="all")
    ]
    assert stamps == sorted(stamps) and len(stamps) == len(every)


def test_incremental_filter_reads_only_recent_changes(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    emu.clock.freeze()
    since = emu.clock.now()
    changed = sorted(emu.store.ids("prospects", deleted=False))[:3]
    emu.clock.advance(60)
    for prospect_id in changed:
        emu.store.update_prospect(prospect_id, jobTitle="Head of Things")
    records = list(
        client.query(
            "prospects",
            ["id", "jobTitle"],
            filters={"updatedAtAfterOrEqualTo": since},
            order_by="updatedAt",
            deleted="all",
        )
    )
    assert [r["id"] for r in records] == changed
    assert all(r["jobTitle"] == "Head of Things" for r in records)


@pytest.mark.parametrize("code", [210, 211])
def test_page_token_failure_restarts_from_the_high_water_mark(
    emu: PardotEmulator, make_client: ClientFactory, code: int
) -> None:
    client = make_client()
    emu.server.add_faults(Fault(kind="error", code=code, target="prospects.query", after=1))
    query = client.query("prospects", ["id"], limit=1000)
    ids = [r["id"] for r in query]
    assert sorted(ids) == sorted(emu.store.ids("prospects", deleted=False))
    assert len(query.info.restarts) == 1
    assert f"code {code}" in query.info.restarts[0]


def test_an_expired_page_token_mid_read_is_crossed(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    emu.clock.freeze()
    query = client.query("prospects", ["id"], limit=500, order_by="updatedAt", deleted="all")
    ids = []
    for index, record in enumerate(query):
        ids.append(record["id"])
        if index == 700:  # mid-chain: the next page's token is now 5 hours old
            emu.clock.advance(5 * 3600)
    assert sorted(ids) == sorted(emu.store.ids("prospects", deleted="all"))
    assert any("210" in note for note in query.info.restarts)


def test_foreign_next_page_url_is_never_followed(clean_env: Any) -> None:
    """A nextPageUrl on another host gets the token chain continued on our own host."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "tok-123", "token_type": "Bearer"})
        if "nextPageToken" in request.url.params:
            return httpx.Response(
                200, json={"nextPageToken": None, "nextPageUrl": None, "values": [{"id": 2}]}
            )
        return httpx.Response(
            200,
            json={
                "nextPageToken": "T1",
                "nextPageUrl": "https://evil.example/api/v5/objects/prospects?fields=id&nextPageToken=T1",
                "values": [{"id": 1}],
            },
        )

    config = Settings.load(
        pardot_url="https://pi.demo.pardot.com",
        salesforce_login_url="https://test.salesforce.com",
        pardot_business_unit_id="0Uv5e000000TEST01A",
        auth_flow="refresh_token",
        client_id="cid",
        client_secret="cs",
        refresh_token="rt",
    ).pardot()
    client = PardotClient(
        config, http=httpx.Client(transport=httpx.MockTransport(handler)), sleep=SleepRecorder()
    )
    assert [r["id"] for r in client.query("prospects", ["id"])] == [1, 2]
    hosts = {r.url.host for r in seen}
    assert "evil.example" not in hosts
    assert seen[-1].url.params["nextPageToken"] == "T1"
    assert set(seen[-1].url.params) == {"fields", "nextPageToken"}
    with pytest.raises(PardotError, match="another host"):
        client.request("GET", "https://evil.example/api/v5/objects/prospects")


class ArrivedQueries:
    """Records, at the emulator, the query parameters of every ``objects/<collection>`` request
    as it arrives, and how many API requests are being served at once (at most ``peak``)."""

    def __init__(self, emu: PardotEmulator, monkeypatch: pytest.MonkeyPatch, collection: str):
        self.path = f"/api/v5/objects/{collection}"
        self.params: list[dict[str, str]] = []
        self.serving = 0
        self.peak = 0
        self._lock = threading.Lock()
        real = emu.server.dispatch

        def dispatch(request: Request) -> Response:
            api = request.path.startswith("/api/v5/")
            with self._lock:
                if request.path == self.path:
                    self.params.append({k: v[-1] for k, v in request.query.items()})
                if api:
                    self.serving += 1
                    self.peak = max(self.peak, self.serving)
            try:
                return real(request)
            finally:
                if api:
                    with self._lock:
                        self.serving -= 1

        monkeypatch.setattr(emu.server, "dispatch", dispatch)

    def chain_starts(self) -> list[dict[str, str]]:
        """The first request of each token chain (the others carry only fields and a token)."""
        return [p for p in self.params if "nextPageToken" not in p]


def test_an_id_ordered_read_past_the_chain_cap_restarts_after_the_last_id(
    emu: PardotEmulator, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chains of 1,000 records (the cap, made small): each ends with ``Pardot-Warning: 203`` and
    the next starts with ``idGreaterThan`` the last id read; every id comes once, in order."""
    monkeypatch.setattr(emu.config, "chain_cap", 1000)
    arrived = ArrivedQueries(emu, monkeypatch, "prospects")
    client = make_client(chain_cap=1000)
    expected = emu.store.ids("prospects", deleted=False)
    assert len(expected) > 2000  # three chains
    query = client.query("prospects", ["id", "email"], order_by="id", limit=200)
    ids = [r["id"] for r in query]
    assert ids == expected
    assert query.info.duplicates_skipped == 0
    assert emu.warnings_sent == {"203": 2}
    assert len(query.info.restarts) == 2 and all("203" in n for n in query.info.restarts)
    starts = arrived.chain_starts()
    assert [s.get("idGreaterThan") for s in starts] == [
        None,
        str(expected[999]),
        str(expected[1999]),
    ]
    assert all(s["orderBy"] == "id ASC" for s in starts)
    assert {s["fields"] for s in starts} == {"id,email"}


def test_a_chain_ending_at_exactly_the_cap_without_a_warning_is_read_on(
    emu: PardotEmulator, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly cap records match when the chain's last page is served: the emulator (like a
    keyset with nothing left to look ahead to) ends the chain with no token and no 203. The
    client cannot tell that from a cut chain, so it asks again after the last id, and finds
    the prospect created while it was reading."""
    expected = emu.store.ids("prospects", deleted=False)
    cap = len(expected)
    monkeypatch.setattr(emu.config, "chain_cap", cap)
    arrived = ArrivedQueries(emu, monkeypatch, "prospects")
    client = make_client(chain_cap=cap)
    query = client.query("prospects", ["id"], order_by="id", limit=300)
    ids: list[int] = []
    created = None
    for record in query:
        ids.append(record["id"])
        if len(ids) == cap:  # the chain's last record: its page came without a next page
            created = emu.store.add_prospect(email="late.arrival@example.com")
    assert created is not None and created > expected[-1]
    assert ids == [*expected, created]
    assert emu.warnings_sent == {}
    assert len(query.info.restarts) == 1 and f"exactly {cap}" in query.info.restarts[0]
    starts = arrived.chain_starts()
    assert [s.get("idGreaterThan") for s in starts] == [None, str(expected[-1])]


def test_concurrent_queries_never_pass_five_requests_in_flight(
    emu: PardotEmulator, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads read through one client while every page takes 0.3 s at the emulator:
    the emulator never serves more than five at once (it would answer the sixth with 66),
    and every read succeeds without a retry."""
    client = make_client()
    arrived = ArrivedQueries(emu, monkeypatch, "prospects")
    emu.server.add_faults(
        Fault(kind="latency", target="prospects.query", seconds=0.3, times=10_000)
    )
    expected = emu.store.ids("prospects", deleted=False)

    def read(_: int) -> list[int]:
        return [r["id"] for r in client.query("prospects", ["id"], limit=500)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read, range(8)))
    assert all(ids == expected for ids in results)
    assert 1 < arrived.peak <= 5, arrived.peak
    stats = emu.server.stats()
    assert stats["statuses"] == {"200": stats["total_requests"]}  # no 66 answer, nothing else
    assert client.stats.retries == 0


@pytest.mark.slow
def test_130k_prospects_cross_the_chain_cap_with_ties_and_concurrent_updates(
    clean_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with PardotEmulator(prospects=130_000, seed=3, start=START) as emu:
        store = emu.store
        every = store.ids("prospects", deleted="all")
        # Place a run of equal updatedAt seconds across the 100,000th record of the read order.
        ordered = sorted(every, key=lambda i: (store.prospect(i)["updatedAt"], i))
        boundary = store.prospect(ordered[99_950])["updatedAt"]
        store.set_updated_at(ordered[99_950:100_060], boundary)
        for name, value in emu.settings_env("jwt").items():
            monkeypatch.setenv(name, value)
        client = PardotClient(Settings.load().pardot(), sleep=SleepRecorder())
        query = client.query(
            "prospects", ["id", "email", "updatedAt"], order_by="updatedAt", deleted="all"
        )
        ids: list[int] = []
        emu.clock.freeze()
        for index, record in enumerate(query):
            ids.append(record["id"])
            if index == 50_000:
                # Records change while the read runs: some already read, some not yet.
                emu.clock.advance(120)
                for prospect_id in ordered[10:20] + ordered[120_000:120_010]:
                    store.update_prospect(prospect_id, jobTitle="Changed mid-read")
        assert len(ids) == len(set(ids))
        assert set(ids) == set(every)
        stats = emu.server.stats()
        assert client.stats.total <= 135, client.stats.by_endpoint
        assert stats["total_requests"] == client.stats.total
        assert stats["warnings"]["203"] >= 1
        assert query.info.restarts and "203" in query.info.restarts[0]
        # The restarted chain went on past the cap.
        assert stats["requests"]["prospects.query"] > 100
