"""Alerts under ``sheetsync emulate``: the webhooks the mappings name, all pointed at one local
receiver, and each message it gets told in one line.

Without this a user following the emulator walkthrough has no ``SHEETSYNC_WEBHOOK_<NAME>`` set,
and the first alert is dropped (alerts are sent at most once, so it is lost). Each webhook
setting gets its own path on the receiver, so a message shows which destination it was for.
The receiver's URLs are the emulator's own, not secrets: printing them is the point.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sheetsync.alerts.receiver import Received, WebhookReceiver
from sheetsync.mapping import Mapping

PATH_PREFIX = "/webhooks/"
TITLE_CHARS = 150
# How messages lay out their list (``sheetsync.alerts.messages``): one bullet per record, then
# "…and K more" when max_listed cut it short. Slack bullets with "• ", Teams with "- ".
_LISTED = re.compile(r"^(?:• |- )")
_MORE = re.compile(r"^…and (\d+) more$")


@dataclass(frozen=True)
class LocalWebhook:
    """One webhook setting of the mappings, served on its own path of the receiver."""

    variable: str  # SHEETSYNC_WEBHOOK_SALES_SLACK
    path: str  # /webhooks/SALES_SLACK
    users: tuple[str, ...]  # "sales of hot-prospects", for every destination naming it


def local_webhooks(mappings: Iterable[Mapping]) -> list[LocalWebhook]:
    """Every webhook setting the mappings' alert destinations name (once each, sorted)."""
    users: dict[tuple[str, str], list[str]] = {}
    for mapping in mappings:
        if mapping.alerts is None:
            continue
        for name, destination in mapping.alerts.destinations.items():
            key = (destination.variable, destination.webhook)
            users.setdefault(key, []).append(f"{name} of {mapping.name}")
    return [
        LocalWebhook(variable, PATH_PREFIX + webhook, tuple(names))
        for (variable, webhook), names in sorted(users.items())
    ]


def webhook_env(receiver: WebhookReceiver, hooks: Iterable[LocalWebhook]) -> dict[str, str]:
    """The settings that send every webhook to ``receiver`` (loopback http, which the sender
    accepts)."""
    return {hook.variable: receiver.url(hook.path) for hook in hooks}


def received_line(message: Received, hooks: Sequence[LocalWebhook]) -> str:
    """One message as ``# alert to sales of hot-prospects: "Score reached 100: …" (1 listed)``."""
    hook = next((h for h in hooks if h.path == message.path), None)
    to = ", ".join(hook.users) if hook is not None else f"{message.path} (no mapping's webhook)"
    parsed = _read(message)
    if parsed is None:
        return f"# alert to {to}: not a Slack or Teams message ({len(message.body)} bytes)"
    title, texts = parsed
    return f'# alert to {to}: "{_one_line(title)}" ({_listed(texts)})'


def _read(message: Received) -> tuple[str, list[str]] | None:
    """The title and the text blocks of a Slack or Teams message; None for anything else."""
    try:
        body = message.json
    except ValueError:  # not JSON (json.JSONDecodeError and UnicodeDecodeError both are)
        return None
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("blocks"), list):
        return _slack(body)
    if isinstance(body.get("attachments"), list):
        return _teams(body)
    return None


def _slack(body: dict[str, Any]) -> tuple[str, list[str]]:
    sections = [b.get("text") for b in body["blocks"] if _is(b, "section")]
    texts = [str(t.get("text", "")) for t in sections if isinstance(t, dict)]
    return str(body.get("text", "")), texts


def _teams(body: dict[str, Any]) -> tuple[str, list[str]] | None:
    attachment = body["attachments"][0] if body["attachments"] else None
    card = attachment.get("content") if isinstance(attachment, dict) else None
    blocks = card.get("body") if isinstance(card, dict) else None
    if not isinstance(blocks, list) or not blocks or not isinstance(blocks[0], dict):
        return None
    texts = [str(b.get("text", "")) for b in blocks[1:] if _is(b, "TextBlock")]
    return str(blocks[0].get("text", "")), texts


def _is(block: object, kind: str) -> bool:
    return isinstance(block, dict) and block.get("type") == kind


def _listed(texts: Iterable[str]) -> str:
    lines = [line.strip() for text in texts for line in text.splitlines()]
    listed = sum(1 for line in lines if _LISTED.match(line))
    more = sum(int(m.group(1)) for line in lines if (m := _MORE.match(line)))
    if not listed:
        return "no records listed"
    return f"{listed} listed, {more} more" if more else f"{listed} listed"


def _one_line(text: str) -> str:
    """Printable on one terminal line: whatever was posted, no control characters."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
