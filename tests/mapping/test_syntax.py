"""Small syntaxes: cron schedules, spreadsheet ids and URLs, link templates, value text."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from sheetsync.mapping import cron_problem, spreadsheet_id, value_text
from sheetsync.mapping.links import link_problem, placeholders

ID = "1SheetSyncDemoHotProspects000000000000000000"


@pytest.mark.parametrize(
    "expression",
    ["*/15 7-19 * * 1-5", "0 6 * * *", "0,30 8 1 JAN-JUN mon-fri", "5 4 * * 7", "0 0 1-31/2 * 0"],
)
def test_valid_cron(expression: str) -> None:
    assert cron_problem(expression) is None


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("@hourly", "'@hourly' is not unix-cron: write the 5 fields, e.g. '0 * * * *' for hourly"),
        (
            "* * * *",
            "needs 5 fields (minute hour day-of-month month day-of-week), got 4: '* * * *'",
        ),
        ("60 * * * *", "minute: 60 is outside 0-59 in '60 * * * *'"),
        ("0 0 0 * *", "day of month: 0 is outside 1-31 in '0 0 0 * *'"),
        ("0 0 * 13 *", "month: 13 is outside 1-12 in '0 0 * 13 *'"),
        ("0 0 * * 8", "day of week: 8 is outside 0-7 in '0 0 * * 8'"),
        ("0 0 * * FRI-MON", "day of week: the range 'FRI-MON' runs backwards in '0 0 * * FRI-MON'"),
        ("*/0 * * * *", "minute: step 0 must be between 1 and 60 in '*/0 * * * *'"),
        ("5/10 * * * *", "minute: a step needs * or a range before it ('5/10') in '5/10 * * * *'"),
        ("0 0 * * MOX", "day of week: 'MOX' is not a number or a name (SUN..SAT) in '0 0 * * MOX'"),
        (
            "0 0 ? * *",
            "day of month: cannot read '?' (write *, N, N-M, */S or N-M/S) in '0 0 ? * *'",
        ),
    ],
)
def test_invalid_cron(expression: str, problem: str) -> None:
    assert cron_problem(expression) == problem


@pytest.mark.parametrize(
    "text",
    [
        ID,
        f"https://docs.google.com/spreadsheets/d/{ID}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/d/{ID}",
        f"https://docs.google.com/spreadsheets/u/1/d/{ID}/edit?usp=sharing",
        f"docs.google.com/spreadsheets/d/{ID}/edit",
        f"  {ID}  ",
    ],
)
def test_spreadsheet_ids(text: str) -> None:
    assert spreadsheet_id(text) == ID


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("my sheet", "is not a spreadsheet id"),
        ("https://example.com/spreadsheets/d/" + ID, "is not a Google Sheets URL"),
        ("https://docs.google.com/document/d/" + ID, "is not a Google Sheets URL"),
        ("https://docs.google.com/spreadsheets/d/e/2PACX-abc/pubhtml", "published to the web"),
        ("https://docs.google.com/spreadsheets/d/short/edit", "too short to be real"),
    ],
)
def test_bad_spreadsheet_ids(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        spreadsheet_id(text)


def test_link_templates() -> None:
    assert link_problem("https://pi.pardot.com/prospect/read?id={id}") is None
    assert link_problem("mailto:{email}") is None
    assert link_problem("{website}") is None
    assert link_problem("https://x.example/{ assignedTo.email }") is None
    assert placeholders("https://x/{id}/{ email }?again={id}") == ("id", "email")
    assert link_problem("https://x/{}") is not None
    assert link_problem("https://x/}{id}") is not None
    assert link_problem(" ") == "must not be empty"


def test_value_text() -> None:
    assert [value_text(v) for v in (None, True, False, 12, 1500.0, 2.5, "x")] == [
        "", "true", "false", "12", "1500", "2.5", "x",
    ]  # fmt: skip
    assert value_text(Decimal("1.50")) == "1.5"
    assert value_text(date(2026, 1, 2)) == "2026-01-02"
    assert value_text(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02T03:04:00+00:00"
    assert value_text(["a", 1]) == "a, 1"


def test_the_package_imports_no_http_client() -> None:
    code = (
        "import sys, sheetsync.mapping; "
        "print(sorted(m for m in ('httpx', 'gspread', 'requests') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
