"""Alerts fired by real syncs (both emulators) and delivered to a real loopback receiver."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from sheetsync.alerts.receiver import WebhookReceiver
from sheetsync.alerts.webhooks import WebhookSender
from sheetsync.emulator.httpbase import Fault

from .conftest import MAPPING, SHEET_ID, World


def mapping_with(world: World, rules: str, **extra: str) -> Any:
    text = MAPPING + rules
    for key, value in extra.items():
        text = text.replace(f"\n{key}:", f"\n{key}: {value}\n{key}_unused:", 1)
    return world.mapping(text)


def rows(world: World) -> dict[int, dict[str, Any]]:
    grid = world.grid("Prospects")
    header = grid[0]
    return {int(r[0]): dict(zip(header, r, strict=False)) for r in grid[1:] if r[0] is not None}


def sheet_row(world: World, prospect_id: int) -> int:
    grid = world.grid("Prospects")
    return next(i + 1 for i, r in enumerate(grid) if r[0] == prospect_id)


def pick(world: World, test: Any, count: int = 1) -> list[int]:
    found = [pid for pid, row in sorted(rows(world).items()) if test(row)]
    assert len(found) >= count
    return found[:count]


def gid_of(world: World) -> int:
    sheets = world.snapshot()["sheets"]
    return int(
        next(s for s in sheets if s["properties"]["title"] == "Prospects")["properties"]["sheetId"]
    )


def stored_state(world: World) -> dict[str, Any]:
    from tests.engine.support import state

    found = state(world, "test")
    assert found is not None
    return found


def later(world: World) -> None:
    world.pardot_emu.clock.advance(600)


SCORE_RULE = """
    - name: Score reached 100
      field: score
      rises_to: 100
      notify: sales
"""


def test_score_crossing_100_alerts_once_and_not_on_the_next_run(
    world: World, hook: WebhookReceiver
) -> None:
    mapping = world.mapping(MAPPING + SCORE_RULE)
    first = world.run(mapping)
    assert first.status == "ok"
    assert hook.received == []  # the first run builds the sheet: no alerts
    assert first.to_json()["alerts"] == {"sent": 0, "failed": 0}
    low, high = pick(world, lambda r: isinstance(r["Score"], int) and r["Score"] < 90, 2)
    already = pick(world, lambda r: isinstance(r["Score"], int) and r["Score"] >= 100)[0]
    later(world)
    store = world.pardot_emu.store
    store.update_prospect(low, score=100)  # crosses: fires
    store.update_prospect(high, score=99)  # rises, stays below: no alert
    store.update_prospect(already, score=250)  # was already above: no alert
    email, old_score = rows(world)[low]["Email"], rows(world)[low]["Score"]

    report = world.run(mapping)

    assert report.status == "ok", report.message
    assert report.alerts == {"sent": 1, "failed": 0}
    [message] = hook.delivered("/slack")
    body = message.json
    assert body["text"] == "Score reached 100: 1 prospect in Prospects"
    shown = json.dumps(body["blocks"])
    assert email in shown
    assert f"{world.settings.pardot_url}/prospect/read?id={low}" in shown
    gid = gid_of(world)
    row = sheet_row(world, low)
    sheet_url = (
        f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid={gid}&range={row}:{row}"
    )
    assert sheet_url in shown
    assert f"score {old_score} → 100" in json.loads(shown)[1]["text"]["text"]
    assert str(high) not in shown and str(already) not in shown

    # The next runs see the sheet already showing 100: nothing more, even when it rises again.
    later(world)
    assert world.run(mapping).alerts == {"sent": 0, "failed": 0}
    store.update_prospect(low, score=180)
    later(world)
    again = world.run(mapping)
    assert again.rows_updated == 1
    assert again.alerts == {"sent": 0, "failed": 0}
    assert len(hook.received) == 1


def test_grade_becoming_a(world: World, hook: WebhookReceiver) -> None:
    mapping = world.mapping(
        MAPPING
        + """
    - name: New A grade
      field: grade
      becomes: A
      notify: [sales, marketing]
"""
    )
    assert world.run(mapping).status == "ok"
    was_b = pick(world, lambda r: r["Grade"] == "B")[0]
    was_a = pick(world, lambda r: r["Grade"] == "A")[0]
    later(world)
    world.pardot_emu.store.update_prospect(was_b, grade="A")
    world.pardot_emu.store.update_prospect(was_a, grade="A+")  # leaves A: not "becomes A"

    report = world.run(mapping)

    assert report.alerts == {"sent": 2, "failed": 0}  # one message per destination
    slack = hook.delivered("/slack")[0].json
    assert "grade B → A" in json.dumps(slack["blocks"], ensure_ascii=False)
    assert str(was_a) not in json.dumps(slack)
    teams = hook.delivered("/teams")[0].json
    assert teams["type"] == "message"
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    text = "\n".join(block["text"] for block in card["body"])
    assert f"/prospect/read?id={was_b}" in text
    assert "New A grade: 1 prospect in Prospects" in text


def test_a_prospect_entering_the_synced_set(world: World, hook: WebhookReceiver) -> None:
    text = MAPPING.replace(
        "  object: prospects\n", "  object: prospects\n  where: score >= 50\n"
    ) + (
        """
    - name: New in the list
      enters: true
      notify: sales
