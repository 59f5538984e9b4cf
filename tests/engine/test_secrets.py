"""Secrets (the private key, the client secret, access tokens) never appear in logs, errors,
plans, reports or the sheet: not on a good run, not on a failing one, not with -v."""

from __future__ import annotations

import json
import logging

import pytest
from typer.testing import CliRunner

from sheetsync.cli import app
from sheetsync.emulator.httpbase import Fault

from .conftest import BASIC, World


def _secrets(world: World) -> list[str]:
    creds = world.pardot_emu.credentials
    key_lines = [line for line in creds.private_key_pem.splitlines() if "-----" not in line]
    # Access tokens issued so far (the emulator's own record of them).
    tokens = list(world.pardot_emu.app.tokens._tokens)
    return [creds.client_secret, *key_lines[1:4], *tokens]


def test_no_secret_in_logs_reports_or_the_sheet(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mapping = world.mapping(BASIC)
    reports = [world.run(mapping)]
    world.pardot_emu.expire_tokens()  # the next call meets an expired token and renews it
    world.pardot_emu.clock.advance(600)
    reports.append(world.run(mapping, dry_run=True))
    world.pardot_emu.server.add_faults(
        Fault(kind="error", target="prospects.query", times=100, code=183)
    )
    reports.append(world.run(mapping))
    world.pardot_emu.server.clear_faults()
    assert [r.status for r in reports] == ["ok", "ok", "failed"]
    assert world.pardot_emu.app.tokens.issued >= 2

    seen = "\n".join(
        [
            caplog.text,
            *(json.dumps(r.to_json()) for r in reports),
            json.dumps(world.snapshot(), default=str),
        ]
    )
    secrets = _secrets(world)
    assert len(secrets) >= 4
    for secret in secrets:
        assert secret not in seen


def test_no_secret_in_the_cli_output(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world.mapping(BASIC)
    monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(world.folder))
    outputs = []
    for args in (["-v", "sync", "--json"], ["-v", "plan"], ["status"]):
        result = CliRunner().invoke(app, args)
        outputs.append(result.stdout + result.stderr)
    world.pardot_emu.server.add_faults(Fault(kind="error", target="any", times=1000, code=183))
    failing = CliRunner().invoke(app, ["-v", "sync", "--json"])
    assert failing.exit_code != 0
    outputs.append(failing.stdout + failing.stderr)
    text = "\n".join([*outputs, caplog.text])
    assert "prospects.query" in text  # the verbose logs and the failure were captured
    for secret in _secrets(world):
        assert secret not in text
