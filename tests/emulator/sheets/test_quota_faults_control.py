"""Quotas, injected faults, stats kinds, Drive, and the /_emulator control paths."""

from __future__ import annotations

import json
import threading
from typing import Any

import gspread
import httpx
import pytest
import requests

from sheetsync.emulator.sheets import SheetsEmulator

from .conftest import error_of


def test_quota_off_by_default(sh: gspread.Spreadsheet) -> None:
    for _ in range(70):
        sh.values_get("Sheet1!A1")


def test_per_minute_quotas_on_the_emulator_clock() -> None:
    with SheetsEmulator(quota={"read_per_minute": 2, "write_per_minute": 1}) as emu:
        emu.clock.freeze()
        sid = emu.create_spreadsheet("Q", sheets=["Sheet1"])
        sh = emu.gspread_client().open_by_key(sid)  # read 1
        sh.values_get("Sheet1!A1")  # read 2
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.values_get("Sheet1!A1")
        error = error_of(excinfo)
        assert error["code"] == 429 and error["status"] == "RESOURCE_EXHAUSTED"
        assert error["message"].startswith(
            "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
            "per user' of service 'sheets.googleapis.com' for consumer 'project_number:"
        )
        info = error["details"][0]
        assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
        assert info["reason"] == "RATE_LIMIT_EXCEEDED" and info["domain"] == "googleapis.com"
        assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
        assert info["metadata"]["quota_metric"] == "sheets.googleapis.com/read_requests"
        raw = {"valueInputOption": "RAW"}
        sh.values_update("Sheet1!A1", params=raw, body={"values": [["w"]]})  # own bucket
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.values_update("Sheet1!A1", params=raw, body={"values": [["w2"]]})
        assert (
            error_of(excinfo)["details"][0]["metadata"]["quota_limit"]
            == "WriteRequestsPerMinutePerUser"
        )
        emu.clock.advance(60)
        assert sh.values_get("Sheet1!A1")["values"] == [["w"]]
        emu.set_quota(None)
        for _ in range(5):
            sh.values_get("Sheet1!A1")


def test_error_faults_answer_google_bodies(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    expected = {
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        503: "UNAVAILABLE",
    }
    for code, status in expected.items():
        emu.server.add_faults({"kind": "error", "target": "values.get", "code": code})
        with pytest.raises(gspread.exceptions.APIError) as excinfo:
            sh.values_get("Sheet1!A1")
        error = error_of(excinfo)
        assert (excinfo.value.code, error["code"], error["status"]) == (code, code, status)
    assert error_of(excinfo)["message"] == "The service is currently unavailable."
    sh.values_get("Sheet1!A1")  # faults are used up


def test_fault_after_and_times(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    emu.server.add_faults(
        {"kind": "error", "target": "values.update", "code": 500, "after": 1, "times": 2}
    )
    outcomes = []
    for i in range(4):
        try:
            sh.sheet1.update([[str(i)]], "A1")
            outcomes.append("ok")
        except gspread.exceptions.APIError as exc:
            outcomes.append(str(exc.code))
    assert outcomes == ["ok", "500", "500", "ok"]
    assert sh.sheet1.acell("A1").value == "3"


def _write(value: str) -> dict[str, Any]:
    return {
        "requests": [
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": value}}]}],
                    "fields": "userEnteredValue",
                }
            }
        ]
    }


