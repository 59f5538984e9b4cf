"""Keyset paging: token chains, nextPageUrl, token rules (210/211, token-only), the chain cap."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from sheetsync.emulator.pardot import PardotEmulator

from .conftest import START, Api, error, values

WARNING = "203;Record count for nextPageToken sequence has been exceeded."


def test_a_chain_returns_every_record_once_in_order(emu: PardotEmulator, api: Api) -> None:
    pages = api.pages("prospects", fields="id", limit=40)
    ids = [r["id"] for r in values(pages)]
    assert ids == emu.store.ids()
    for page in pages[:-1]:
        body = page.json()
        assert len(body["values"]) == 40
        url = urlsplit(body["nextPageUrl"])
        assert parse_qs(url.query) == {"fields": ["id"], "nextPageToken": [body["nextPageToken"]]}
    last = pages[-1].json()
    assert last["nextPageToken"] is None and last["nextPageUrl"] is None
    assert "Pardot-Warning" not in pages[-1].headers


def test_a_full_last_page_still_carries_a_token(emu: PardotEmulator, api: Api) -> None:
    """Like the recorded chain: the page after a full one may be empty."""
    count = emu.store.count("emails")
    pages = api.pages("emails", fields="id", limit=count)
    assert [len(p.json()["values"]) for p in pages] == [count, 0]


def test_token_pages_accept_only_fields(api: Api) -> None:
    token = api.query("prospects", fields="id", limit=5).json()["nextPageToken"]
    for extra in ({"limit": 5}, {"orderBy": "id"}, {"idGreaterThan": 1}, {"deleted": "all"}):
        params = {"fields": "id", "nextPageToken": token, **extra}
        status, code, message = error(api.query("prospects", **params))
        assert (status, code) == (400, 51)
        assert message.startswith(f"Invalid parameter: {next(iter(extra))}.")
    assert error(api.query("prospects", nextPageToken=token)) == (
        400,
        13,
        "One or more required parameters are missing: fields",
    )
    different_fields = api.query("prospects", fields="id,email", nextPageToken=token)
    assert different_fields.status_code == 200
    assert set(different_fields.json()["values"][0]) == {"id", "email"}


def test_garbage_and_foreign_tokens_are_invalid(api: Api) -> None:
    invalid = (400, 211, "Page token is invalid.")
    assert error(api.query("prospects", fields="id", nextPageToken="garbage")) == invalid
    assert error(api.query("prospects", fields="id", nextPageToken="")) == invalid
    token = api.query("campaigns", fields="id", limit=2).json()["nextPageToken"]
    assert error(api.query("prospects", fields="id", nextPageToken=token)) == invalid


def test_tokens_expire_on_the_emulator_clock() -> None:
    with PardotEmulator(prospects=60, page_token_ttl_seconds=100, start=START) as emu:
        emu.clock.freeze()
        api = Api(emu)
        first = api.query("prospects", fields="id", limit=10).json()
        emu.clock.advance(100)
        assert api.query("prospects", fields="id", nextPageToken=first["nextPageToken"]).json()
        emu.clock.advance(1)
        expired = api.query("prospects", fields="id", nextPageToken=first["nextPageToken"])
        assert error(expired) == (400, 210, "Page token has expired.")
        api.close()


def test_a_token_may_be_reused(api: Api) -> None:
    token = api.query("prospects", fields="id,email", limit=25).json()["nextPageToken"]
    again = [api.query("prospects", fields="id,email", nextPageToken=token) for _ in range(2)]
    assert again[0].json()["values"] == again[1].json()["values"]
    assert again[0].json()["nextPageToken"] != again[1].json()["nextPageToken"]


def test_the_next_page_is_computed_when_requested(emu: PardotEmulator, api: Api) -> None:
    """Keyset on updatedAt: a record updated mid-read moves behind the read position."""
    emu.clock.freeze()
    first = api.query("prospects", fields="id,updatedAt", orderBy="updatedAt", limit=100).json()
    seen = [r["id"] for r in first["values"]]
    already_read = seen[5]
    ordered = [
        r["id"] for r in values(api.pages("prospects", fields="id,updatedAt", orderBy="updatedAt"))
    ]
    not_yet_read = ordered[150]
    emu.store.update_prospect(already_read, firstName="Again")
    emu.store.update_prospect(not_yet_read, firstName="Moved")
    rest = values(_follow(api, first["nextPageUrl"]))
    rest_ids = [r["id"] for r in rest]
    assert rest_ids[-2:] == sorted([already_read, not_yet_read])  # both now newest, ties by id
    assert rest_ids.count(not_yet_read) == 1
    assert len(seen) + len(rest_ids) == emu.store.count() + 1  # one record read twice


def _follow(api: Api, url: str | None) -> list[httpx.Response]:
    responses: list[httpx.Response] = []
    while url:
        responses.append(api.http.get(url, headers=api.headers()))
        url = responses[-1].json()["nextPageUrl"]
    return responses


def test_chain_cap_stops_with_a_warning_when_records_remain() -> None:
    with PardotEmulator(prospects=300, chain_cap=250, start=START) as emu:
        api = Api(emu)
        pages = api.pages("prospects", fields="id", limit=100)
        sizes = [len(p.json()["values"]) for p in pages]
        assert sizes == [100, 100, 50]
        assert pages[-1].json()["nextPageToken"] is None
        assert pages[-1].headers["Pardot-Warning"] == WARNING
        assert all("Pardot-Warning" not in p.headers for p in pages[:-1])
        assert emu.warnings_sent == {"203": 1}
        assert emu.server.stats()["warnings"] == {"203": 1}
        last_id = pages[-1].json()["values"][-1]["id"]
        rest = values(api.pages("prospects", fields="id", idGreaterThan=last_id, limit=100))
        ids = [r["id"] for r in values(pages)] + [r["id"] for r in rest]
        assert ids == emu.store.ids()
        # a cap smaller than the page size cuts the first page
        capped = api.query("prospects", fields="id", limit=1000)
        assert len(capped.json()["values"]) == 250
        assert capped.headers["Pardot-Warning"] == WARNING
        assert emu.warnings_sent == {"203": 2}
        api.close()


def test_no_warning_when_exactly_the_cap_matches(emu: PardotEmulator, api: Api) -> None:
    emu.config.chain_cap = emu.store.count()
    pages = api.pages("prospects", fields="id", limit=100)
    assert len(values(pages)) == emu.store.count()
    assert pages[-1].json()["nextPageToken"] is None
    assert all("Pardot-Warning" not in p.headers for p in pages)
    assert emu.warnings_sent == {}


def test_paging_with_filters_and_descending_order(emu: PardotEmulator, api: Api) -> None:
    pivot = emu.store.ids()[50]
    pages = api.pages(
        "prospects", fields="id", idGreaterThanOrEqualTo=pivot, orderBy="id DESC", limit=33
    )
    ids = [r["id"] for r in values(pages)]
    assert ids == sorted((i for i in emu.store.ids() if i >= pivot), reverse=True)


def test_offset_skips_on_the_first_page_only(emu: PardotEmulator, api: Api) -> None:
    ids = emu.store.ids()
    first = api.query("prospects", fields="id", limit=10, offset=5).json()
    assert [r["id"] for r in first["values"]] == ids[5:15]
    second = api.query("prospects", fields="id", nextPageToken=first["nextPageToken"]).json()
    assert [r["id"] for r in second["values"]] == ids[15:25]
    assert error(api.query("prospects", fields="id", offset=2001))[:2] == (400, 52)


def test_sort_indexes_follow_every_kind_of_change(emu: PardotEmulator, api: Api) -> None:
    """Indexes catch up after writes (no rebuild): queries still match a brute-force sort."""
    import random

    store = emu.store
    rng = random.Random(5)
    emu.clock.freeze()

    def expected(order_desc: bool) -> list[int]:
        live = [p for i in store.ids() if (p := store.prospect(i))]
        live.sort(
            key=lambda p: (-p["updatedAt"].timestamp() if order_desc else p["updatedAt"], p["id"])
        )
        return [p["id"] for p in live]

    def served(order: str) -> list[int]:
        return [
            r["id"] for r in values(api.pages("prospects", fields="id", orderBy=order, limit=1000))
        ]

    assert served("updatedAt DESC") == expected(True)  # builds the indexes
    assert served("updatedAt") == expected(False)
    index = store.table("prospects").index((("updatedAt", False),))
    for step in range(60):
        ids = store.ids(deleted="all")
        kind = step % 5
        target = rng.choice(ids)
        if kind == 0:
            emu.clock.advance(rng.randint(0, 3))
            store.update_prospect(target, firstName=f"step {step}")
        elif kind == 1:
            store.set_updated_at([target], START.replace(year=2025))
        elif kind == 2:
            store.delete_prospect(target)
        elif kind == 3:
            store.add_prospect(email=f"new{step}@example.com")
        else:
            store.purge_prospect(target)
        if step % 7 == 0:
            assert served("updatedAt") == expected(False)
    assert served("updatedAt DESC") == expected(True)
    assert served("updatedAt") == expected(False)
    assert [r["id"] for r in values(api.pages("prospects", fields="id", limit=1000))] == store.ids()
    assert store.table("prospects").index((("updatedAt", False),)) is index  # caught up