"""
    )
    mapping = world.mapping(text)
    assert world.run(mapping).status == "ok"
    outside = next(
        p["id"]
        for p in (world.pardot_emu.store.prospect(i) for i in world.pardot_emu.store.ids())
        if p is not None and isinstance(p.get("score"), int) and p["score"] < 50
    )
    inside = pick(world, lambda r: True)[0]
    later(world)
    world.pardot_emu.store.update_prospect(outside, score=75)
    world.pardot_emu.store.update_prospect(inside, score=400)  # already in: not "entering"

    report = world.run(mapping)

    assert report.rows_added == 1
    assert report.alerts == {"sent": 1, "failed": 0}
    shown = json.dumps(hook.delivered()[0].json)
    assert f"read?id={outside}" in shown and "entered the sheet" in shown
    assert f"read?id={inside}" not in shown
    row = sheet_row(world, outside)
    assert f"&range={row}:{row}" in shown


def test_a_form_driven_update(world: World, hook: WebhookReceiver) -> None:
    mapping = world.mapping(
        MAPPING
        + """
    - name: Form submitted
      field: lastActivityAt
      changes: true
      where: recentInteraction = Submitted form
      notify: sales
"""
    )
    assert mapping.fields_to_read.count("recentInteraction") == 1  # read for the rule
    assert world.run(mapping).status == "ok"
    by_form, by_email = pick(world, lambda r: True, 2)
    later(world)
    now = world.pardot_emu.clock.now()
    store = world.pardot_emu.store
    store.update_prospect(by_form, lastActivityAt=now, recentInteraction="Submitted form")
    store.update_prospect(by_email, lastActivityAt=now, recentInteraction="Opened email")

    report = world.run(mapping)

    assert report.rows_updated == 2
    assert report.alerts == {"sent": 1, "failed": 0}
    shown = json.dumps(hook.delivered()[0].json)
    assert f"read?id={by_form}" in shown and f"read?id={by_email}" not in shown


def test_a_retried_delivery_does_not_alert_twice(world: World, hook: WebhookReceiver) -> None:
    mapping = world.mapping(MAPPING + SCORE_RULE)
    assert world.run(mapping).status == "ok"
    low = pick(world, lambda r: isinstance(r["Score"], int) and r["Score"] < 100)[0]
    later(world)
    world.pardot_emu.store.update_prospect(low, score=120)
    delivery = "sheetsync-test@2026-11-02T17:15:00Z"

    assert world.run(mapping, delivery=delivery).alerts == {"sent": 1, "failed": 0}
    repeated = world.run(mapping, delivery=delivery)  # Cloud Scheduler delivers it again
    assert "already synced" in repeated.message
    assert world.run(mapping).alerts == {"sent": 0, "failed": 0}  # a manual rerun
    assert len(hook.received) == 1


FAILING = """
    - name: Sync keeps failing
      failed_runs: 3
      notify: sales
