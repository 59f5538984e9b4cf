"""The status tab's "Next run": the mapping's cron schedule, read in the mapping's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sheetsync.tabs.schedule import next_run

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # Every 15 minutes 7:00-19:45 on weekdays: Monday 12:00 -> 12:15.
        ("*/15 7-19 * * 1-5", datetime(2026, 11, 2, 12, 0), datetime(2026, 11, 2, 12, 15)),
        # Friday evening -> Monday 7:00.
        ("*/15 7-19 * * MON-FRI", datetime(2026, 11, 6, 20, 0), datetime(2026, 11, 9, 7, 0)),
        # Strictly after: a run at the scheduled minute is followed by the next one.
        ("0 6 * * *", datetime(2026, 11, 2, 6, 0), datetime(2026, 11, 3, 6, 0)),
        # Day of month and day of week both set: either one (cron's rule); 1 Dec is a Tuesday.
        ("0 9 1 * 5", datetime(2026, 11, 28, 0, 0), datetime(2026, 12, 1, 9, 0)),
        ("0 0 29 2 *", datetime(2026, 11, 2, 0, 0), datetime(2028, 2, 29, 0, 0)),
        ("0 12 * JAN,jul 0", datetime(2026, 11, 2, 0, 0), datetime(2027, 1, 3, 12, 0)),
        ("5-10/5 1 * * 7", datetime(2026, 11, 2, 0, 0), datetime(2026, 11, 8, 1, 5)),
        # 2:30 does not exist on 14 March 2027 in New York (clocks go 2:00 -> 3:00).
        ("30 2 * * *", datetime(2027, 3, 13, 12, 0), datetime(2027, 3, 15, 2, 30)),
    ],
)
def test_next_run_in_the_mappings_time_zone(
    expression: str, after: datetime, expected: datetime
) -> None:
    when = next_run(expression, after.replace(tzinfo=NEW_YORK), NEW_YORK)
    assert when is not None
    assert when.replace(tzinfo=None) == expected and when.tzinfo == NEW_YORK


def test_the_answer_is_the_same_instant_whatever_zone_the_clock_gives() -> None:
    now = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # 12:00 in New York
    when = next_run("*/15 7-19 * * 1-5", now, NEW_YORK)
    assert when == datetime(2026, 11, 2, 17, 15, tzinfo=UTC)


def test_an_unreadable_expression_has_no_next_run() -> None:
    assert next_run("not cron", datetime(2026, 1, 1, tzinfo=UTC), NEW_YORK) is None
