"""Missing, contradictory and unreachable settings: the command stops naming the variable (or
the host and the variable that names it), and nothing is written.

(The settings' own rules are unit-tested in tests/test_settings.py; these run the real command.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.engine import Engine
from sheetsync.pardot import PardotClient
from sheetsync.settings import Settings
from tests.engine.conftest import BASIC, World

from .conftest import Guard, cli

SETTINGS_CASES: list[tuple[str, dict[str, str | None], list[str]]] = [
    (
        "missing-client-id",
        {"SHEETSYNC_CLIENT_ID": None},
        ["missing settings: Pardot needs SHEETSYNC_CLIENT_ID"],
    ),
    (
        "missing-private-key",
        {"SHEETSYNC_PRIVATE_KEY": None},
        ["SHEETSYNC_AUTH_FLOW=jwt needs SHEETSYNC_PRIVATE_KEY (or SHEETSYNC_PRIVATE_KEY_FILE)"],
    ),
    (
        "not-a-number",
        {"SHEETSYNC_MAX_REMOVE_PERCENT": "twenty"},
        ["invalid settings: SHEETSYNC_MAX_REMOVE_PERCENT:"],
    ),
    (
        "unknown-auth-flow",
        {"SHEETSYNC_AUTH_FLOW": "password"},
        ["SHEETSYNC_AUTH_FLOW: Input should be 'jwt', 'refresh_token' or 'client_credentials'"],
    ),
    (
        "sandbox-login-production-pardot",
        {
            "SHEETSYNC_SALESFORCE_LOGIN_URL": "https://test.salesforce.com",
            "SHEETSYNC_PARDOT_URL": "https://pi.pardot.com",
        },
        [
            "SHEETSYNC_SALESFORCE_LOGIN_URL is a sandbox (test.salesforce.com) but "
            "SHEETSYNC_PARDOT_URL is production (pi.pardot.com)"
        ],
    ),
    (
        "remote-sheets-url-without-credentials",
        {"SHEETSYNC_SHEETS_URL": "http://10.1.2.3:8080"},
        ["SHEETSYNC_SHEETS_URL=http://10.1.2.3:8080 is not a loopback address"],
    ),
    (
        "missing-secret-file",
        {"SHEETSYNC_PRIVATE_KEY": None, "SHEETSYNC_PRIVATE_KEY_FILE": "/nonexistent/key.pem"},
        ["SHEETSYNC_PRIVATE_KEY_FILE names a file that cannot be read"],
    ),
    (
        "secret-inline-and-as-a-file",
        {"SHEETSYNC_PRIVATE_KEY_FILE": "/nonexistent/key.pem"},
        ["SHEETSYNC_PRIVATE_KEY and SHEETSYNC_PRIVATE_KEY_FILE are both set"],
    ),
    (
        "missing-google-key-file",
        {"SHEETSYNC_SHEETS_URL": None, "SHEETSYNC_GOOGLE_CREDENTIALS": "/nonexistent/sa.json"},
        ["SHEETSYNC_GOOGLE_CREDENTIALS names a file that does not exist: /nonexistent/sa.json"],
    ),
]


@pytest.mark.parametrize(
    ("env", "expected"), [(e, x) for _, e, x in SETTINGS_CASES], ids=[c[0] for c in SETTINGS_CASES]
)
def test_a_bad_setting_names_the_variable_and_nothing_runs(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str | None],
    expected: list[str],
) -> None:
    world.mapping(BASIC)
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    guard = Guard(world)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 2, result.out
    for fragment in expected:
        assert fragment in result.out
    assert "Traceback" not in result.out
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0


@pytest.mark.parametrize(
    ("setting", "kind"),
    [("pardot_url", "prospects"), ("salesforce_login_url", "token")],
    ids=["pardot-host", "login-host"],
)
def test_an_unreachable_pardot_or_login_host_is_named(
    world: World, tmp_path: Path, setting: str, kind: str
) -> None:
    dead = "http://127.0.0.1:9"  # nothing listens on the discard port
    overrides = {setting: dead}
    if setting == "pardot_url":
        overrides["salesforce_login_url"] = world.settings.salesforce_login_url
    settings = world.settings.model_copy(update=overrides)
    pardot = PardotClient(settings.pardot(), sleep=lambda _: None)
    engine = Engine(pardot, world.sheets, settings, clock=world.pardot_emu.clock.now)
    guard = Guard(world)
    report = engine.run(world.mapping(BASIC))
    pardot.close()
    variable = (
        "SHEETSYNC_PARDOT_URL" if setting == "pardot_url" else "SHEETSYNC_SALESFORCE_LOGIN_URL"
    )
    assert report.status == "failed" and report.retryable
    assert f"connection to {dead} ({variable}) failed (ConnectError)" in report.message
    assert "gave up after" in report.message
    guard.assert_untouched()


def test_settings_load_from_the_world_are_the_emulators(world: World) -> None:
    # Guards the test above: it changes exactly one host of otherwise working settings.
    assert isinstance(world.settings, Settings)
    assert world.settings.pardot_url == world.pardot_emu.url
