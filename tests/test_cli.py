"""The ``sheetsync`` command line against the emulators, the way a user runs it: typer's CliRunner
in-process (environment variables point at the emulators), and a subprocess for ``demo``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from sheetsync.cli import app

from .engine.conftest import BASIC, SHEET_ID, World, make_world
from .engine.support import Meter, by_id, live_ids

REPO = Path(__file__).resolve().parents[1]
# The run report's keys, as the design page lists them.
DESIGN_KEYS = {
    "mapping",
    "mode",
    "status",
    "rows_added",
    "rows_updated",
    "rows_removed",
    "rows_marked",
    "cells_written",
    "pardot_calls",
    "sheets_read_requests",
    "sheets_write_requests",
    "bytes_sent",
    "seconds",
    "message",
}
CAMPAIGNS = f"""
spreadsheet: {SHEET_ID}
worksheet: Campaigns
source:
  object: campaigns
columns:
  - field: id
    header: Campaign ID
  - field: name
    header: Campaign
"""


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Iterator[World]:
    """Both emulators, SHEETSYNC_* pointing at them, and SHEETSYNC_MAPPINGS at an empty folder."""
    for world in make_world(tmp_path, monkeypatch):
        monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(world.folder))
        yield world


def cli(*args: str) -> Result:
    # A wide console: rich would otherwise fold long cells at 80 columns.
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


def flat(result: Result) -> str:
    """Everything the command printed, with rich's line breaks undone."""
    return " ".join((result.stdout + result.stderr).split())


def sync_json(*args: str) -> Any:
    result = cli("sync", "--json", *args)
    assert result.exit_code == 0, flat(result)
    return json.loads(result.stdout)


# -- validate -------------------------------------------------------------------------------------
def test_validate_checks_files_and_field_names(world: World) -> None:
    world.mapping(BASIC)
    result = cli("validate")
    assert result.exit_code == 0, flat(result)
    assert "1 mapping file(s)" in flat(result)
    assert "Every field and list exists in Pardot" in flat(result)
    assert world.pardot_emu.server.stats()["requests"].get("custom-fields.query")


def mapping_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str = BASIC) -> Path:
    """A mappings folder holding ``leads.yaml`` (returned), named by SHEETSYNC_MAPPINGS."""
    folder = tmp_path / "maps"
    folder.mkdir()
    path = folder / "leads.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(folder))
    return path


def test_validate_offline_needs_no_pardot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    mapping_folder(tmp_path, monkeypatch)
    result = cli("validate", "--offline")
    assert result.exit_code == 0, flat(result)
    assert "1 mapping file(s)" in flat(result) and "well formed" in flat(result)


def test_validate_online_without_pardot_settings_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    """The deploy guide's last check: missing settings must not pass as "not checked"."""
    mapping_folder(tmp_path, monkeypatch)
    result = cli("validate")
    assert result.exit_code == 2, flat(result)
    assert "error: missing settings: Pardot needs SHEETSYNC_PARDOT_BUSINESS_UNIT_ID" in flat(result)
    assert "(`sheetsync validate --offline` checks the mapping files alone)" in flat(result)


def test_validate_names_file_line_and_suggestion_for_an_unknown_field(world: World) -> None:
    world.mapping(BASIC.replace("field: email", "field: emial"))
    path = world.folder / "test.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index("  - field: emial") + 1
    result = cli("validate")
    assert result.exit_code == 2
    out = flat(result)
    assert f"{path}:{line}" in out
    assert "emial" in out and "email" in out.replace("emial", "")


def test_validate_names_file_line_and_suggestion_for_an_unknown_list(world: World) -> None:
    world.mapping(
        BASIC.replace("  object: prospects", "  object: prospects\n  lists: [Hot Prospect]")
    )
    path = world.folder / "test.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index("  lists: [Hot Prospect]") + 1
    result = cli("validate")
    assert result.exit_code == 2, flat(result)
    out = flat(result)
    assert f"{path}:{line}: source.lists[0]: Pardot has no list named 'Hot Prospect'" in out
    assert "did you mean 'Hot Prospects'?" in out


