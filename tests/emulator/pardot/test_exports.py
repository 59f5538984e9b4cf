"""Export API jobs end to end: create, poll, download CSV; argument errors."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from sheetsync.emulator.pardot import PardotEmulator

from .conftest import START, Api, error

EXPORTS = "/api/v5/exports"
LA = ZoneInfo("America/Los_Angeles")
LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def export_body(fields: list[str], **arguments: Any) -> dict[str, Any]:
    arguments.setdefault("updated_after", (START - timedelta(days=300)).astimezone(LA).isoformat())
    return {
        "object": "Prospect",
        "fields": fields,
        "procedure": {"name": "filter_by_updated_at", "arguments": arguments},
    }


def run_export(api: Api, body: dict[str, Any]) -> tuple[dict[str, Any], list[httpx.Response]]:
    created = api.post(EXPORTS, body)
    assert created.status_code == 201, created.text
    job = created.json()
    assert job["status"] == "Waiting" and job["resultRefs"] is None
    while job["status"] != "Complete":
        job = api.get(f"{EXPORTS}/{job['id']}").json()
    files = [api.http.get(ref, headers=api.headers()) for ref in job["resultRefs"]]
    return job, files


def rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_export_lifecycle_and_csv(emu: PardotEmulator, api: Api) -> None:
    fields = ["id", "email", "optedOut", "updatedAt", "campaign.name", "phone", "customerNo__c"]
    created = api.post(EXPORTS, export_body(fields, deleted="all"))
    assert created.status_code == 201
    job = created.json()
    assert set(job) == {
        "id",
        "status",
        "isExpired",
        "fields",
        "procedure",
        "createdAt",
        "updatedAt",
        "resultRefs",
    }
    assert job["isExpired"] is False and job["fields"] == fields
    statuses = []
    while job["status"] != "Complete":
        job = api.get(f"{EXPORTS}/{job['id']}").json()
        statuses.append(job["status"])
    assert statuses == ["Processing", "Complete"]
    (ref,) = job["resultRefs"]
    assert ref == f"{emu.url}{EXPORTS}/{job['id']}/results/1"
    response = api.http.get(ref, headers=api.headers())
    assert not response.content.startswith(b"\xef\xbb\xbf")
    table = rows(response)
    assert table[0] == fields
    body = table[1:]
    assert sorted(int(r[0]) for r in body) == emu.store.ids(deleted="all")
    assert [int(r[0]) for r in body] != sorted(int(r[0]) for r in body)  # no particular order
    by_id = {int(r[0]): dict(zip(fields, r, strict=True)) for r in body}
    for prospect_id, row in list(by_id.items())[:40]:
        stored = emu.store.prospect(prospect_id)
        assert stored is not None
        assert row["email"] == stored["email"]
        assert row["optedOut"] == ("true" if stored["optedOut"] else "false")
        assert LOCAL.match(row["updatedAt"])
        local = datetime.strptime(row["updatedAt"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=LA)
        assert local == stored["updatedAt"]
        assert row["phone"] == (stored["phone"] or "")
        campaign = (
            emu.store.get("campaigns", stored["campaignId"]) if stored["campaignId"] else None
        )
        assert row["campaign.name"] == (campaign["name"] if campaign else "")
    assert by_id[emu.store.special["big_number"]]["customerNo__c"] == "000123"
    assert by_id[emu.store.special["phone_zero"]]["phone"] == "0312345678"
    stats = emu.server.stats()["requests"]
    assert stats["exports.create"] == 1 and stats["exports.read"] == 2
    assert stats["exports.download"] == 1


def test_export_snapshot_filters_and_bom(emu: PardotEmulator, api: Api) -> None:
    store = emu.store
    cutoff = START - timedelta(days=20)
    expected = {i for i in store.ids() if (p := store.prospect(i)) and p["updatedAt"] >= cutoff}
    body = export_body(["id"], updated_after=cutoff.astimezone(LA).strftime("%Y-%m-%d %H:%M:%S"))
    body["includeByteOrderMark"] = True
    created = api.post(EXPORTS, body).json()
    store.update_prospect(store.ids()[0], firstName="After the snapshot")  # not in the export
    job = created
    while job["status"] != "Complete":
        job = api.get(f"{EXPORTS}/{job['id']}").json()
    response = api.http.get(job["resultRefs"][0], headers=api.headers())
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {int(r[0]) for r in table[1:]} == expected


def test_export_files_split_and_empty_results() -> None:
    with PardotEmulator(prospects=300, start=START, export_rows_per_file=100) as emu:
        api = Api(emu)
        job, files = run_export(api, export_body(["id", "email"], deleted="all"))
        assert len(job["resultRefs"]) == 3
        counts = [len(rows(f)) - 1 for f in files]
        assert counts == [100, 100, emu.store.count(deleted="all") - 200]
        assert all(rows(f)[0] == ["id", "email"] for f in files)
        later = (START - timedelta(seconds=30)).astimezone(LA).isoformat()
        job, files = run_export(api, export_body(["id"], updated_after=later))
        assert job["resultRefs"] == [] and files == []
        api.close()


def test_export_errors(api: Api) -> None:
    far = (START - timedelta(days=400)).astimezone(LA).isoformat()
    cases: list[tuple[dict[str, Any], int]] = [
        ({**export_body(["id"]), "procedure": {"name": "most_recent", "arguments": {}}}, 174),
        (export_body(["id"], colour="red"), 175),
        (
            {**export_body(["id"]), "procedure": {"name": "filter_by_updated_at", "arguments": {}}},
            176,
        ),
        (export_body(["id"], updated_after=far), 177),
        (export_body(["id"], updated_after="last tuesday"), 177),
        (export_body(["id"], updated_after="2026-10-01T00:00:00", deleted="maybe"), 177),
        (export_body(["id", "languages__c"]), 224),
        (export_body(["id", "nope"]), 51),
        (export_body([f"id{i}" for i in range(151)]), 154),
        ({**export_body(["id"]), "object": "Visitor"}, 154),
        ({**export_body(["id"]), "colour": "red"}, 154),
    ]
    for body, code in cases:
        status, got, message = error(api.post(EXPORTS, body))
        assert (status, got) == (400, code), (body, message)
    range_error = error(api.post(EXPORTS, export_body(["id"], updated_after=far)))
    assert range_error[2].startswith("Invalid procedure argument.")
    missing = {
        **export_body(["id"]),
        "procedure": {"name": "filter_by_updated_at", "arguments": {}},
    }
    assert error(api.post(EXPORTS, missing))[2] == "Missing required argument.: updated_after"


def test_download_before_completion_and_unknown_exports(api: Api) -> None:
    job = api.post(EXPORTS, export_body(["id"])).json()
    early = api.get(f"{EXPORTS}/{job['id']}/results/1")
    assert error(early)[:2] == (400, 178)
    assert error(api.get(f"{EXPORTS}/999999"))[:2] == (404, 109)
    while job["status"] != "Complete":
        job = api.get(f"{EXPORTS}/{job['id']}").json()
    assert error(api.get(f"{EXPORTS}/{job['id']}/results/9"))[:2] == (404, 109)


def test_results_expire_after_seven_days(emu: PardotEmulator, api: Api) -> None:
    emu.config.token_lifetime_seconds = None
    api.token = api.new_token()
    job, _ = run_export(api, export_body(["id"]))
    emu.clock.advance(7 * 86_400 + 60)
    later = api.get(f"{EXPORTS}/{job['id']}").json()
    assert later["isExpired"] is True and later["resultRefs"] is None
    assert error(api.http.get(job["resultRefs"][0], headers=api.headers()))[:2] == (400, 178)
