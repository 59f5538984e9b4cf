"""Control paths on the emulator's origin, reset/seed, and the stats kinds."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from sheetsync.emulator.httpbase import Fault
from sheetsync.emulator.pardot import PardotEmulator

from .conftest import Api, error


def test_seed_over_http_and_python(emu: PardotEmulator, api: Api) -> None:
    before = emu.store.ids(deleted="all")
    answer = api.http.post("/_emulator/seed", json={"prospects": 120, "seed": 99})
    assert answer.status_code == 200 and answer.json() == {"prospects": 120, "seed": 99}
    assert emu.store.count(deleted="all") == 120
    assert emu.store.ids(deleted="all") != before[:120]
    emu.seed(prospects=60)
    assert emu.store.count(deleted="all") == 60
    info = api.http.get("/_emulator/info").json()
    assert info["prospects"] == 60 and info["seed"] == 99
    assert info["business_unit_id"] == emu.business_unit_id


def test_reset_restores_construction_data_and_clears_faults_and_stats(
    emu: PardotEmulator, api: Api
) -> None:
    original = emu.store.ids(deleted="all")
    first = emu.store.prospect(original[0])
    emu.seed(prospects=40, seed=1)
    emu.store.update_prospect(emu.store.ids()[0], firstName="x")
    emu.server.add_faults(Fault(kind="error", code=183))
    reset = api.http.post("/_emulator/reset")
    assert reset.status_code == 200
    assert emu.store.ids(deleted="all") == original
    assert emu.store.prospect(original[0]) == first
    assert emu.server.pending_faults() == []
    assert emu.server.stats()["total_requests"] == 0
    assert api.query("users", fields="id").status_code == 200  # access tokens survive a reset


def test_expire_tokens_over_http(api: Api) -> None:
    assert api.http.post("/_emulator/expire-tokens").json()["expired"] >= 1
    assert error(api.query("users", fields="id"))[1] == 184


def test_stats_kinds(emu: PardotEmulator, api: Api) -> None:
    prospect_id = emu.store.ids()[0]
    list_id = emu.store.list_id("Partners")
    base = "/api/v5/objects"
    api.query("prospects", fields="id")
    api.get(f"{base}/prospects/{prospect_id}", {"fields": "id"})
    created = api.post(f"{base}/prospects", {"email": "kinds@example.com"}).json()["id"]
    api.patch(f"{base}/prospects/{created}", {"firstName": "K"})
    api.delete(f"{base}/prospects/{created}")
    api.post(f"{base}/prospects/{created}/do/undelete", None)
    membership = api.post(f"{base}/list-memberships", {"listId": list_id, "prospectId": created})
    api.delete(f"{base}/list-memberships/{membership.json()['id']}")
    for collection in ("campaigns", "lists", "users", "custom-fields", "emails"):
        api.query(collection, fields="id")
    api.http.get("/nowhere", headers=api.headers())
    requests = emu.server.stats()["requests"]
    assert requests == {
        "token": 1,
        "prospects.query": 1,
        "prospects.read": 1,
        "prospects.create": 1,
        "prospects.update": 1,
        "prospects.delete": 1,
        "prospects.action": 1,
        "list-memberships.create": 1,
        "list-memberships.delete": 1,
        "campaigns.query": 1,
        "lists.query": 1,
        "users.query": 1,
        "custom-fields.query": 1,
        "emails.query": 1,
        "other": 1,
    }
    over_http = httpx.get(f"{emu.url}/_emulator/stats").json()
    assert over_http["requests"] == requests
    assert over_http["warnings"] == {}
    assert over_http["api_usage"]["today"] == sum(requests.values()) - 2  # no token, no other


def test_pytest_plugin_fixture_factory(pardot_emulator: Callable[..., PardotEmulator]) -> None:
    emulator = pardot_emulator(prospects=45, seed=2, chain_cap=10)
    assert emulator.config.chain_cap == 10
    response = httpx.get(f"{emulator.url}/_emulator/info")
    assert response.json()["prospects"] == 45
