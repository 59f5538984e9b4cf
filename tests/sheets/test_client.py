"""Client construction: credentials rules, emulator URL, counting layer (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL, SPREADSHEET_URL

from sheetsync.settings import Settings
from sheetsync.sheets import CredentialsError, SheetsGateway, build_client
from sheetsync.sheets.client import SCOPES, is_loopback, load_credentials
from sheetsync.sheets.counting import Counters, request_kind
from sheetsync.sheets.transport import GatewayHTTPClient


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://127.3.4.5:1", True),
        ("http://localhost:9", True),
        ("http://[::1]:8080", True),
        ("http://10.0.0.5:8080", False),
        ("https://sheets.googleapis.com", False),
        ("http://localhost.evil.example", False),
    ],
)
def test_loopback(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_emulator_url_rewrites_every_google_origin() -> None:
    client = build_client(Settings(sheets_url="http://127.0.0.1:4321"))
    http = client.http_client
    assert isinstance(http, GatewayHTTPClient)
    assert http.url_for(SPREADSHEET_URL % "abc") == "http://127.0.0.1:4321/v4/spreadsheets/abc"
    assert (
        http.url_for("https://www.googleapis.com/drive/v3/files")
        == "http://127.0.0.1:4321/drive/v3/files"
    )
    assert http.timeout is not None  # never wait forever
    assert "Authorization" not in http.session.headers


def test_non_loopback_emulator_url_refused() -> None:
    with pytest.raises(CredentialsError, match=r"SHEETSYNC_SHEETS_URL.*loopback"):
        build_client(Settings(sheets_url="http://sheets-emulator.internal:8080"))


def test_missing_and_malformed_key_files(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="does not exist"):
        load_credentials(tmp_path / "nope.json")
    secret = (
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
    )
    bad = tmp_path / "key.json"
    bad.write_text(json.dumps({"type": "service_account", "private_key": secret}))
    with pytest.raises(CredentialsError) as info:
        load_credentials(bad)
    assert "PRIVATE KEY" not in str(info.value) and "MIIEvQ" not in str(info.value)
    assert str(bad) in str(info.value)


def test_no_adc_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))  # no gcloud ADC file
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")  # no metadata server
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    with pytest.raises(CredentialsError, match="SHEETSYNC_GOOGLE_CREDENTIALS"):
        load_credentials(None)


def test_scope_is_spreadsheets_only() -> None:
    assert SCOPES == ("https://www.googleapis.com/auth/spreadsheets",)


def test_gateway_refuses_a_client_that_does_not_count() -> None:
    import gspread
    from google.auth.credentials import AnonymousCredentials

    plain = gspread.Client(auth=AnonymousCredentials())  # type: ignore[no-untyped-call]
    with pytest.raises(TypeError, match="build_client"):
        SheetsGateway(plain)


def test_request_kinds_and_counters() -> None:
    assert request_kind("POST", SPREADSHEET_BATCH_UPDATE_URL % "x") == "spreadsheets.batchUpdate"
    assert request_kind("GET", SPREADSHEET_URL % "x") == "spreadsheets.get"
    assert request_kind("POST", SPREADSHEET_URL % "x" + "/developerMetadata:search") == (
        "developerMetadata.search"
    )
    counters = Counters()
    counters.count("spreadsheets.get", 0)
    counters.count("developerMetadata.search", 40)
    counters.count("spreadsheets.batchUpdate", 1000)
    assert (counters.read_requests, counters.write_requests, counters.bytes_sent) == (2, 1, 1040)
    assert counters.snapshot().by_kind["spreadsheets.batchUpdate"] == 1
    counters.reset()
    assert counters.snapshot().by_kind == {} and counters.bytes_sent == 0