def test_apply_then_error_applies_the_write(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    emu.server.add_faults(
        {"kind": "apply_then_error", "target": "spreadsheets.batchUpdate", "code": 503}
    )
    with pytest.raises(gspread.exceptions.APIError) as excinfo:
        sh.batch_update(_write("applied"))
    assert excinfo.value.code == 503
    assert emu.snapshot(sh.id)["sheets"][0]["cells"]["A1"]["value"] == "applied"


def test_apply_then_drop_and_drop(emu: SheetsEmulator, sh: gspread.Spreadsheet) -> None:
    emu.server.add_faults({"kind": "apply_then_drop", "target": "spreadsheets.batchUpdate"})
    with pytest.raises(requests.exceptions.ConnectionError):
        sh.batch_update(_write("applied"))
    assert emu.snapshot(sh.id)["sheets"][0]["cells"]["A1"]["value"] == "applied"
    emu.server.add_faults({"kind": "drop", "target": "spreadsheets.batchUpdate"})
    with pytest.raises(requests.exceptions.ConnectionError):
        sh.batch_update(_write("dropped"))
    assert emu.snapshot(sh.id)["sheets"][0]["cells"]["A1"]["value"] == "applied"


def test_latency_beyond_the_client_timeout(
    emu: SheetsEmulator, gc: gspread.Client, sid: str
) -> None:
    sh = gc.open_by_key(sid)
    emu.server.add_faults({"kind": "latency", "target": "values.get", "seconds": 2.0})
    gc.set_timeout(0.3)
    with pytest.raises(requests.exceptions.Timeout):
        sh.values_get("Sheet1!A1")


def test_stats_kinds(emu: SheetsEmulator, gc: gspread.Client) -> None:
    sh = gc.create("Via Drive")  # drive.files.create + spreadsheets.get
    ws = sh.sheet1  # gspread fetches the metadata again
    ws.update([["a"]], "A1")
    ws.get("A1")
    sh.values_batch_get(["A1"])
    sh.values_batch_update(
        {"valueInputOption": "RAW", "data": [{"range": "A2", "values": [["b"]]}]}
    )
    ws.append_row(["c"])
    sh.values_clear("A3")
    ws.batch_clear(["A2"])
    sh.batch_update(_write("d"))
    base = f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata"
    gc.http_client.request(
        "post",
        base + ":search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "k"}}]},
    )
    with pytest.raises(gspread.exceptions.APIError):
        gc.http_client.request("get", base + "/1")
    gc.del_spreadsheet(sh.id)
    assert emu.stats()["requests"] == {
        "drive.files.create": 1,
        "spreadsheets.get": 2,
        "values.update": 1,
        "values.get": 1,
        "values.batchGet": 1,
        "values.batchUpdate": 1,
        "values.append": 1,
        "values.clear": 1,
        "values.batchClear": 1,
        "spreadsheets.batchUpdate": 1,
        "developerMetadata.search": 1,
        "developerMetadata.get": 1,
        "drive.files.delete": 1,
    }


def test_control_paths_over_http(emu: SheetsEmulator) -> None:
    with httpx.Client(base_url=emu.url) as http:
        created = http.post(
            "/_emulator/spreadsheets", json={"title": "Ctl", "sheets": ["A", "B"]}
        ).json()
        sid = created["spreadsheetId"]
        assert len(sid) == 44
        snapshot = http.get(f"/_emulator/spreadsheets/{sid}").json()
        assert snapshot == emu.snapshot(sid)
        assert [s["properties"]["title"] for s in snapshot["sheets"]] == ["A", "B"]
        quota = http.post("/_emulator/quota", json={"read_per_minute": 5}).json()
        assert quota == {"quota": {"read_per_minute": 5, "write_per_minute": None}}
        assert http.post("/_emulator/quota", json={}).json() == {"quota": None}
        assert http.post("/_emulator/reset").status_code == 200
        assert http.get(f"/_emulator/spreadsheets/{sid}").status_code == 404


def test_concurrent_guarded_batches_apply_exactly_once(emu: SheetsEmulator, sid: str) -> None:
    setup = emu.gspread_client().open_by_key(sid)
    version = {
        "metadataId": 77,
        "metadataKey": "version",
        "location": {"sheetId": 0},
        "visibility": "DOCUMENT",
    }
    setup.batch_update(
        {
            "requests": [
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {**version, "metadataValue": "v0"}
                    }
                }
            ]
        }
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def writer(name: str) -> None:
        sh = emu.gspread_client().open_by_key(sid)
        body = {
            "requests": [
                {
                    "deleteDeveloperMetadata": {
                        "dataFilter": {
                            "developerMetadataLookup": {"metadataId": 77, "metadataValue": "v0"}
                        }
                    }
                },
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {**version, "metadataValue": name}
                    }
                },
                *_write(name)["requests"],
            ]
        }
        barrier.wait()
        try:
            sh.batch_update(body)
            outcomes[name] = "applied"
        except gspread.exceptions.APIError:
            outcomes[name] = "refused"

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["applied", "refused"]
    winner = next(n for n, o in outcomes.items() if o == "applied")
    snapshot = emu.snapshot(sid)
    assert snapshot["sheets"][0]["cells"]["A1"]["value"] == winner
    assert [md["metadataValue"] for md in snapshot["developerMetadata"]] == [winner]


def test_a_spreadsheet_can_be_created_with_a_fixed_id() -> None:
    fixed = "1SheetSyncDemoFixedId000000000000000000000"
    with SheetsEmulator() as emu:
        assert emu.create_spreadsheet("Demo", ["Tab"], spreadsheet_id=fixed) == fixed
        assert emu.snapshot(fixed)["sheets"][0]["properties"]["title"] == "Tab"
        with pytest.raises(ValueError, match="already exists"):
            emu.create_spreadsheet("Again", spreadsheet_id=fixed)
        answer = httpx.post(
            emu.url + "/_emulator/spreadsheets", json={"title": "T", "spreadsheetId": fixed + "x"}
        ).json()
        assert answer == {"spreadsheetId": fixed + "x"}


def test_text_with_half_a_surrogate_pair_is_refused_like_google() -> None:
    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet("T", ["S"])
        url = f"{emu.url}/v4/spreadsheets/{sid}/values/S!A1?valueInputOption=RAW"
        lone = b'{"values": [["a\\ud83db"]]}'
        answer = httpx.put(url, content=lone, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400
        assert answer.json()["error"]["status"] == "INVALID_ARGUMENT"
        pair = b'{"values": [["a\\ud83d\\ude80b"]]}'  # a whole pair (an emoji) is fine
        assert httpx.put(url, content=pair, headers={"Content-Type": "application/json"}).is_success
        assert emu.snapshot(sid)["sheets"][0]["cells"]["A1"]["value"] == "a🚀b"


def test_an_emulator_failure_answers_in_googles_error_shape() -> None:
    with SheetsEmulator() as emu:
        answer = emu.app.internal_error(RuntimeError("boom"))
        body = json.loads(answer.body)
        assert answer.status == 500
        assert body["error"]["code"] == 500 and body["error"]["status"] == "INTERNAL"
