"""The function's pure decisions: the run budget, Cloud Scheduler deliveries, trace keys and
status codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.function import (
    DEFAULT_BUDGET_SECONDS,
    BadRequest,
    Call,
    delivery_of,
    run_budget,
    status_code,
    trace_fields,
    worst_status,
)
from sheetsync.report import RunReport
from sheetsync.settings import Settings


@pytest.mark.parametrize(
    ("setting", "cloud_run", "budget"),
    [
        (None, None, DEFAULT_BUDGET_SECONDS),
        ("900", "1800", 900.0),  # the setting wins
        (None, "1800", 1620.0),  # 10 % kept to answer and log
        (None, "120", 90.0),  # at least 30 s kept
        (None, "40", 20.0),  # but never less than half the timeout
        (None, "not a number", DEFAULT_BUDGET_SECONDS),
    ],
)
def test_the_run_budget(
    clean_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    setting: str | None,
    cloud_run: str | None,
    budget: float,
) -> None:
    if setting is not None:
        monkeypatch.setenv("SHEETSYNC_DEADLINE_SECONDS", setting)
    environ = {} if cloud_run is None else {"CLOUD_RUN_TIMEOUT_SECONDS": cloud_run}
    assert run_budget(Settings.load(), environ) == budget


def test_a_delivery_needs_both_scheduler_headers() -> None:
    both = Call.of(
        "POST",
        [
            ("x-cloudscheduler-jobname", "sheetsync-hot"),
            ("X-CloudScheduler-ScheduleTime", "2026-11-02T17:00:00Z"),
        ],
    )
    assert delivery_of(both) == "sheetsync-hot@2026-11-02T17:00:00Z"
    manual = Call.of("POST", [("X-CloudScheduler-JobName", "sheetsync-hot")])
    assert delivery_of(manual) is None
    assert delivery_of(Call.of("POST", [])) is None
    too_long = Call.of(
        "POST",
        [("X-CloudScheduler-JobName", "j" * 400), ("X-CloudScheduler-ScheduleTime", "t")],
    )
    with pytest.raises(BadRequest):
        delivery_of(too_long)


def test_trace_keys_from_the_cloud_trace_header() -> None:
    trace = "105445aa7843bc8bf206b12000100000"
    assert trace_fields(f"{trace}/1;o=1", "proj") == {
        "logging.googleapis.com/trace": f"projects/proj/traces/{trace}",
        "logging.googleapis.com/spanId": "0000000000000001",
        "logging.googleapis.com/trace_sampled": True,
    }
    assert trace_fields(trace, "proj") == {
        "logging.googleapis.com/trace": f"projects/proj/traces/{trace}"
    }
    assert trace_fields(f"{trace}/1;o=1", None) == {}  # no project: no usable trace name
    assert trace_fields("garbage", "proj") == {}


def test_status_codes_follow_what_a_retry_can_fix() -> None:
    ok = RunReport("a")
    refused = RunReport("b", status="refused")
    conflict = RunReport("c", status="conflict", retryable=True)
    assert status_code([ok, refused]) == 200
    assert status_code([ok, conflict]) == 503
    assert status_code([]) == 200
    assert worst_status([ok, refused, conflict]) == "conflict"
    assert worst_status([ok]) == "ok"
