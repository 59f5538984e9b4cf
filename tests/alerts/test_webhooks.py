"""Delivery: retries with backoff on 5xx/429/connection errors, final on other 4xx, secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheetsync.alerts.receiver import WebhookReceiver
from sheetsync.alerts.webhooks import WebhookSender, WebhookSettingError, webhook_url
from sheetsync.mapping.alerts import Destination

SLACK = Destination(type="slack", webhook="sales")  # -> SHEETSYNC_WEBHOOK_SALES


def sender(url: str, waits: list[float], **kwargs: float) -> WebhookSender:
    return WebhookSender({"SHEETSYNC_WEBHOOK_SALES": url}, sleep=waits.append, **kwargs)  # type: ignore[arg-type]


def test_retries_with_growing_waits_then_delivers() -> None:
    waits: list[float] = []
    with WebhookReceiver([500, 429, 502]) as hook:
        outcome = sender(hook.url(), waits).send(SLACK, {"text": "hi"})
        assert outcome.ok and outcome.attempts == 4
        assert [r.status for r in hook.received] == [500, 429, 502, 200]
        assert hook.received[-1].json == {"text": "hi"}
        assert hook.received[-1].content_type == "application/json"
    assert waits == sorted(waits) and waits[0] > 0


def test_gives_up_after_the_attempts() -> None:
    waits: list[float] = []
    with WebhookReceiver(always=503) as hook:
        outcome = sender(hook.url(), waits, attempts=3).send(SLACK, {"text": "hi"})
    assert not outcome.ok and outcome.attempts == 3
    assert outcome.error == "SHEETSYNC_WEBHOOK_SALES: HTTP 503 after 3 attempt(s)"


def test_a_refusal_is_not_retried() -> None:
    with WebhookReceiver(always=404) as hook:
        outcome = sender(hook.url(), []).send(SLACK, {"text": "hi"})
        assert len(hook.received) == 1
    assert not outcome.ok and "HTTP 404" in (outcome.error or "")


def test_a_dead_endpoint_fails_cleanly() -> None:
    with WebhookReceiver() as hook:
        url = hook.url()
    outcome = sender(url, [], attempts=2).send(SLACK, {"text": "hi"})
    assert not outcome.ok and "connection failed" in (outcome.error or "")
    assert url not in (outcome.error or "")


def test_settings(tmp_path: Path) -> None:
    secret = tmp_path / "hook"
    secret.write_text("https://hooks.slack.com/services/T/B/xyz\n", encoding="utf-8")
    found = webhook_url("SHEETSYNC_WEBHOOK_SALES", {"SHEETSYNC_WEBHOOK_SALES_FILE": str(secret)})
    assert found.get_secret_value() == "https://hooks.slack.com/services/T/B/xyz"
    assert "xyz" not in repr(found)
    for env, message in [
        ({}, "SHEETSYNC_WEBHOOK_SALES (or SHEETSYNC_WEBHOOK_SALES_FILE) is not set"),
        ({"SHEETSYNC_WEBHOOK_SALES": "http://hooks.example.com/x"}, "not an https:// URL"),
        (
            {"SHEETSYNC_WEBHOOK_SALES": "https://a/x", "SHEETSYNC_WEBHOOK_SALES_FILE": "f"},
            "both set",
        ),
    ]:
        with pytest.raises(WebhookSettingError, match=re.escape(message)) as caught:
            webhook_url("SHEETSYNC_WEBHOOK_SALES", env)
        assert "hooks.example.com" not in str(caught.value)
