"""`sheetsync emulate` as a user runs it: start it, paste its export lines, use each auth flow."""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from gspread.utils import a1_to_rowcol
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.emulate import READY_LINE, serve
from sheetsync.pardot import PardotClient
from sheetsync.settings import Settings

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def _emulate(cwd: Path | None = None, **extra_env: str) -> Iterator[tuple[dict[str, str], str]]:
    """Run ``sheetsync emulate`` until it is ready: its export lines, and all it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")} | extra_env
    process = subprocess.Popen(
        [sys.executable, "-m", "sheetsync.cli", "emulate", "--prospects", "300"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )
    exports: dict[str, str] = {}
    printed = ""
    try:
        assert process.stdout is not None
        for line in process.stdout:
            printed += line
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                exports[name] = shlex.split(value)[0] if value else ""
            if line.startswith(READY_LINE):
                break
        else:
            raise AssertionError(
                f"emulate exited early: {process.stderr and process.stderr.read()}"
            )
        yield exports, printed
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def emulate_env() -> Iterator[dict[str, str]]:
    with _emulate() as (exports, _):
        yield exports


def test_the_spreadsheets_of_sheetsync_mappings_are_created(tmp_path: Path) -> None:
    """``SHEETSYNC_MAPPINGS`` decides which spreadsheets exist, wherever emulate is started."""
    folder = tmp_path / "my-mappings"
    folder.mkdir()
    source = (REPO / "mappings" / "campaigns.yaml").read_text(encoding="utf-8")
    mine = "1MyOwnSpreadsheetForTheEmulator0000000000000"
    text = re.sub(r"(?m)^spreadsheet: .*$", f"spreadsheet: {mine}", source)
    (folder / "mine.yaml").write_text(text, encoding="utf-8")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    with _emulate(elsewhere, SHEETSYNC_MAPPINGS=str(folder)) as (exports, printed):
        assert f"# spreadsheet {mine} for mapping mine" in printed
        answer = httpx.get(f"{exports['SHEETSYNC_SHEETS_URL']}/_emulator/spreadsheets/{mine}")
        assert answer.status_code == 200, answer.text


def test_exports_cover_every_setting_needed(emulate_env: dict[str, str]) -> None:
    for name in (
        "SHEETSYNC_PARDOT_URL",
        "SHEETSYNC_SALESFORCE_LOGIN_URL",
        "SHEETSYNC_PARDOT_BUSINESS_UNIT_ID",
        "SHEETSYNC_AUTH_FLOW",
        "SHEETSYNC_CLIENT_ID",
        "SHEETSYNC_CLIENT_SECRET",
        "SHEETSYNC_USERNAME",
        "SHEETSYNC_PRIVATE_KEY_FILE",
        "SHEETSYNC_REFRESH_TOKEN",
        "SHEETSYNC_SHEETS_URL",
    ):
        assert emulate_env.get(name), name
    assert Path(emulate_env["SHEETSYNC_PRIVATE_KEY_FILE"]).read_text().startswith("-----BEGIN")


@pytest.mark.parametrize("flow", ["jwt", "refresh_token", "client_credentials"])
def test_each_flow_gets_a_token_and_queries_prospects(
    emulate_env: dict[str, str], flow: str, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    for name, value in emulate_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SHEETSYNC_AUTH_FLOW", flow)
    with PardotClient(Settings.load().pardot()) as client:
        ids = [record["id"] for record in client.query("prospects", ["id", "email"])]
        assert ids and len(ids) == len(set(ids))
        assert client.stats.by_endpoint["token"] == 1


# -- alerts ---------------------------------------------------------------------------------------
HOT = "hot-prospects"
HOT_SHEET = "1SheetSyncDemoHotProspects000000000000000000"  # the spreadsheet the mapping names


def test_the_alert_webhooks_of_the_mappings_are_exported(tmp_path: Path) -> None:
    """The bug a new user met: SHEETSYNC_WEBHOOK_SALES_SLACK was never printed."""
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / f"{HOT}.yaml").write_bytes((REPO / "mappings" / f"{HOT}.yaml").read_bytes())
    with _emulate(tmp_path, SHEETSYNC_MAPPINGS=str(folder)) as (exports, printed):
        url = httpx.URL(exports["SHEETSYNC_WEBHOOK_SALES_SLACK"])
        assert url.scheme == "http" and url.host == "127.0.0.1"  # loopback only
        assert f"# webhook SHEETSYNC_WEBHOOK_SALES_SLACK for sales of {HOT}" in printed


class Served:
    """``serve`` in a thread, as ``sheetsync emulate`` runs it: what it printed so far."""

    def __init__(self, mappings: Path) -> None:
        self.mappings = mappings
        self.lines: queue.Queue[str] = queue.Queue()
        self.printed: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=serve,
            kwargs={
                "prospects": 1000,
                "seed": 1,
                "daily_limit": None,
                "echo": self.lines.put,
                "stop": self.stop,
                "mappings_dir": str(mappings),
            },
            daemon=True,
        )

    def wait_for(self, start: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            self.printed.append(line)
            if line.startswith(start):
                return line
        raise AssertionError(f"emulate never printed {start!r}; it printed {self.printed}")

    def exports(self) -> dict[str, str]:
        found = {}
        for line in self.printed:
            if line.startswith("export "):
                name, _, value = line.removeprefix("export ").partition("=")
                found[name] = shlex.split(value)[0]
        return found


@pytest.fixture
def served(tmp_path: Path, clean_env: Path) -> Iterator[Served]:
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / f"{HOT}.yaml").write_bytes((REPO / "mappings" / f"{HOT}.yaml").read_bytes())
    running = Served(folder)
    running.thread.start()
    running.wait_for(READY_LINE)
    yield running
    running.stop.set()
    running.thread.join(timeout=10)


def _a_prospect_below_100(sheets_url: str) -> int:
    """A prospect the sheet shows with a score under 100 (read as a user would see it)."""
    book = httpx.get(f"{sheets_url}/_emulator/spreadsheets/{HOT_SHEET}").json()
    tab = next(s for s in book["sheets"] if s["properties"]["title"] == "Hot prospects")
    cells = {a1_to_rowcol(name): cell.get("value") for name, cell in tab["cells"].items()}
    header = {value: col for (row, col), value in cells.items() if row == 1}
    ids, scores = header["Prospect ID"], header["Score"]
    rows = sorted({row for row, _ in cells} - {1})
    return next(int(cells[r, ids]) for r in rows if float(cells.get((r, scores)) or 0) < 100)


def test_an_alert_of_a_sync_reaches_the_receiver_and_is_shown(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's walkthrough: paste the exports, validate, sync; a score reaches 100 in
    Pardot; the next sync's alert arrives at emulate's receiver, which prints it."""
    exports = served.exports()
    for name, value in exports.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(served.mappings))  # as emulate was started
    checked = CliRunner().invoke(app, ["validate"])
    assert checked.exit_code == 0, checked.output
    assert "Alert webhook settings are set: SHEETSYNC_WEBHOOK_SALES_SLACK." in checked.output
    assert exports["SHEETSYNC_WEBHOOK_SALES_SLACK"] not in checked.output
    first = CliRunner().invoke(app, ["sync", "--json", "--mapping", HOT])
    assert first.exit_code == 0, first.output

    prospect = _a_prospect_below_100(exports["SHEETSYNC_SHEETS_URL"])
    with PardotClient(Settings.load().pardot()) as pardot:
        pardot.update("prospects", prospect, {"score": 120})
    second = CliRunner().invoke(app, ["sync", "--json", "--mapping", HOT])
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["alerts"] == {"sent": 1, "failed": 0}

    shown = served.wait_for("# alert", seconds=10)
    assert shown == (
        f'# alert to sales of {HOT}: "Score reached 100: 1 prospect in Hot prospects" (1 listed)'
    )
