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

#: (id, the variables changed (None: unset), the whole message after "error: ")
SETTINGS_CASES: list[tuple[str, dict[str, str | None], str]] = [
    (
        "missing-client-id",
        {"SHEETSYNC_CLIENT_ID": None},
        "missing settings: Pardot needs SHEETSYNC_CLIENT_ID",
    ),
    (
        "missing-business-unit-and-username",
        {"SHEETSYNC_PARDOT_BUSINESS_UNIT_ID": None, "SHEETSYNC_USERNAME": None},
        "missing settings: Pardot needs SHEETSYNC_PARDOT_BUSINESS_UNIT_ID; "
        "SHEETSYNC_AUTH_FLOW=jwt needs SHEETSYNC_USERNAME",
    ),
    (
        "missing-private-key",
        {"SHEETSYNC_PRIVATE_KEY": None},
        "missing settings: SHEETSYNC_AUTH_FLOW=jwt needs SHEETSYNC_PRIVATE_KEY (or "
        "SHEETSYNC_PRIVATE_KEY_FILE)",
    ),
    (
        "not-a-number",
        {"SHEETSYNC_MAX_REMOVE_PERCENT": "twenty"},
        "invalid settings: SHEETSYNC_MAX_REMOVE_PERCENT: must be a number (got 'twenty')",
    ),
    (
        "not-a-whole-number",
        {"SHEETSYNC_LOOKBACK_MINUTES": "1.5"},
        "invalid settings: SHEETSYNC_LOOKBACK_MINUTES: must be a whole number (got '1.5')",
    ),
    (
        "out-of-range",
        {"SHEETSYNC_MAX_REMOVE_PERCENT": "150", "SHEETSYNC_LOOKBACK_MINUTES": "-5"},
        "invalid settings: SHEETSYNC_LOOKBACK_MINUTES: must be at least 0 (got '-5'); "
        "SHEETSYNC_MAX_REMOVE_PERCENT: must be at most 100 (got '150')",
    ),
    (
        "unknown-auth-flow",
        {"SHEETSYNC_AUTH_FLOW": "password"},
        "invalid settings: SHEETSYNC_AUTH_FLOW: must be one of jwt, refresh_token, "
        "client_credentials (got 'password')",
    ),
    (
        "url-without-https",
        {"SHEETSYNC_PARDOT_URL": "pi.pardot.com"},
        "invalid settings: SHEETSYNC_PARDOT_URL: must be an http(s) URL such as "
        "https://pi.pardot.com",
    ),
    (
        "sandbox-login-production-pardot",
        {
            "SHEETSYNC_SALESFORCE_LOGIN_URL": "https://test.salesforce.com",
            "SHEETSYNC_PARDOT_URL": "https://pi.pardot.com",
        },
        "SHEETSYNC_SALESFORCE_LOGIN_URL is a sandbox (test.salesforce.com) but "
        "SHEETSYNC_PARDOT_URL is production (pi.pardot.com): sandboxes use "
        "https://pi.demo.pardot.com",
    ),
    (
        "remote-sheets-url-without-credentials",
        {"SHEETSYNC_SHEETS_URL": "http://10.1.2.3:8080"},
        "SHEETSYNC_SHEETS_URL=http://10.1.2.3:8080 is not a loopback address: it may only point "
        "at a local emulator (127.0.0.1, localhost or ::1), which gets no credentials; unset it "
        "to talk to Google",
    ),
    (
        "missing-secret-file",
        {"SHEETSYNC_PRIVATE_KEY": None, "SHEETSYNC_PRIVATE_KEY_FILE": "/nonexistent/key.pem"},
        "invalid settings: SHEETSYNC_PRIVATE_KEY_FILE names a file that cannot be read (No such "
        "file or directory: /nonexistent/key.pem)",
    ),
    (
        "secret-inline-and-as-a-file",
        {"SHEETSYNC_PRIVATE_KEY_FILE": "/nonexistent/key.pem"},
        "invalid settings: SHEETSYNC_PRIVATE_KEY and SHEETSYNC_PRIVATE_KEY_FILE are both set; "
        "set only one",
    ),
    (
        "missing-google-key-file",
        {"SHEETSYNC_SHEETS_URL": None, "SHEETSYNC_GOOGLE_CREDENTIALS": "/nonexistent/sa.json"},
        "SHEETSYNC_GOOGLE_CREDENTIALS names a file that does not exist: /nonexistent/sa.json",
    ),
]


@pytest.mark.parametrize(
    ("env", "expected"), [(e, x) for _, e, x in SETTINGS_CASES], ids=[c[0] for c in SETTINGS_CASES]
)
def test_a_bad_setting_names_the_variable_and_nothing_runs(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str | None],
    expected: str,
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
    assert result.out == f"error: {expected}\n"
    guard.assert_untouched()
    assert guard.meter.spent().pardot_calls == 0


@pytest.mark.parametrize(
    ("setting", "kind"),
    [("pardot_url", "custom-fields.query"), ("salesforce_login_url", "token")],
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
    assert report.message == (
        f"Pardot error ({kind}): connection to {dead} ({variable}) failed (ConnectError) (gave "
        "up after 6 attempts); check that address and this machine's network; the next run "
        "tries again"
    )
    guard.assert_untouched()


def test_settings_load_from_the_world_are_the_emulators(world: World) -> None:
    # Guards the test above: it changes exactly one host of otherwise working settings.
    assert isinstance(world.settings, Settings)
    assert world.settings.pardot_url == world.pardot_emu.url