"""


def fail_pardot(world: World) -> None:
    world.pardot_emu.server.add_faults(
        Fault(kind="error", target="prospects.query", times=10_000, code=183)
    )


def test_three_failed_runs_in_a_row_send_one_alert(world: World, hook: WebhookReceiver) -> None:
    mapping = world.mapping(MAPPING + FAILING)
    assert world.run(mapping).status == "ok"
    fail_pardot(world)
    reports = []
    for minute in range(5):
        later(world)
        reports.append(world.run(mapping, delivery=f"job@2026-11-02T18:{minute:02d}:00Z"))
    # Cloud Scheduler retrying the 5th scheduled run: the same scheduled run, not a 6th failure.
    reports.append(world.run(mapping, delivery="job@2026-11-02T18:04:00Z"))
    assert [r.status for r in reports] == ["failed"] * 6
    assert [r.alerts for r in reports] == [{"sent": 0, "failed": 0}] * 2 + [
        {"sent": 1, "failed": 0}
    ] + [{"sent": 0, "failed": 0}] * 3
    assert stored_state(world)["failed_runs"] == 5  # the retried delivery was not counted
    [message] = hook.delivered("/slack")
    assert "3 runs in a row did not succeed" in json.dumps(message.json)
    assert "Pardot error 183" in json.dumps(message.json)

    # A success resets the count (even one with nothing to write); three new failures alert again.
    world.pardot_emu.server.clear_faults()
    later(world)
    success = world.run(mapping)
    assert (success.status, success.cells_written) == ("ok", 0)
    assert "failed_runs" not in stored_state(world)
    fail_pardot(world)
    for _ in range(2):
        later(world)
        assert world.run(mapping).alerts == {"sent": 0, "failed": 0}
    later(world)
    assert world.run(mapping).alerts == {"sent": 1, "failed": 0}
    assert len(hook.delivered("/slack")) == 2


def test_the_failure_count_survives_another_engine(world: World, hook: WebhookReceiver) -> None:
    """Each Cloud Function instance is a new process: the count lives in the sheet."""
    from tests.engine.support import fresh_engine

    mapping = world.mapping(MAPPING + FAILING)
    assert world.run(mapping).status == "ok"
    fail_pardot(world)
    sent = []
    for _ in range(3):
        engine, client = fresh_engine(world)
        engine.alert_sender = WebhookSender(sleep=lambda _: None)
        later(world)
        sent.append(engine.run(mapping).alerts)
        client.close()
    assert sent == [{"sent": 0, "failed": 0}] * 2 + [{"sent": 1, "failed": 0}]


def test_a_500_then_200_is_retried_and_delivered(world: World, hook: WebhookReceiver) -> None:
    mapping = world.mapping(MAPPING + SCORE_RULE)
    assert world.run(mapping).status == "ok"
    low = pick(world, lambda r: isinstance(r["Score"], int) and r["Score"] < 100)[0]
    later(world)
    world.pardot_emu.store.update_prospect(low, score=101)
    hook.answer_next(500, 503)

    report = world.run(mapping)

    assert report.alerts == {"sent": 1, "failed": 0}
    assert [r.status for r in hook.received] == [500, 503, 200]
    assert hook.received[0].body == hook.received[2].body  # the same message, sent again


def test_a_receiver_that_always_fails_never_fails_the_sync(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with WebhookReceiver(always=500) as broken:
        url = broken.url("/services/T000/B000/SECRETsecretSECRET")
        monkeypatch.setenv("SHEETSYNC_WEBHOOK_SALES_SLACK", url)
        world.engine.alert_sender = WebhookSender(sleep=lambda _: None)
        mapping = world.mapping(MAPPING + SCORE_RULE)
        assert world.run(mapping).status == "ok"
        low = pick(world, lambda r: isinstance(r["Score"], int) and r["Score"] < 100)[0]
        later(world)
        world.pardot_emu.store.update_prospect(low, score=130)

        report = world.run(mapping)

        assert report.status == "ok"
        assert report.rows_updated == 1
        assert rows(world)[low]["Score"] == 130  # the sync itself went through
        assert report.alerts == {"sent": 0, "failed": 1}
        assert any(
            "not delivered" in w and "SHEETSYNC_WEBHOOK_SALES_SLACK" in w and "HTTP 500" in w
            for w in report.warnings
        )
        assert len(broken.received) >= 2  # retried before giving up
        # The failed delivery is not repeated by the next run (nothing changed since).
        later(world)
        attempts = len(broken.received)
        assert world.run(mapping).alerts == {"sent": 0, "failed": 0}
        assert len(broken.received) == attempts
    out = capsys.readouterr()
    seen = "\n".join([caplog.text, json.dumps(report.to_json()), out.out, out.err])
    assert "SECRETsecretSECRET" not in seen
    assert url not in seen


def test_a_missing_webhook_setting_is_reported_by_name(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHEETSYNC_WEBHOOK_SALES_SLACK", raising=False)
    world.engine.alert_sender = WebhookSender(sleep=lambda _: None, env_file=None)
    mapping = world.mapping(MAPPING + SCORE_RULE)
    assert world.run(mapping).status == "ok"
    low = pick(world, lambda r: isinstance(r["Score"], int) and r["Score"] < 100)[0]
    later(world)
    world.pardot_emu.store.update_prospect(low, score=130)
    report = world.run(mapping)
    assert report.status == "ok"
    assert report.alerts == {"sent": 0, "failed": 1}
    assert any("SHEETSYNC_WEBHOOK_SALES_SLACK (or" in w for w in report.warnings)


def test_without_alerts_nothing_changes(world: World) -> None:
    from .conftest import MAPPING as WITH

    plain = world.mapping(WITH.split("alerts:")[0])
    report = world.run(plain)
    assert "alerts" not in report.to_json()
    assert report.alerts is None
