"""The client against the emulator: auth flows, token refresh, limits, retries, call counting.

The emulator's own counters are the witness: what the client claims it did must be what
reached the server.
"""

from __future__ import annotations

import logging

import httpx
import pytest

from sheetsync.emulator.httpbase import Fault
from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.pardot import (
    CallCapReached,
    ConfigurationError,
    DailyLimitReached,
    FieldError,
    TransientError,
)
from sheetsync.pardot.catalogue import UnknownFieldError

from .conftest import ClientFactory, SleepRecorder

FIELDS = ["id", "email", "updatedAt"]


def requests(emu: PardotEmulator, kind: str) -> int:
    return int(emu.server.stats()["requests"].get(kind, 0))


def live_ids(emu: PardotEmulator) -> set[int]:
    return set(emu.store.ids("prospects", deleted=False))


@pytest.mark.parametrize("flow", ["jwt", "refresh_token", "client_credentials"])
def test_each_auth_flow_gets_a_token_and_queries(
    emu: PardotEmulator, make_client: ClientFactory, flow: str
) -> None:
    client = make_client(flow)
    ids = [record["id"] for record in client.query("prospects", FIELDS)]
    assert set(ids) == live_ids(emu)
    assert len(ids) == len(set(ids))
    assert requests(emu, "token") == 1
    assert client.stats.by_endpoint["token"] == 1
    assert client.stats.by_endpoint["prospects.query"] == requests(emu, "prospects.query")


