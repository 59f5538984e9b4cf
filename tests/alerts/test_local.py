"""The emulate side of alerts: one receiver path per webhook setting, each message in one line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import httpx

from sheetsync.alerts.local import local_webhooks, received_line, webhook_env
from sheetsync.alerts.messages import Context, slack_payload, teams_payload
from sheetsync.alerts.receiver import Received, WebhookReceiver
from sheetsync.alerts.rules import AlertEvent, Hit
from sheetsync.mapping import Mapping, load_mapping

CTX = Context("hot", "prospects", "1AbC", 42, "Hot prospects", "https://pi.demo.pardot.com", 2)
MAPPING = """
spreadsheet: 1SheetSyncLocalWebhooks000000000000000000
worksheet: {worksheet}
source:
  object: prospects
columns:
  - field: id
  - field: score
alerts:
  destinations:
{destinations}
  rules:
    - name: Hot
      field: score
      rises_to: 100
      notify: {notify}
"""


def mapping(tmp_path: Path, name: str, destinations: dict[str, str]) -> Mapping:
    lines = "\n".join(
        f"    {d}:\n      type: slack\n      webhook: {hook}" for d, hook in destinations.items()
    )
    text = MAPPING.format(worksheet=name, destinations=lines, notify=next(iter(destinations)))
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_mapping(path)


def posted(body: Any, path: str = "/webhooks/SALES_SLACK") -> Received:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Received(path, data, "application/json", 200)


def event(count: int) -> AlertEvent:
    hits = tuple(Hit(i, f"p{i}@example.com", 10 + i, "score 90 → 120") for i in range(count))
    return AlertEvent("Hot", ("sales",), hits)


def test_one_path_per_setting_naming_every_destination_that_uses_it(tmp_path: Path) -> None:
    mappings = [
        mapping(tmp_path, "hot", {"sales": "SALES_SLACK", "ops": "ops_teams"}),
        mapping(tmp_path, "warm", {"team": "SALES_SLACK"}),
    ]
    hooks = local_webhooks(mappings)
    assert [(h.variable, h.path, h.users) for h in hooks] == [
        ("SHEETSYNC_WEBHOOK_OPS_TEAMS", "/webhooks/OPS_TEAMS", ("ops of hot",)),
        (
            "SHEETSYNC_WEBHOOK_SALES_SLACK",
            "/webhooks/SALES_SLACK",
            ("sales of hot", "team of warm"),
        ),
    ]


def test_the_settings_point_at_the_receiver_on_loopback(tmp_path: Path) -> None:
    hooks = local_webhooks([mapping(tmp_path, "hot", {"sales": "SALES_SLACK"})])
    lines: list[str] = []
    with WebhookReceiver(on_post=lambda m: lines.append(received_line(m, hooks))) as receiver:
        env = webhook_env(receiver, hooks)
        url = env["SHEETSYNC_WEBHOOK_SALES_SLACK"]
        assert httpx.URL(url).host == "127.0.0.1"
        assert httpx.post(url, json=slack_payload(event(1), CTX)).status_code == 200
    assert lines == ['# alert to sales of hot: "Hot: 1 prospect in Hot prospects" (1 listed)']


def test_slack_and_teams_messages_in_one_line(tmp_path: Path) -> None:
    hooks = local_webhooks([mapping(tmp_path, "hot", {"sales": "SALES_SLACK"})])
    slack = received_line(posted(slack_payload(event(3), CTX)), hooks)
    assert (
        slack == '# alert to sales of hot: "Hot: 3 prospects in Hot prospects" (2 listed, 1 more)'
    )
    teams = received_line(posted(teams_payload(event(1), CTX)), hooks)
    assert teams == '# alert to sales of hot: "Hot: 1 prospect in Hot prospects" (1 listed)'
    failing = AlertEvent("Failing", ("sales",), text="3 runs in a row did not succeed")
    assert received_line(posted(slack_payload(failing, CTX)), hooks).endswith(
        '"Failing: sync of hot" (no records listed)'
    )


def test_anything_else_posted_is_still_shown(tmp_path: Path) -> None:
    hooks = local_webhooks([mapping(tmp_path, "hot", {"sales": "SALES_SLACK"})])
    assert received_line(posted(b"hello"), hooks) == (
        "# alert to sales of hot: not a Slack or Teams message (5 bytes)"
    )
    assert "not a Slack or Teams message" in received_line(posted({"attachments": []}), hooks)
    # What anyone posts reaches the terminal without its control characters (an escape).
    stray = received_line(posted({"text": "x\n\x1b[2Jy", "blocks": []}, "/elsewhere"), hooks)
    assert stray == '# alert to /elsewhere (no mapping\'s webhook): "x [2Jy" (no records listed)'
