from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sheetsync.pardot.catalogue import CustomFieldDef, build_catalogue
from sheetsync.pardot.errors import PardotError
from sheetsync.pardot.export import ExportJob, coerce, parse_csv, year_windows

LA = ZoneInfo("America/Los_Angeles")
CATALOGUE = build_catalogue(
    "prospects",
    [CustomFieldDef.from_api({"id": 1, "fieldId": "budget", "name": "Budget", "type": "number"})],
)


def test_cells_become_query_shaped_values() -> None:
    assert coerce("", "string", LA) is None
    assert coerce("0123", "string", LA) == "0123"
    assert coerce("42", "integer", LA) == 42
    assert coerce("true", "boolean", LA) is True
    assert coerce("FALSE", "boolean", LA) is False
    assert coerce("12.5", "float", LA) == 12.5
    # Dates without an offset are in the account's time zone (DST aware).
    assert coerce("2025-07-01 09:15:00", "datetime", LA) == "2025-07-01T09:15:00-07:00"
    assert coerce("2025-01-05 09:15:00", "datetime", LA) == "2025-01-05T09:15:00-08:00"
    assert coerce("2025-01-05T09:15:00+01:00", "datetime", LA) == "2025-01-05T09:15:00+01:00"
    # Something unparseable is kept as sent, never dropped.
    assert coerce("n/a", "integer", LA) == "n/a"


def test_csv_rows_keyed_by_field_and_typed() -> None:
    text = (
        "\ufeffid,email,score,optedOut,updatedAt,budget__c,campaign.name\r\n"
        '7,a@example.com,55,false,2025-07-01 09:15:00,,"Spring, 2025"\r\n'
        "8,,0,true,2025-07-01 10:00:00,1200,\r\n"
    )
    fields = ["id", "email", "score", "optedOut", "updatedAt", "budget__c", "campaign.name"]
    rows = list(parse_csv(text, fields, CATALOGUE, LA))
    assert rows == [
        {
            "id": 7,
            "email": "a@example.com",
            "score": 55,
            "optedOut": False,
            "updatedAt": "2025-07-01T09:15:00-07:00",
            "budget__c": None,
            "campaign.name": "Spring, 2025",
        },
        {
            "id": 8,
            "email": None,
            "score": 0,
            "optedOut": True,
            "updatedAt": "2025-07-01T10:00:00-07:00",
            "budget__c": 1200,
            "campaign.name": None,
        },
    ]


def test_a_ragged_row_is_refused_not_guessed() -> None:
    with pytest.raises(PardotError, match="row has 1 cells, expected 2"):
        list(parse_csv("id,email\n7\n", ["id", "email"], CATALOGUE, LA))


def test_ranges_longer_than_a_year_become_several_jobs() -> None:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=800)
    windows = year_windows(start, end)
    assert len(windows) == 3
    assert windows[0][0] == start and windows[-1][1] == end
    assert all(b - a <= timedelta(days=365) for a, b in windows)
    assert all(windows[i][1] == windows[i + 1][0] for i in range(len(windows) - 1))


def test_job_status_is_read_tolerantly() -> None:
    job = ExportJob.from_api({"id": 5, "state": "COMPLETE", "resultRefs": "https://x/1"})
    assert job.done and job.result_refs == ("https://x/1",)
    assert ExportJob.from_api({"export": {"id": 6, "status": "Failed"}}).failed


@pytest.mark.parametrize(
    "zone", ["America/Los_Angeles", "Europe/Paris", "Australia/Lord_Howe", "UTC"]
)
def test_local_times_match_the_exact_conversion_every_minute_of_a_dst_year(zone: str) -> None:
    from sheetsync.pardot.export import LocalTimes

    tz = ZoneInfo(zone)
    local = LocalTimes(tz)
    moment = datetime(2026, 1, 1)
    while moment.year == 2026:
        text = moment.strftime("%Y-%m-%d %H:%M:%S")
        assert local(text) == coerce(text, "datetime", tz), text
        moment += timedelta(minutes=7, seconds=13)
