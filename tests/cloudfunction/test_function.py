"""The function end to end: functions-framework's test client -> cloudfunction/main.py ->
sheetsync.function -> the engine -> both emulators. Each test looks at the sheet, the
emulators' own counters and the log lines, not at the function's word alone."""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from sheetsync import __version__
from sheetsync import function as fn_module
from sheetsync.emulator.httpbase import Fault
from sheetsync.pardot import PardotClient
from sheetsync.sheets import SheetsGateway
from sheetsync.sheets.retry import RetryPolicy

from ..engine.conftest import World
from ..engine.support import Meter, assert_basic_row, by_id, column, live_ids, state
from .conftest import (
    PROJECT,
    SCHEDULER,
    SEVERITIES,
    FunctionWorld,
    function_client,
    log_lines,
    secrets_of,
)

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
TRACE_ID = "105445aa7843bc8bf206b12000100000"


def assert_sheet_right(world: World) -> None:
    ids = [i for i in column(world, "Prospects", "Prospect ID") if i is not None]
    assert len(ids) == len(set(ids)), "a prospect is on several rows"
    assert sorted(ids) == live_ids(world)
    for prospect_id, row in by_id(world, "Prospects").items():
        assert_basic_row(row, world.pardot_emu.store.prospect(prospect_id))  # type: ignore[arg-type]


