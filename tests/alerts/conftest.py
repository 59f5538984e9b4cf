"""Alerts against both emulators and a real local webhook receiver (loopback HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sheetsync.alerts.receiver import WebhookReceiver
from sheetsync.alerts.webhooks import WebhookSender
from tests.engine.conftest import SHEET_ID, World, make_world

__all__ = ["SHEET_ID", "World"]

MAPPING = f"""
spreadsheet: {SHEET_ID}
worksheet: Prospects
source:
  object: prospects
columns:
  - field: id
    header: Prospect ID
  - field: email
    header: Email
  - field: score
    header: Score
  - field: grade
    header: Grade
  - field: lastActivityAt
    header: Last activity
alerts:
  max_listed: 10
  destinations:
    sales:
      type: slack
      webhook: SALES_SLACK
    marketing:
      type: teams
      webhook: MARKETING_TEAMS
  rules:
"""


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch, prospects=300)


@pytest.fixture
def hook(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    """A receiver both destinations post to (Slack on /slack, Teams on /teams); the engine's
    sender reads the URLs from the environment and never really sleeps between retries."""
    with WebhookReceiver() as receiver:
        monkeypatch.setenv("SHEETSYNC_WEBHOOK_SALES_SLACK", receiver.url("/slack"))
        monkeypatch.setenv("SHEETSYNC_WEBHOOK_MARKETING_TEAMS", receiver.url("/teams"))
        world.engine.alert_sender = WebhookSender(sleep=lambda _: None)
        yield receiver
