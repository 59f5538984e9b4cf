"""``sheetsync init`` against the Pardot emulator: interactive (CliRunner input) and by flags."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from sheetsync.cli import app
from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.mapping import load_mapping

SHEET = "1SheetSyncInitTest000000000000000000000000"
URL = f"https://docs.google.com/spreadsheets/d/{SHEET}/edit#gid=0"


@pytest.fixture
def folder(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """SHEETSYNC_* pointing at a Pardot emulator, mappings in an empty folder."""
    with PardotEmulator(prospects=50, seed=3) as emu:
        for name, value in emu.settings_env("jwt").items():
            monkeypatch.setenv(name, value)
        where = clean_env / "mappings"
        monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(where))
        yield where


def cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "250"})


def said(result: Result) -> str:
    return " ".join((result.stdout + result.stderr).split())


def test_interactive_answers_write_a_starter_that_validates(folder: Path) -> None:
    answers = "\n".join(
        [
            "prospects",
            "not a sheet",  # refused, asked again
            URL,
            "Hot leads",
            "email, scroe, hobby",  # a typo and a custom field without its suffix: asked again
            "email, score, hobby__c, assignedTo.email, lastActivityAt",
        ]
    )
    result = cli("init", input=answers + "\n")
    assert result.exit_code == 0, said(result)
    out = said(result)
    assert "is not a spreadsheet id" in out
    assert "unknown field 'scroe'; did you mean 'score'?" in out
    assert "unknown field 'hobby'; did you mean 'hobby__c'?" in out
    assert "hobby__c" in out.split("Custom fields in this account:")[1]  # offered up front

    path = folder / "hot-leads.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# hot-leads: Pardot prospects in the worksheet 'Hot leads'.")
    mapping = load_mapping(path)
    assert mapping.name == "hot-leads"
    assert mapping.spreadsheet_id == SHEET and mapping.worksheet == "Hot leads"
    assert [(c.field, c.header) for c in mapping.columns] == [
        ("id", "Prospect ID"),
        ("email", "Email"),
        ("score", "Score"),
        ("hobby__c", "Hobby"),  # the custom field's label
        ("assignedTo.email", "Assigned to email"),
        ("lastActivityAt", "Last activity at"),
    ]
    assert mapping.columns[0].link == "https://pi.pardot.com/prospect/read?id={id}"

    checked = cli("validate")
    assert checked.exit_code == 0, said(checked)
    assert "Every field and list exists in Pardot" in said(checked)


def test_flags_only_and_no_overwrite_without_force(folder: Path) -> None:
    args = [
        "init",
        "--object",
        "campaigns",
        "--spreadsheet",
        SHEET,
        "--worksheet",
        "Campaigns: 2026 #1",
        "--field",
        "name,cost",
        "-f",
        "createdAt",
        "--name",
        "campaigns-2026",
    ]
    first = cli(*args)
    assert first.exit_code == 0, said(first)
    path = folder / "campaigns-2026.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["worksheet"] == "Campaigns: 2026 #1"  # quoted where YAML needs it
    assert [c["field"] for c in data["columns"]] == ["id", "name", "cost", "createdAt"]
    assert data["columns"][0]["header"] == "Campaign ID"

    path.write_text(path.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    again = cli(*args)
    assert again.exit_code == 2
    assert "already exists; use --force to replace it" in said(again)
    assert path.read_text(encoding="utf-8").endswith("# my edit\n")

    forced = cli(*args, "--force")
    assert forced.exit_code == 0, said(forced)
    assert not path.read_text(encoding="utf-8").endswith("# my edit\n")
    assert cli("validate").exit_code == 0


def test_a_bad_flag_ends_the_command_with_a_suggestion(folder: Path) -> None:
    result = cli("init", "-o", "prospects", "-s", SHEET, "-w", "Leads", "-f", "emial")
    assert result.exit_code == 2
    assert "unknown field 'emial'; did you mean 'email'?" in said(result)
    assert not folder.exists() or not any(folder.iterdir())
    multi = cli("init", "-o", "prospects", "-s", SHEET, "-w", "Leads", "-f", "languages__c")
    assert multi.exit_code == 2 and "multi-valued" in said(multi)
    bad_sheet = cli("init", "-o", "prospects", "-s", "https://example.com/x", "-w", "Leads")
    assert bad_sheet.exit_code == 2 and "not a Google Sheets URL" in said(bad_sheet)


def test_two_mappings_may_not_write_one_worksheet(folder: Path) -> None:
    base = ["init", "-o", "prospects", "-s", SHEET, "-w", "Leads", "-f", "email"]
    assert cli(*base).exit_code == 0
    clash = cli(*base, "--name", "other")
    assert clash.exit_code == 2
    assert "two mappings may not write one worksheet" in said(clash)
    assert not (folder / "other.yaml").exists()
