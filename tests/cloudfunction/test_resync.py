"""``sheetsync resync`` against the function served by functions-framework on loopback (a real
HTTP server in a thread), with the identity-token source replaced: the token must reach the
function as a Bearer header, and the CLI prints and exits like ``sync``."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner
from werkzeug.serving import make_server

from sheetsync import function
from sheetsync import resync as resync_module
from sheetsync.cli import app
from sheetsync.emulator.httpbase import Fault
from sheetsync.resync import ResyncError, identity_token, request_sync

from ..engine.support import live_ids
from .conftest import FunctionWorld

TOKEN = "id-token-for-tests-51c0"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Served:
    """The function's app on a loopback port, remembering each call's Authorization header."""

    def __init__(self, wsgi: WSGIApp) -> None:
        self.authorizations: list[str | None] = []

        def recording(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
            self.authorizations.append(environ.get("HTTP_AUTHORIZATION"))
            return wsgi(environ, start)

        self.server = make_server("127.0.0.1", 0, recording, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def served(fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    audiences: list[str] = []

    def fake_fetch(audience: str) -> str:
        audiences.append(audience)
        return TOKEN

    monkeypatch.setattr(resync_module, "fetch_id_token", fake_fetch)
    # The function serves in this process: keep its log lines out of the CLI's output.
    monkeypatch.setattr(function, "LOG_STREAM", io.StringIO())
    server = Served(fn.client.application)
    yield server
    server.close()
    assert audiences and all(a == server.url for a in audiences)


def test_resync_posts_with_the_identity_token_and_prints_the_reports(
    fn: FunctionWorld, served: Served
) -> None:
    result = CliRunner().invoke(app, ["resync", "--url", served.url, "--mapping", "test", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["mapping"] == "test" and report["status"] == "ok"
    assert report["rows_added"] == len(live_ids(fn.world))
    assert served.authorizations == [f"Bearer {TOKEN}"]
    assert TOKEN not in result.output


def test_resync_takes_the_url_from_the_setting_and_prints_a_table(
    fn: FunctionWorld, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETSYNC_FUNCTION_URL", served.url)
    result = CliRunner().invoke(app, ["resync", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "sheetsync resync" in result.stdout and "dry_run" in result.stdout


def test_resync_exits_1_when_a_run_failed(fn: FunctionWorld, served: Served) -> None:
    fn.world.pardot_emu.server.add_faults(
        Fault(kind="error", code=122, target="prospects.query", times=50)
    )
    result = CliRunner().invoke(app, ["resync", "--url", served.url])
    assert result.exit_code == 1
    assert "Daily API rate limit" in result.stdout


def test_resync_exits_2_for_a_mapping_the_function_does_not_know(
    fn: FunctionWorld, served: Served
) -> None:
    result = CliRunner().invoke(app, ["resync", "--url", served.url, "--mapping", "nope"])
    assert result.exit_code == 2
    assert "no mapping named 'nope'" in result.stderr


def test_resync_sends_the_shared_secret_when_it_is_set(
    fn: FunctionWorld, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI and the function read one environment here: both know the secret.
    monkeypatch.setenv("SHEETSYNC_FUNCTION_SECRET", "resync-secret-1234")
    result = CliRunner().invoke(app, ["resync", "--url", served.url])
    assert result.exit_code == 0, result.output
    assert "resync-secret" not in result.output
    # A caller with another secret is refused, and told so.
    answer = request_sync(served.url, secret=SecretStr("resync-secret-wrong"))
    assert (answer.http_status, answer.error, answer.exit_code) == (403, "auth", 1)
    assert "X-Sheetsync-Secret header is wrong" in answer.message


def test_resync_without_a_url_says_how_to_give_one(clean_env: object) -> None:
    result = CliRunner().invoke(app, ["resync"])
    assert result.exit_code == 2
    assert "--url" in result.stderr and "SHEETSYNC_FUNCTION_URL" in result.stderr


def test_resync_refuses_to_send_a_token_over_plain_http_elsewhere(clean_env: object) -> None:
    result = CliRunner().invoke(app, ["resync", "--url", "http://example.com/fn"])
    assert result.exit_code == 2
    assert "https://" in result.stderr


def test_the_token_falls_back_to_gcloud_and_fails_clearly() -> None:
    def no_adc(audience: str) -> str:
        raise ValueError("no service account credentials")

    assert identity_token("https://f", fetch=no_adc, fallback=lambda _: "from-gcloud") == (
        "from-gcloud"
    )

    def no_gcloud(audience: str) -> str:
        raise ResyncError("cannot run gcloud (FileNotFoundError)")

    with pytest.raises(ResyncError, match="gcloud auth login") as caught:
        identity_token("https://f", fetch=no_adc, fallback=no_gcloud)
    assert "FileNotFoundError" in str(caught.value)


def test_a_local_function_is_called_without_google_credentials(
    fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_credentials(audience: str) -> str:
        raise ResyncError("no credentials here")

    monkeypatch.setattr(resync_module, "identity_token", no_credentials)
    monkeypatch.setattr(function, "LOG_STREAM", io.StringIO())
    server = Served(fn.client.application)
    try:
        result = CliRunner().invoke(app, ["resync", "--url", server.url, "--json"])
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "ok"
    assert server.authorizations == [None]
    with pytest.raises(ResyncError, match="no credentials here"):
        request_sync("https://sheetsync.example.run.app", token_source=no_credentials)
