"""Webhook message layout (Slack Block Kit, Teams Adaptive Card) and links."""

from __future__ import annotations

import json

from sheetsync.alerts.messages import Context, pardot_link, sheet_link, slack_payload, teams_payload
from sheetsync.alerts.rules import AlertEvent, Hit

CTX = Context("hot", "prospects", "1AbC", 42, "Hot prospects", "https://pi.demo.pardot.com", 2)


def event(count: int) -> AlertEvent:
    hits = tuple(Hit(i, f"<p{i}>&co@example.com", 10 + i, "score 90 → 120") for i in range(count))
    return AlertEvent("Hot", ("sales",), hits)


def test_links() -> None:
    assert pardot_link(CTX, 7) == "https://pi.demo.pardot.com/prospect/read?id=7"
    assert (
        sheet_link(CTX, 12) == "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=42&range=12:12"
    )


def test_slack_lists_up_to_max_and_counts_the_rest() -> None:
    body = slack_payload(event(3), CTX)
    assert body["text"] == "Hot: 3 prospects in Hot prospects"
    section = body["blocks"][1]["text"]["text"]
    assert section.count("• ") == 2 and section.endswith("…and 1 more")
    # Text from Pardot cannot become Slack markup (a <!channel> ping, a fake link).
    assert "&lt;p0&gt;&amp;co@example.com" in section and "<p0>" not in section
    assert "<https://pi.demo.pardot.com/prospect/read?id=0|" in section


def test_teams_is_an_adaptive_card_message() -> None:
    body = teams_payload(event(1), CTX)
    assert body["type"] == "message"
    attachment = body["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.2")
    assert (
        "[row 10](https://docs.google.com/spreadsheets/d/1AbC/edit#gid=42&range=10:10)"
        in (card["body"][1]["text"])
    )
    json.dumps(body)  # JSON-able as sent


def test_a_run_level_message() -> None:
    body = slack_payload(AlertEvent("Failing", ("sales",), text="3 runs in a row"), CTX)
    assert body["text"] == "Failing: sync of hot"
    assert body["blocks"][1]["text"]["text"] == "3 runs in a row"
