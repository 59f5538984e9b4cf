"""Daily limit (122), concurrency (66), X-Api-Usage and injected faults."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import httpx

from sheetsync.emulator.httpbase import Fault
from sheetsync.emulator.pardot import PardotEmulator

from .conftest import START, Api, error


def test_daily_limit_per_account_day() -> None:
    with PardotEmulator(
        prospects=50, daily_limit=3, start=START, token_lifetime_seconds=None
    ) as emu:
        emu.clock.freeze()
        api = Api(emu)
        for _ in range(2):
            assert api.query("users", fields="id").status_code == 200
        export = {
            "object": "Prospect",
            "fields": ["id"],
            "procedure": {
                "name": "filter_by_updated_at",
                "arguments": {"updated_after": "2026-10-01T00:00:00-07:00"},
            },
        }
        assert api.post("/api/v5/exports", export).status_code == 201  # exports count too
        limited = api.query("users", fields="id")
        assert error(limited) == (429, 122, "Daily API rate limit met")
        assert error(api.post("/api/v5/exports", export))[:2] == (429, 122)
        api.token = api.new_token()  # token calls are not limited
        assert api.query("users", fields="id").status_code == 429
        assert emu.api_calls_today == 3
        # the day ends at midnight in the account time zone (Los Angeles), not UTC
        local = emu.clock.now().astimezone(emu.store.timezone)
        midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        emu.clock.set(midnight - timedelta(seconds=1))
        assert api.query("users", fields="id").status_code == 429
        emu.clock.advance(1)
        assert api.query("users", fields="id").status_code == 200
        api.close()


def test_api_usage_header(emu: PardotEmulator, api: Api) -> None:
    plain = api.query("users", fields="id")
    assert "X-Api-Usage" not in plain.headers
    asked = api.get("/api/v5/objects/users", {"fields": "id"}, **{"X-Return-Api-Usage": "true"})
    assert asked.headers["X-Api-Usage"] == "2/unlimited"
    emu.config.daily_limit = 100
    again = api.get("/api/v5/objects/users", {"fields": "id"}, **{"X-Return-Api-Usage": "1"})
    assert again.headers["X-Api-Usage"] == "3/100"


def test_concurrency_limit() -> None:
    with PardotEmulator(prospects=50, max_concurrent=2, start=START) as emu:
        api = Api(emu)
        emu.server.add_faults(Fault(kind="latency", target="users.query", seconds=1.0, times=2))
        results: list[int] = []

        def slow() -> None:
            with httpx.Client(base_url=emu.url) as own:
                r = own.get("/api/v5/objects/users", params={"fields": "id"}, headers=api.headers())
                results.append(r.status_code)

        threads = [threading.Thread(target=slow) for _ in range(2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while emu.app.in_flight_count < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert emu.app.in_flight_count == 2
        third = api.query("campaigns", fields="id")
        assert error(third) == (
            429,
            66,
            "You have exceeded your concurrent request limit. Please wait, before trying again",
        )
        assert api.new_token()  # the token endpoint holds no slot and is not refused
        for thread in threads:
            thread.join()
        assert results == [200, 200]
        assert api.query("campaigns", fields="id").status_code == 200
        assert emu.app.in_flight_count == 0
        assert emu.server.stats()["statuses"]["429"] == 1
        assert emu.api_calls_today == 3  # the refused call did not count
        api.close()


def test_error_faults_answer_the_pardot_envelope(emu: PardotEmulator, api: Api) -> None:
    emu.server.add_faults(
        Fault(kind="error", target="prospects.query", code=184),
        Fault(kind="error", target="prospects.query", code=66),
        Fault(kind="error", target="prospects.query", code=183, status=503),
        Fault(kind="error", target="prospects.query", code=214),
    )
    assert error(api.query("prospects", fields="id")) == (
        401,
        184,
        "access_token is invalid, unknown, or malformed",
    )
    assert error(api.query("prospects", fields="id"))[:2] == (429, 66)
    assert error(api.query("prospects", fields="id"))[:2] == (503, 183)
    assert error(api.query("prospects", fields="id")) == (504, 214, "API request timed out.")
    assert api.query("prospects", fields="id").status_code == 200
    assert emu.server.stats()["faults_injected"] == {
        "error:184": 1,
        "error:66": 1,
        "error:183": 1,
        "error:214": 1,
    }


def test_status_only_faults_answer_html_like_a_load_balancer(emu: PardotEmulator, api: Api) -> None:
    emu.server.add_faults(Fault(kind="error", target="any", status=502))
    response = api.query("prospects", fields="id")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"502" in response.content
    emu.server.add_faults(Fault(kind="error", target="token", status=503))
    token = api.http.post("/services/oauth2/token", data={"grant_type": "client_credentials"})
    assert token.status_code == 503 and token.headers["content-type"].startswith("text/html")


def test_apply_then_error_changes_data(emu: PardotEmulator, api: Api) -> None:
    prospect_id = emu.store.ids()[0]
    emu.server.add_faults(Fault(kind="apply_then_error", target="prospects.update", code=183))
    response = api.patch(f"/api/v5/objects/prospects/{prospect_id}", {"firstName": "Applied"})
    assert error(response)[:2] == (500, 183)
    assert emu.store.prospect(prospect_id)["firstName"] == "Applied"  # type: ignore[index]