def test_validate_offline_names_file_and_line_of_a_schema_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    path = mapping_folder(tmp_path, monkeypatch, BASIC + "on_delete: delete\n")
    line = path.read_text(encoding="utf-8").splitlines().index("on_delete: delete") + 1
    result = cli("validate", "--offline")
    assert result.exit_code == 2
    out = flat(result)
    assert f"{path}:{line}" in out and "on_delete" in out


def test_every_problem_is_on_its_own_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    path = mapping_folder(tmp_path, monkeypatch, BASIC + "on_delete: delete\nheader_row: two\n")
    result = cli("validate", "--offline")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, result.stderr
    assert all(line.startswith(f"error: {path}:") for line in lines), result.stderr
    assert "on_delete" in lines[0] and "header_row: must be a whole number" in lines[1]


def test_validate_refuses_two_mappings_on_one_worksheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    folder = tmp_path / "maps"
    folder.mkdir()
    for name in ("leads", "more-leads"):
        (folder / f"{name}.yaml").write_text(BASIC, encoding="utf-8")
    monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(folder))
    result = cli("validate", "--offline")
    assert result.exit_code == 2
    out = flat(result)
    assert "leads.yaml" in out and "more-leads.yaml" in out and "Prospects" in out


ALERTS = """
alerts:
  destinations:
    sales:
      type: slack
      webhook: SALES_SLACK
  rules:
    - name: Score reached 100
      field: score
      rises_to: 100
      notify: sales
"""
SECRET_URL = "https://hooks.slack.com/services/T0000/B0000/sEcReTsEcReT"


def test_validate_names_an_alert_webhook_that_is_not_set(world: World) -> None:
    """The first alert would be dropped (and lost): validate says so first. ``--offline``
    checks the files alone, as it does for every other setting."""
    world.mapping(BASIC + ALERTS)
    path = world.folder / "test.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index("      webhook: SALES_SLACK") + 1
    result = cli("validate")
    assert result.exit_code == 2, flat(result)
    assert (
        f"{path}:{line}: alerts.destinations.sales.webhook: SHEETSYNC_WEBHOOK_SALES_SLACK (or "
        "SHEETSYNC_WEBHOOK_SALES_SLACK_FILE) is not set; alerts to 'sales' cannot be delivered"
    ) in flat(result)
    # A setting: checked before anything is asked of Pardot.
    assert not world.pardot_emu.server.stats()["requests"].get("custom-fields.query")
    offline = cli("validate", "--offline")
    assert offline.exit_code == 0 and "WEBHOOK" not in flat(offline), flat(offline)