def test_184_on_http_400_mid_query_refreshes_once_and_retries_the_same_page(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    # The second page request (a nextPageUrl) is refused as an expired token, with HTTP 400.
    emu.server.add_faults(
        Fault(kind="error", code=184, status=400, target="prospects.query", after=1)
    )
    query = client.query("prospects", FIELDS)
    ids = [record["id"] for record in query]
    assert sorted(ids) == sorted(live_ids(emu))  # nothing lost, nothing duplicated
    assert requests(emu, "token") == 2  # the first token and exactly one refresh
    assert client.stats.token_refreshes == 1
    # Same page retried with the same token chain: no restart, one extra request only.
    assert query.info.restarts == []
    assert requests(emu, "prospects.query") == query.info.pages + 1


def test_184_again_right_after_refresh_is_a_configuration_error(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    emu.server.add_faults(Fault(kind="error", code=184, times=2, target="prospects.query"))
    with pytest.raises(ConfigurationError, match="refused right after a refresh"):
        list(client.query("prospects", FIELDS))
    assert requests(emu, "token") == 2
    assert requests(emu, "prospects.query") == 2  # no loop


def test_bare_401_refreshes_and_code_49_does_not(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    emu.expire_tokens()
    assert client.read("prospects", min(live_ids(emu)), ["id"]) is not None
    emu.expire_tokens()  # the client's token is now refused with 401/184
    assert client.read("prospects", min(live_ids(emu)), ["id"]) is not None
    assert requests(emu, "token") == 2
    emu.server.add_faults(Fault(kind="error", code=49, target="prospects.read"))
    with pytest.raises(ConfigurationError, match="Access Denied"):
        client.read("prospects", min(live_ids(emu)), ["id"])
    assert requests(emu, "token") == 2


def test_daily_limit_stops_every_later_call_before_it_leaves(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    emu.server.add_faults(Fault(kind="error", code=122, target="prospects.query", after=1))
    with pytest.raises(DailyLimitReached, match="Daily API rate limit met"):
        list(client.query("prospects", FIELDS))
    sent = emu.server.stats()["total_requests"]
    with pytest.raises(DailyLimitReached, match="not sent"):
        client.read("prospects", 1, ["id"])
    with pytest.raises(DailyLimitReached):
        list(client.query("campaigns", ["id"]))
    assert emu.server.stats()["total_requests"] == sent
    assert isinstance(client.sleep, SleepRecorder) and client.sleep.calls == []  # never retried


def test_concurrency_limit_backs_off_then_succeeds(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    emu.server.add_faults(Fault(kind="error", code=66, times=2, target="prospects.query"))
    ids = [record["id"] for record in client.query("prospects", FIELDS)]
    assert set(ids) == live_ids(emu)
    assert isinstance(client.sleep, SleepRecorder)
    waits = client.sleep.calls
    assert len(waits) == 2 and all(w > 0 for w in waits)
    assert client.stats.retries == 2


def test_persistent_concurrency_limit_fails_clearly(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    emu.server.add_faults(Fault(kind="error", code=66, times=100, target="prospects.query"))
    with pytest.raises(TransientError, match=r"concurrent request limit.*gave up after 6 attempts"):
        list(client.query("prospects", FIELDS))
    assert isinstance(client.sleep, SleepRecorder)
    assert len(client.sleep.calls) == 5
    # Backoff grows (exponential with jitter, capped).
    assert client.sleep.calls[-1] > client.sleep.calls[0]
    assert requests(emu, "prospects.query") == 6


@pytest.mark.parametrize("fault", [Fault(kind="drop"), Fault(kind="error", code=None, status=502)])
def test_dropped_connections_and_5xx_are_retried(
    emu: PardotEmulator, make_client: ClientFactory, fault: Fault
) -> None:
    client = make_client()
    fault.target = "prospects.query"
    fault.after = 1
    emu.server.add_faults(fault)
    ids = [record["id"] for record in client.query("prospects", FIELDS)]
    assert sorted(ids) == sorted(live_ids(emu))
    assert client.stats.retries == 1


def test_timeouts_are_retried(emu: PardotEmulator, make_client: ClientFactory) -> None:
    client = make_client(settings={"pardot_timeout_seconds": 0.3})
    emu.server.add_faults(Fault(kind="latency", seconds=1.0, target="campaigns.query"))
    assert len(list(client.query("campaigns", ["id", "name"]))) == len(
        emu.store.ids("campaigns", deleted=False)
    )
    assert client.stats.retries == 1


def test_unknown_field_names_it_and_the_closest_valid_name(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    with pytest.raises(UnknownFieldError, match="unknown field 'emial'; did you mean 'email'"):
        client.catalogue("prospects").validate(["id", "emial"])
    # Sent anyway, the API's own answer (code 51) also names the field.
    with pytest.raises(FieldError) as info:
        list(client.query("prospects", ["id", "emial"]))
    assert info.value.field == "emial"
    assert info.value.code == 51


def test_catalogue_reads_custom_fields_once(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    catalogue = client.catalogue("prospects")
    assert catalogue.type_of("hobby__c") == "string"
    assert catalogue.get("languages__c") is not None
    with pytest.raises(UnknownFieldError, match="multi-valued"):
        catalogue.validate(["languages__c"])
    client.catalogue("prospects")
    assert requests(emu, "custom-fields.query") == 1


def test_per_run_call_cap_counts_token_calls(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client(settings={"pardot_max_calls_per_run": 3})
    with pytest.raises(CallCapReached, match="SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN"):
        list(client.query("prospects", FIELDS, limit=100))
    assert emu.server.stats()["total_requests"] == 3
    assert client.stats.total == 3
    assert client.stats.by_endpoint["token"] == 1


def test_api_usage_is_reported_when_asked(emu: PardotEmulator, make_client: ClientFactory) -> None:
    client = make_client(return_api_usage=True)
    list(client.query("campaigns", ["id"]))
    assert client.stats.api_usage is not None
    used, _ = client.stats.api_usage
    assert used >= 1


def test_no_secret_or_token_in_logs(
    emu: PardotEmulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sent_tokens: set[str] = set()

    def capture(request: httpx.Request) -> None:
        auth = request.headers.get("authorization", "")
        if auth:
            sent_tokens.add(auth.removeprefix("Bearer "))

    client = make_client("refresh_token", http=httpx.Client(event_hooks={"request": [capture]}))
    emu.server.add_faults(
        Fault(kind="error", code=184, target="prospects.query", after=1),
        Fault(kind="error", code=66, target="prospects.query", after=2),
    )
    list(client.query("prospects", FIELDS))
    secrets = [emu.credentials.client_secret, emu.credentials.refresh_token]
    assert len(sent_tokens) == 2  # the first token and the refreshed one
    secrets += list(sent_tokens)
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "nextPageToken" not in text
    for secret in secrets:
        assert secret not in text
