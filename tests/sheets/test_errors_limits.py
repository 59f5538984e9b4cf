"""Quota retries, access errors, the 10M-cell and 50,000-character refusals, no secrets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gspread
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sheetsync.emulator.httpbase import Fault
from sheetsync.sheets import (
    CellLimitExceeded,
    CellRun,
    CellTooLong,
    NotShared,
    QuotaExceeded,
    SheetsGateway,
    SheetWrite,
    SpreadsheetNotFound,
)
from sheetsync.sheets.client import load_credentials
from sheetsync.sheets.retry import RetryPolicy
from sheetsync.sheets.transport import GatewayHTTPClient

from .conftest import MAPPING, WORKSHEET, make_gateway

POLICY = RetryPolicy()


def test_429_on_reads_is_retried_with_bounded_backoff(
    gateway: SheetsGateway, book_id: str, emulator: Any, sleeps: list[float]
) -> None:
    emulator.server.add_faults(
        Fault(kind="error", target="spreadsheets.get", code=429, times=3, message="Neue Quote!")
    )
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    assert snap.title == WORKSHEET
    assert len(sleeps) == 3
    assert sleeps[0] >= POLICY.initial and sleeps[1] >= 2 * POLICY.initial
    assert all(s <= POLICY.max_wait + POLICY.jitter for s in sleeps)
    assert gateway.counters.by_kind["spreadsheets.get"] == 4


def test_persistent_429_stops_after_the_last_attempt(
    gateway: SheetsGateway, book_id: str, emulator: Any, sleeps: list[float]
) -> None:
    emulator.server.add_faults(Fault(kind="error", target="any", code=429, times=1_000))
    with pytest.raises(QuotaExceeded, match=r"quota is exhausted \(429\) after 7 attempts") as info:
        gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    assert info.value.status == 429 and info.value.reason == "RESOURCE_EXHAUSTED"
    assert len(sleeps) == POLICY.attempts - 1
    assert emulator.stats()["requests"] == {"spreadsheets.get": POLICY.attempts}
    assert sum(sleeps) < 120  # bounded, well inside a Cloud Function's 540 s


def test_429_on_a_write_goes_through_the_guard(
    gateway: SheetsGateway, book_id: str, emulator: Any, sleeps: list[float]
) -> None:
    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    emulator.server.reset_stats()
    emulator.server.add_faults(
        Fault(kind="error", target="spreadsheets.batchUpdate", code=429, times=2)
    )
    result = gateway.apply(snap, SheetWrite(runs=[CellRun(0, 0, ("a",))]), "b1")
    assert result.retries == 2 and len(sleeps) == 2
    assert emulator.stats()["requests"] == {
        "spreadsheets.batchUpdate": 3,
        "developerMetadata.search": 2,
    }


def test_unknown_spreadsheet_is_404(gateway: SheetsGateway) -> None:
    with pytest.raises(SpreadsheetNotFound, match=r"spreadsheet 1NoSuchSheet.*404") as info:
        gateway.read(gateway.open("1NoSuchSheetxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), "T", MAPPING)
    assert info.value.status == 404


def test_not_shared_names_the_account_to_share_with(
    emulator: Any, book_id: str, sleeps: list[float]
) -> None:
    gateway = make_gateway(emulator, sleeps, service_account="sync@proj.iam.gserviceaccount.com")
    emulator.set_shared(book_id, False)
    with pytest.raises(NotShared, match=r"share the spreadsheet with sync@proj\.iam") as info:
        gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    assert info.value.account_email == "sync@proj.iam.gserviceaccount.com"
    assert sleeps == []  # 403 is not retried


def test_open_accepts_ids_and_urls(gateway: SheetsGateway) -> None:
    sid = "1AbC-dEf_0123456789"
    assert gateway.open(sid).id == sid
    url = f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0"
    assert gateway.open(url).id == sid
    with pytest.raises(ValueError):
        gateway.open("https://example.com/not-a-sheet")
    with pytest.raises(ValueError):
        gateway.open("Hot prospects")


def test_cell_cap_refused_before_anything_is_written(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)  # adds a 1000 x 26 tab
    sheet1 = next(s for s in emulator.snapshot(book_id)["sheets"] if s["properties"]["index"] == 0)
    # A user grows the other tab: the spreadsheet now holds 9,984,000 cells.
    emulator.gspread_client().http_client.batch_update(
        book_id,
        {
            "requests": [
                {
                    "appendDimension": {
                        "sheetId": sheet1["properties"]["sheetId"],
                        "dimension": "ROWS",
                        "length": 382_000,
                    }
                }
            ]
        },
    )
    snap = gateway.read(book, WORKSHEET, MAPPING)
    assert snap.total_cells == 9_984_000
    before = emulator.snapshot(book_id)
    gateway.counters.reset()
    write = SheetWrite(runs=[CellRun(0, 0, ("a",)), CellRun(1_999, 0, ("far down",))])
    with pytest.raises(CellLimitExceeded, match=r"10,010,000 cells.*Nothing was written"):
        gateway.apply(snap, write, "b1")
    assert gateway.counters.write_requests == 0
    assert emulator.snapshot(book_id) == before
    gateway.apply(snap, SheetWrite(runs=[CellRun(999, 0, ("last row",))]), "b2")  # fits


def test_cell_over_50000_characters_refused_before_anything_is_written(
    gateway: SheetsGateway, book_id: str, emulator: Any
) -> None:
    book = gateway.open(book_id)
    snap = gateway.read(book, WORKSHEET, MAPPING)
    before = emulator.snapshot(book_id)
    long_text = "ab🚀" * 12_500  # 37,500 code points, 50,000 UTF-16 units: the maximum
    gateway.counters.reset()
    write = SheetWrite(runs=[CellRun(1, 0, ("ok", long_text + "!"))])
    with pytest.raises(CellTooLong, match=r"cell B2 .* 50001 characters"):
        gateway.apply(snap, write, "b1")
    assert gateway.counters.write_requests == 0
    assert emulator.snapshot(book_id) == before
    gateway.apply(snap, SheetWrite(runs=[CellRun(1, 0, ("ok", long_text))]), "b2")
    assert gateway.read(book, WORKSHEET, MAPPING).rows[1][1] == long_text


# -- secrets ------------------------------------------------------------------------------------

TOKEN = "ya29.SECRET-ACCESS-TOKEN-do-not-print"


@pytest.fixture
def token_server() -> Iterator[str]:
    """A local OAuth token endpoint handing out :data:`TOKEN`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps({"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()
    server.server_close()


def test_no_secret_in_any_error(
    emulator: Any, book_id: str, tmp_path: Path, token_server: str, sleeps: list[float]
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key_file = tmp_path / "sa.json"
    key_file.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "proj",
                "private_key_id": "abc123",
                "private_key": pem,
                "client_email": "sync@proj.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": token_server,
            }
        )
    )
    # A real service-account credential, pointed at the emulator (tests only: the product
    # never sends credentials to a non-Google URL).
    client = gspread.Client(auth=load_credentials(key_file), http_client=GatewayHTTPClient)
    assert isinstance(client.http_client, GatewayHTTPClient)
    client.http_client.base_url = emulator.url
    gateway = SheetsGateway(client, sleep=sleeps.append)
    assert gateway.service_account == "sync@proj.iam.gserviceaccount.com"

    snap = gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)  # the token works
    errors: list[BaseException] = []
    emulator.set_shared(book_id, False)
    for action in (
        lambda: gateway.read(gateway.open(book_id), WORKSHEET, MAPPING),
        lambda: gateway.apply(snap, SheetWrite(runs=[CellRun(0, 0, ("a",))]), "b1"),
    ):
        with pytest.raises(NotShared) as info:
            action()
        errors.append(info.value)
    emulator.set_shared(book_id, True)
    emulator.server.add_faults(Fault(kind="error", target="any", code=503, times=100))
    with pytest.raises(Exception) as unavailable:
        gateway.read(gateway.open(book_id), WORKSHEET, MAPPING)
    errors.append(unavailable.value)

    secret_bits = [TOKEN, "PRIVATE KEY", pem.splitlines()[1][:20], "abc123"]
    for error in errors:
        text = f"{error}\n{error!r}"
        assert "sync@proj.iam.gserviceaccount.com" in text or "503" in text
        for secret in secret_bits:
            assert secret not in text