def test_validate_accepts_a_set_webhook_and_never_prints_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.mapping(BASIC + ALERTS)
    monkeypatch.setenv("SHEETSYNC_WEBHOOK_SALES_SLACK", SECRET_URL)
    result = cli("validate")
    assert result.exit_code == 0, flat(result)
    assert "Alert webhook settings are set: SHEETSYNC_WEBHOOK_SALES_SLACK." in flat(result)
    assert "Every field and list exists in Pardot" in flat(result)
    assert "sEcReT" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SHEETSYNC_WEBHOOK_SALES_SLACK", SECRET_URL.replace("https", "http"), "not an https://"),
        ("SHEETSYNC_WEBHOOK_SALES_SLACK_FILE", "/no/such/sEcReT", "cannot be read"),
    ],
    ids=["plain-http", "unreadable-file"],
)
def test_validate_refuses_an_unusable_webhook_without_printing_it(
    world: World, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    world.mapping(BASIC + ALERTS)
    monkeypatch.setenv(variable, value)
    result = cli("validate")
    assert result.exit_code == 2, flat(result)
    assert f"alerts.destinations.sales.webhook: {variable}" in flat(result)
    assert expected in flat(result)
    assert "sEcReT" not in result.stdout + result.stderr


def test_validate_reads_a_webhook_from_the_env_file(world: World, clean_env: Path) -> None:
    """The same places a sync reads it from: the environment or the .env file."""
    world.mapping(BASIC + ALERTS)
    (clean_env / ".env").write_text(
        f"SHEETSYNC_WEBHOOK_SALES_SLACK={SECRET_URL}\n", encoding="utf-8"
    )
    result = cli("validate")
    assert result.exit_code == 0, flat(result)
    assert "Alert webhook settings are set: SHEETSYNC_WEBHOOK_SALES_SLACK." in flat(result)
    assert "sEcReT" not in result.stdout + result.stderr


# -- fields ---------------------------------------------------------------------------------------
def test_fields_lists_standard_custom_and_related_fields(world: World) -> None:
    result = cli("fields", "prospects")
    assert result.exit_code == 0, flat(result)
    names = {
        line.split("│")[1].strip() for line in result.stdout.splitlines() if line.count("│") > 2
    }
    assert {"email", "score", "hobby__c", "campaign.name", "assignedTo.email"} <= names


# -- plan -----------------------------------------------------------------------------------------
def test_plan_shows_what_would_change_and_writes_nothing(world: World) -> None:
    world.mapping(BASIC)
    meter = Meter(world)
    result = cli("plan")
    assert result.exit_code == 0, flat(result)
    out = flat(result)
    assert f"{len(live_ids(world))} row(s) to add" in out
    assert meter.spent().sheets_writes == 0
    assert "Prospects" not in [s["properties"]["title"] for s in world.snapshot()["sheets"]]

    assert sync_json()["status"] == "ok"
    changed = live_ids(world)[11]
    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.update_prospect(changed, company="Planned Change AG")
    meter = Meter(world)
    before = world.cells("Prospects")
    result = cli("plan")
    assert result.exit_code == 0, flat(result)
    out = flat(result)
    assert "1 row(s) to update" in out
    assert "Planned Change AG" in out
    assert meter.spent().sheets_writes == 0
    assert world.cells("Prospects") == before


# -- sync -----------------------------------------------------------------------------------------
def test_sync_json_prints_one_report_object_for_one_mapping(world: World) -> None:
    world.mapping(BASIC, name="leads")
    report = sync_json()
    assert isinstance(report, dict)
    assert set(report) >= DESIGN_KEYS
    assert (report["mapping"], report["status"], report["mode"]) == ("leads", "ok", "full")
    assert report["rows_added"] == len(live_ids(world))
    assert sorted(by_id(world, "Prospects")) == live_ids(world)
    again = sync_json("--mapping", "leads")
    assert (again["mode"], again["cells_written"], again["sheets_write_requests"]) == (
        "incremental",
        0,
        0,
    )


def test_sync_json_prints_an_array_for_several_mappings(world: World) -> None:
    world.mapping(BASIC, name="leads")
    world.mapping(CAMPAIGNS, name="campaigns")
    reports = sync_json()
    assert isinstance(reports, list)
    assert sorted(r["mapping"] for r in reports) == ["campaigns", "leads"]
    for report in reports:
        assert set(report) >= DESIGN_KEYS
        assert report["status"] == "ok", report["message"]
    campaigns = world.pardot_emu.store.ids("campaigns", deleted=False)
    assert next(r for r in reports if r["mapping"] == "campaigns")["rows_added"] == len(campaigns)


def test_sync_exits_non_zero_when_a_run_fails(world: World) -> None:
    world.mapping(BASIC.replace("field: email", "field: emial"))
    result = cli("sync", "--json")
    assert result.exit_code != 0
    report = json.loads(result.stdout)
    assert report["status"] == "failed" and "email" in report["message"]


# -- status ---------------------------------------------------------------------------------------
def test_status_shows_the_last_run(world: World) -> None:
    world.mapping(BASIC, name="leads")
    sync_json()
    result = cli("status", "--mapping", "leads")
    assert result.exit_code == 0, flat(result)
    out = flat(result)
    assert "leads" in out and "Prospects" in out and "full" in out
    assert f"{len(live_ids(world))}/0/0/0" in out
    assert "never" not in out
    # Whole times, to the second, however narrow the table (the watermark and the last write).
    stamps = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)", result.stdout)
    assert len(stamps) == 3, result.stdout


