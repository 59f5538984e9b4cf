"""`sheetsync emulate` as a user runs it: start it, paste its export lines, use each auth flow."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sheetsync.emulate import READY_LINE
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
