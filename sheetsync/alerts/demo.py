"""The demo's alert: the example mapping's rule (score reaches 100), delivered to a local
receiver standing in for Slack. A mapping without alerts gets ``DEMO_ALERTS`` in memory."""

from __future__ import annotations

from typing import Any

import yaml
from rich.console import Console

from sheetsync.alerts.receiver import WebhookReceiver
from sheetsync.alerts.webhooks import WebhookSender
from sheetsync.mapping import Mapping
from sheetsync.mapping.alerts import Alerts

DEMO_ALERTS = """
destinations:
  sales:
    type: slack
    webhook: DEMO_SLACK        # the URL is in SHEETSYNC_WEBHOOK_DEMO_SLACK: a secret
rules:
  - name: Score reached 100
    field: score
    rises_to: 100
    notify: sales
"""
THRESHOLD = 100


def with_demo_alert(mapping: Mapping) -> Mapping:
    """``mapping`` with the demo's alert rule (unless it has alerts, or no score column)."""
    if mapping.alerts is not None or "score" not in {c.field for c in mapping.columns}:
        return mapping
    alerts = Alerts.model_validate(yaml.safe_load(DEMO_ALERTS))
    return mapping.model_copy(update={"alerts": alerts})


def demo_sender(receiver: WebhookReceiver, mappings: list[Mapping]) -> WebhookSender:
    """Every webhook the mappings name, pointed at the local receiver."""
    urls = {
        destination.variable: receiver.url(f"/services/{name}")
        for mapping in mappings
        if mapping.alerts is not None
        for name, destination in mapping.alerts.destinations.items()
    }
    return WebhookSender(urls)


def show_received(console: Console, receiver: WebhookReceiver, prospect_id: int | None) -> bool:
    """Print what the receiver got; True when it is the one alert about ``prospect_id``."""
    delivered = receiver.delivered()
    console.print(f"The local Slack webhook receiver got {len(delivered)} message(s):")
    for message in delivered:
        body: dict[str, Any] = message.json
        console.print(f"  [bold]{body.get('text', '')}[/]", highlight=False)
        for block in body.get("blocks", [])[1:]:
            text = block.get("text", {}).get("text") or " ".join(
                e.get("text", "") for e in block.get("elements", [])
            )
            for line in str(text).splitlines():
                console.print(f"    {line}", highlight=False, markup=False)
    if prospect_id is None:
        return True
    return len(delivered) == 1 and f"id={prospect_id}" in delivered[0].body.decode()