# -- demo -----------------------------------------------------------------------------------------
def test_demo_runs_end_to_end_and_checks_itself() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    done = subprocess.run(
        [sys.executable, "-m", "sheetsync", "demo", "--prospects", "800"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Demo OK" in done.stdout


def test_a_bad_sheets_setting_exits_2_with_its_message_and_no_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.mapping(BASIC)
    monkeypatch.setenv("SHEETSYNC_SHEETS_URL", "https://sheets.example.com")
    result = cli("sync")
    assert result.exit_code == 2
    out = flat(result)
    assert "SHEETSYNC_SHEETS_URL=https://sheets.example.com is not a loopback address" in out
    assert "Traceback" not in out


def test_after_the_daily_limit_sync_does_not_start_the_other_mappings(world: World) -> None:
    from sheetsync.emulator.httpbase import Fault

    world.mapping(BASIC, name="a")
    world.mapping(CAMPAIGNS, name="b")
    world.pardot_emu.server.add_faults(
        Fault(kind="error", code=122, target="custom-fields.query", times=5)
    )
    meter = Meter(world)
    result = cli("sync", "--json")
    assert result.exit_code == 1
    a, b = json.loads(result.stdout)
    assert a["status"] == "failed" and "Daily API rate limit met" in a["message"]
    assert b["message"].startswith("not started") and b["pardot_calls"] == 0
    assert meter.spent().pardot.get("campaigns.query", 0) == 0


def test_plan_with_nothing_to_change_says_so(world: World) -> None:
    world.mapping(BASIC)
    assert cli("sync").exit_code == 0
    result = cli("plan")
    assert result.exit_code == 0
    out = flat(result)
    assert "No changes: the sheet matches Pardot." in out
    assert "to add" not in out


def test_plan_shows_a_link_change_readably(world: World) -> None:
    linked = BASIC.replace(
        "    header: Email",
        "    header: Email\n    link: https://pi.pardot.com/prospect/read?id={id}",
    )
    world.mapping(linked)
    assert cli("sync").exit_code == 0
    some = live_ids(world)[0]
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(some, email="new.addr@example.com")
    out = flat(cli("plan"))
    assert f"'new.addr@example.com' (link to https://pi.pardot.com/prospect/read?id={some})" in out
    assert "Link(" not in out


def test_verbose_prints_each_run_report_as_one_bare_json_line(world: World) -> None:
    world.mapping(BASIC)
    result = cli("-v", "sync")
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    assert len(lines) == 1
    assert json.loads(lines[0])["mapping"] == "test"


def test_values_over_the_cell_limit_are_reported(world: World) -> None:
    long_id = world.pardot_emu.store.special["long_comments"]
    world.mapping(BASIC + "  - field: comments\n    header: Comments\n")
    report = sync_json()
    assert any("50,000-character" in w for w in report["warnings"]), report["warnings"]
    cell = by_id(world, "Prospects")[long_id]["Comments"]
    assert cell.endswith("characters]") and len(cell) <= 50_000


def test_the_cli_leaves_logging_as_it_found_it(world: World) -> None:
    import logging

    engine_log = logging.getLogger("sheetsync.engine")
    before = (engine_log.level, engine_log.propagate, list(engine_log.handlers))
    world.mapping(BASIC)
    assert cli("-v", "sync").exit_code == 0
    assert cli("sync").exit_code == 0
    assert (engine_log.level, engine_log.propagate, list(engine_log.handlers)) == before