def test_a_scheduled_call_syncs_and_logs_the_report(
    fn: FunctionWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = {**SCHEDULER, "X-Cloud-Trace-Context": f"{TRACE_ID}/1;o=1"}
    response = fn.post(headers=headers)
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["status"] == "ok" and body["retry"] is False
    [report] = body["reports"]
    assert set(report) >= DESIGN_KEYS
    assert report["mapping"] == "test" and report["status"] == "ok"
    assert report["rows_added"] == len(live_ids(fn.world))
    assert_sheet_right(fn.world)
    assert state(fn.world, "test")["last_delivery"] == (  # type: ignore[index]
        "sheetsync-test@2026-11-02T17:00:00Z"
    )

    lines = log_lines(capsys.readouterr().out)
    reported = [e for e in lines if "report" in e]
    assert len(reported) == 1
    assert reported[0]["severity"] == "INFO"
    assert reported[0]["report"] == report
    assert reported[0]["logging.googleapis.com/trace"] == f"projects/{PROJECT}/traces/{TRACE_ID}"
    assert reported[0]["delivery"] == "sheetsync-test@2026-11-02T17:00:00Z"


def test_a_repeated_delivery_of_one_schedule_time_syncs_once(fn: FunctionWorld) -> None:
    world = fn.world
    assert fn.post(headers=SCHEDULER).get_json()["status"] == "ok"
    some = live_ids(world)[0]
    world.pardot_emu.clock.advance(120)
    world.pardot_emu.store.update_prospect(some, company="Changed After The Delivery")

    meter = Meter(world)
    repeat = fn.post(headers=SCHEDULER)
    assert repeat.status_code == 200
    [report] = repeat.get_json()["reports"]
    assert report["status"] == "ok" and "already synced" in report["message"]
    assert report["cells_written"] == 0
    spent = meter.spent()
    assert spent.sheets_writes == 0
    assert "prospects.query" not in spent.pardot  # Pardot's data was not even read
    assert by_id(world, "Prospects")[some]["Company"] != "Changed After The Delivery"

    following = fn.post(
        headers={**SCHEDULER, "X-CloudScheduler-ScheduleTime": "2026-11-02T18:00:00Z"}
    )
    [report] = following.get_json()["reports"]
    assert report["status"] == "ok" and report["rows_updated"] == 1
    assert by_id(world, "Prospects")[some]["Company"] == "Changed After The Delivery"


def test_two_overlapping_calls_never_interleave_writes(
    fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each call builds its own engine; both plan from the same read, then both write at once:
    the version guard lets one through and the other re-plans."""
    barrier = threading.Barrier(2)
    real_apply = SheetsGateway.apply
    first_seen: set[int] = set()

    def apply(self: SheetsGateway, *args: Any, **kwargs: Any) -> Any:
        if id(self) not in first_seen:
            first_seen.add(id(self))
            barrier.wait(timeout=30)
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(SheetsGateway, "apply", apply)
    clients = [fn.client, function_client()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(c.post, "/", json={"mapping": "test"}) for c in clients]
        responses = [f.result(timeout=120) for f in futures]

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    reports = [r.get_json()["reports"][0] for r in responses]
    assert [r["status"] for r in reports] == ["ok", "ok"]
    replanned = [r for r in reports if any("another run wrote first" in w for w in r["warnings"])]
    assert len(replanned) == 1
    assert sorted(r["rows_added"] for r in reports) == [0, len(live_ids(fn.world))]
    titles = [s["properties"]["title"] for s in fn.world.snapshot()["sheets"]]
    assert titles.count("Prospects") == 1
    assert_sheet_right(fn.world)


@pytest.mark.parametrize("from_file", [False, True], ids=["env", "file"])
def test_a_call_without_the_shared_secret_runs_nothing(
    fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, from_file: bool
) -> None:
    secret = "menu-secret-7f3a9c1e"
    if from_file:
        path = tmp_path / "function-secret"
        path.write_text(secret + "\n", encoding="utf-8")
        monkeypatch.setenv("SHEETSYNC_FUNCTION_SECRET_FILE", str(path))
    else:
        monkeypatch.setenv("SHEETSYNC_FUNCTION_SECRET", secret)
    meter = Meter(fn.world)
    missing = fn.post()
    wrong = fn.post(headers={"X-Sheetsync-Secret": secret[:-1] + "x"})
    assert (missing.status_code, wrong.status_code) == (401, 403)
    for refused in (missing, wrong):
        assert refused.get_json()["reports"] == []
        assert secret not in refused.text
    spent = meter.spent()
    assert spent.pardot_calls == 0 and sum(spent.sheets.values()) == 0
    assert "Prospects" not in [s["properties"]["title"] for s in fn.world.snapshot()["sheets"]]

    allowed = fn.post(headers={"X-Sheetsync-Secret": secret})
    assert allowed.status_code == 200 and allowed.get_json()["status"] == "ok"
    assert_sheet_right(fn.world)


def test_a_dry_run_writes_nothing(fn: FunctionWorld) -> None:
    meter = Meter(fn.world)
    response = fn.post({"mapping": "test", "dry_run": True}, headers=SCHEDULER)
    assert response.status_code == 200
    [report] = response.get_json()["reports"]
    assert report["mode"] == "dry_run" and report["status"] == "ok"
    assert report["rows_added"] == len(live_ids(fn.world))
    assert meter.spent().sheets_writes == 0
    assert "Prospects" not in [s["properties"]["title"] for s in fn.world.snapshot()["sheets"]]
    # The delivery was not remembered: the real scheduled run still syncs.
    after = fn.post(headers=SCHEDULER).get_json()["reports"][0]
    assert after["rows_added"] == len(live_ids(fn.world))


def test_the_daily_limit_answers_200_saying_so_and_keeps_the_watermark(
    fn: FunctionWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world = fn.world
    assert fn.post().get_json()["status"] == "ok"
    before = state(world, "test")
    some = live_ids(world)[3]
    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.update_prospect(some, company="Not Today")
    world.pardot_emu.server.add_faults(
        Fault(kind="error", code=122, target="prospects.query", times=50)
    )
    capsys.readouterr()

    response = fn.post()
    assert response.status_code == 200  # a retry cannot fix it today: no Scheduler retry
    body = response.get_json()
    assert body["status"] == "failed" and body["retry"] is False
    [report] = body["reports"]
    assert report["status"] == "failed" and not report["retryable"]
    assert "Daily API rate limit" in report["message"]
    assert state(world, "test") == before
    assert by_id(world, "Prospects")[some]["Company"] != "Not Today"
    [logged] = [e for e in log_lines(capsys.readouterr().out) if "report" in e]
    assert logged["severity"] == "ERROR"
    assert logged["@type"].endswith("ReportedErrorEvent")


def test_a_deadline_mid_run_stops_cleanly_and_the_next_call_converges(
    fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first sync goes in small write batches; the engine's clock jumps past the call's
    deadline while the first batch is written (as if Sheets had been slow)."""
    world = fn.world
    monkeypatch.setenv("SHEETSYNC_DEADLINE_SECONDS", "600")
    real_build = fn_module.build_runtime

    def small_batches(settings: Any) -> Any:
        runtime = real_build(settings)
        runtime.sheets.max_request_bytes = 20_000
        return runtime

    monkeypatch.setattr(fn_module, "build_runtime", small_batches)
    jumped = Jump()
    monkeypatch.setattr("sheetsync.engine.time", jumped)
    real_apply = SheetsGateway.apply

    def apply(self: SheetsGateway, snap: Any, write: Any, batch: str, **kwargs: Any) -> Any:
        checks = kwargs["before_chunk"]

        def before_chunk(index: int) -> None:
            if index == 2 and not jumped.fired:
                jumped.fired = True
                jumped.offset = 3600.0  # two batches are written; now the deadline has passed
            checks(index)

        return real_apply(self, snap, write, batch, before_chunk=before_chunk)

    monkeypatch.setattr(SheetsGateway, "apply", apply)
    response = fn.post()
    assert response.status_code == 503, response.text  # Scheduler retries
    body = response.get_json()
    assert body["retry"] is True
    [report] = body["reports"]
    assert report["status"] == "failed" and report["retryable"]
    assert "deadline" in report["message"] and "after writing 2" in report["message"]
    rows = by_id(world, "Prospects")
    assert 0 < len(rows) < len(live_ids(world))
    for prospect_id, row in rows.items():  # every row written is whole
        assert_basic_row(row, world.pardot_emu.store.prospect(prospect_id))  # type: ignore[arg-type]
    assert state(world, "test") is None  # the watermark did not run ahead of the data

    jumped.offset = 0.0
    again = fn.post()
    assert again.status_code == 200 and again.get_json()["status"] == "ok"
    assert_sheet_right(world)


class Jump:
    """Stands in for the ``time`` module inside the engine: real monotonic time plus an offset
    the test moves."""

    def __init__(self) -> None:
        import time

        self._time = time
        self.offset = 0.0
        self.fired = False

    def monotonic(self) -> float:
        return self._time.monotonic() + self.offset


def test_a_spent_budget_starts_no_run(fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETSYNC_DEADLINE_SECONDS", "0.000001")
    meter = Meter(fn.world)
    response = fn.post()
    assert response.status_code == 503
    [report] = response.get_json()["reports"]
    assert report["retryable"] and report["message"].startswith("not started")
    assert meter.spent().pardot_calls == 0 and meter.spent().sheets_writes == 0


def test_get_answers_health_and_version_without_secrets(
    fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEETSYNC_FUNCTION_SECRET", "health-secret-0042")
    response = fn.get()
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["problems"] == []
    assert body["version"] == __version__
    assert body["mappings"] == ["test"]
    assert body["secret_header_required"] is True
    assert body["deadline_seconds"] == fn_module.DEFAULT_BUDGET_SECONDS
    for secret in secrets_of(fn.world, "health-secret-0042"):
        assert secret not in response.text


def test_get_reports_what_is_wrong(fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHEETSYNC_PRIVATE_KEY")
    (fn.world.folder / "broken.yaml").write_text("spreadsheet: [\n", encoding="utf-8")
    body = fn.get().get_json()
    assert body["status"] == "degraded"
    text = "\n".join(body["problems"])
    assert "SHEETSYNC_PRIVATE_KEY" in text and "broken.yaml" in text


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"{not json", "not valid JSON"),
        (b'["test"]', "JSON object"),
        (b'{"mapping": "test", "force": true}', "unknown key 'force'"),
        (b'{"mapping": "test", "full": "yes"}', "full must be true or false"),
        (b'{"mapping": 7}', "mapping must be"),
    ],
)
def test_a_bad_body_answers_400_and_runs_nothing(fn: FunctionWorld, data: bytes, said: str) -> None:
    meter = Meter(fn.world)
    response = fn.client.post("/", data=data, content_type="application/json")
    assert response.status_code == 400
    assert said in response.get_json()["message"]
    assert meter.spent().pardot_calls == 0 and sum(meter.spent().sheets.values()) == 0


def test_an_empty_body_syncs_every_mapping(fn: FunctionWorld) -> None:
    second_mapping(fn)
    response = fn.client.post("/")
    assert response.status_code == 200
    assert [r["mapping"] for r in response.get_json()["reports"]] == ["second", "test"]
    assert all(r["status"] == "ok" for r in response.get_json()["reports"])


@pytest.mark.parametrize(
    ("setup", "error"),
    [("unknown-mapping", "mappings"), ("broken-mapping", "mappings"), ("no-key", "settings")],
)
def test_configuration_failures_answer_200_and_log_an_error(
    fn: FunctionWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    error: str,
) -> None:
    body: dict[str, Any] = {"mapping": "test"}
    if setup == "unknown-mapping":
        body = {"mapping": "nope"}
    elif setup == "broken-mapping":
        (fn.world.folder / "broken.yaml").write_text("columns: 3\n", encoding="utf-8")
    else:
        monkeypatch.delenv("SHEETSYNC_PRIVATE_KEY")
    meter = Meter(fn.world)
    response = fn.post(body)
    assert response.status_code == 200  # retrying cannot fix a configuration
    answer = response.get_json()
    assert answer["status"] == "failed" and answer["error"] == error and answer["reports"] == []
    assert meter.spent().sheets_writes == 0
    errors = [e for e in log_lines(capsys.readouterr().out) if e["severity"] == "ERROR"]
    assert len(errors) == 1 and answer["message"] in errors[0]["message"]


@pytest.mark.parametrize("name", ["../outside", "{folder}/../outside", "outside.yaml", "."])
def test_a_mapping_name_cannot_reach_outside_the_mappings_folder(
    fn: FunctionWorld, name: str
) -> None:
    """A valid mapping file next to the folder is never run: names are matched against the
    folder's own mappings, never joined into a path."""
    folder = fn.world.folder
    outside = folder.parent / "outside.yaml"
    outside.write_text((folder / "test.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    meter = Meter(fn.world)
    response = fn.post({"mapping": name.format(folder=folder)})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["status"] == "failed" and answer["reports"] == []
    assert "no mapping named" in answer["message"] and "there are: test" in answer["message"]
    assert meter.spent().pardot_calls == 0 and sum(meter.spent().sheets.values()) == 0


def test_log_lines_are_json_with_severity_and_never_a_secret(
    fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    world = fn.world
    function_secret = "log-test-secret-9d8e"
    monkeypatch.setenv("SHEETSYNC_FUNCTION_SECRET", function_secret)
    good = {"X-Sheetsync-Secret": function_secret}
    answers = [fn.post(headers=good), fn.post(headers={"X-Sheetsync-Secret": "wrong"})]
    world.pardot_emu.expire_tokens()  # the next call meets an expired token and renews it
    world.pardot_emu.clock.advance(600)
    answers.append(fn.post({"mapping": "test", "dry_run": True}, headers=good))
    world.pardot_emu.server.add_faults(
        Fault(kind="error", code=122, target="prospects.query", times=50)
    )
    answers.append(fn.post(headers=good))
    world.pardot_emu.server.clear_faults()

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in the function")

    monkeypatch.setattr(fn_module, "mappings_from", crash)
    answers.append(fn.post(headers=good))
    assert [a.status_code for a in answers] == [200, 403, 200, 200, 500]
    assert world.pardot_emu.app.tokens.issued >= 2

    out = capsys.readouterr().out
    lines = log_lines(out)
    assert len(lines) >= 6
    for entry in lines:
        assert entry["severity"] in SEVERITIES and isinstance(entry["message"], str)
    crashed = [e for e in lines if "a bug in the function" in e["message"]]
    assert crashed and crashed[0]["severity"] == "ERROR"
    assert "Traceback (most recent call last)" in crashed[0]["message"]
    seen = out + "".join(a.text for a in answers)
    for secret in secrets_of(world, function_secret):
        assert secret not in seen


def test_other_methods_are_refused(fn: FunctionWorld) -> None:
    assert fn.client.put("/", json={}).status_code == 405


def second_mapping(fn: FunctionWorld) -> None:
    text = fn.world.folder.joinpath("test.yaml").read_text(encoding="utf-8")
    fn.world.mapping(text.replace("worksheet: Prospects", "worksheet: Second"), name="second")


def test_after_the_daily_limit_the_other_mappings_are_not_started(fn: FunctionWorld) -> None:
    second_mapping(fn)
    fn.world.pardot_emu.server.add_faults(
        Fault(kind="error", code=122, target="custom-fields.query", times=50)
    )
    meter = Meter(fn.world)
    response = fn.client.post("/", json={})
    assert response.status_code == 200
    reports = response.get_json()["reports"]
    assert [r["mapping"] for r in reports] == ["second", "test"]
    assert "Daily API rate limit" in reports[0]["message"]
    assert reports[1]["message"].startswith("not started")
    assert meter.spent().pardot == {"token": 1, "custom-fields.query": 1}


def test_an_internal_error_of_the_engine_is_logged_once_with_its_traceback(
    fn: FunctionWorld, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_select(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("selection exploded")

    monkeypatch.setattr("sheetsync.engine.select", broken_select)
    response = fn.post()
    assert response.status_code == 200  # a bug is not fixed by retrying
    [report] = response.get_json()["reports"]
    assert report["status"] == "failed" and "internal error" in report["message"]
    lines = log_lines(capsys.readouterr().out)
    traced = [e for e in lines if "Traceback (most recent call last)" in e["message"]]
    assert len(traced) == 1
    assert traced[0]["severity"] == "ERROR" and traced[0]["logger"] == "sheetsync.engine"
    assert "selection exploded" in traced[0]["message"]
    # The engine's own plain report line is not repeated beside the function's.
    assert len([e for e in lines if "report" in e]) == 1
    assert not [e for e in lines if e["message"].startswith('{"mapping"')]


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The backoff waits of the function's clients, recorded instead of slept: the runtime the
    function builds gets them through the clients' own ``sleep`` parameter."""
    asked: list[float] = []
    monkeypatch.setattr(
        "sheetsync.runtime.PardotClient", functools.partial(PardotClient, sleep=asked.append)
    )
    monkeypatch.setattr(
        "sheetsync.runtime.SheetsGateway", functools.partial(SheetsGateway, sleep=asked.append)
    )
    return asked


def _synced_then_changed(fn: FunctionWorld) -> tuple[int, dict[str, Any], Any]:
    """A first sync, then a change in Pardot; returns (the changed prospect, the sheet's
    cells, the stored state) as they were before the next call."""
    world = fn.world
    first = fn.post()
    assert first.status_code == 200 and first.get_json()["status"] == "ok", first.text
    some = live_ids(world)[7]
    world.pardot_emu.clock.advance(600)
    world.pardot_emu.store.update_prospect(some, company="Waiting For A Retry")
    return some, world.cells("Prospects"), state(world, "test")


@pytest.mark.parametrize("code", [66, 183])
def test_a_pardot_error_that_persists_answers_503_for_a_retry(
    fn: FunctionWorld, waits: list[float], code: int
) -> None:
    """Pardot answers 66 (concurrency) or 183 (internal error) to every query: the client
    retries with backoff, gives up, and the function answers 503 so Scheduler retries."""
    world = fn.world
    some, cells, stored = _synced_then_changed(fn)
    world.pardot_emu.server.add_faults(
        Fault(kind="error", code=code, target="prospects.query", times=1000)
    )
    meter = Meter(world)
    response = fn.post()
    assert response.status_code == 503, response.text
    body = response.get_json()
    assert body["status"] == "failed" and body["retry"] is True
    [report] = body["reports"]
    assert report["status"] == "failed" and report["retryable"] is True
    assert f"Pardot error {code}" in report["message"]
    assert "gave up after 6 attempts" in report["message"]
    assert meter.spent().pardot["prospects.query"] == 6
    assert len(waits) == 5 and sum(waits) >= 31  # 1 + 2 + 4 + 8 + 16 s, not slept
    assert meter.spent().sheets_writes == 0
    assert world.cells("Prospects") == cells and state(world, "test") == stored

    world.pardot_emu.server.clear_faults()
    again = fn.post()
    assert again.status_code == 200 and again.get_json()["status"] == "ok"
    assert by_id(world, "Prospects")[some]["Company"] == "Waiting For A Retry"


def test_a_google_503_that_persists_answers_503_for_a_retry(
    fn: FunctionWorld, waits: list[float]
) -> None:
    """Every write batch gets Google's 503: the gateway re-sends it (after checking the version
    entry shows it was not applied) until its attempts are spent; nothing is written and the
    function answers 503."""
    world = fn.world
    some, cells, stored = _synced_then_changed(fn)
    world.sheets_emu.server.add_faults(
        Fault(kind="error", code=503, target="spreadsheets.batchUpdate", times=1000)
    )
    meter = Meter(world)
    response = fn.post()
    assert response.status_code == 503, response.text
    body = response.get_json()
    assert body["status"] == "failed" and body["retry"] is True
    [report] = body["reports"]
    assert report["status"] == "failed" and report["retryable"] is True
    assert "503" in report["message"]
    attempts = RetryPolicy().attempts
    assert meter.spent().sheets["spreadsheets.batchUpdate"] == attempts
    assert len(waits) == attempts - 1 and sum(waits) >= 63  # 1 + 2 + ... + 32 s, not slept
    assert world.cells("Prospects") == cells and state(world, "test") == stored

    world.sheets_emu.server.clear_faults()
    again = fn.post()
    assert again.status_code == 200 and again.get_json()["status"] == "ok"
    assert by_id(world, "Prospects")[some]["Company"] == "Waiting For A Retry"


def test_a_refused_plan_answers_200_saying_refused(fn: FunctionWorld, waits: list[float]) -> None:
    """Most prospects moved to the recycle bin: the plan would remove more rows than allowed,
    is refused whole, and a retry would be refused again, so the answer is 200."""
    world = fn.world
    _, cells, stored = _synced_then_changed(fn)
    ids = live_ids(world)
    doomed = ids[: len(ids) // 2]
    for prospect_id in doomed:
        world.pardot_emu.store.delete_prospect(prospect_id)
    meter = Meter(world)
    response = fn.post()
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["status"] == "refused" and body["retry"] is False
    [report] = body["reports"]
    assert report["status"] == "refused" and report["retryable"] is False
    assert f"remove {len(doomed)} of" in report["message"]
    assert meter.spent().sheets_writes == 0 and waits == []
    assert world.cells("Prospects") == cells and state(world, "test") == stored
