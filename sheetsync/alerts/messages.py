"""Alert events as Slack and Microsoft Teams incoming-webhook messages. Pure.

- Slack: ``{"text": fallback, "blocks": [header, section, ...]}`` (Block Kit; ``mrkdwn`` links
  ``<url|text>``; ``&``, ``<`` and ``>`` escaped so a prospect's name cannot ping a channel).
- Teams: ``{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": AdaptiveCard}]}``, the format both the
  classic Incoming Webhook connector and Workflows ("When a Teams webhook request is received")
  accept; Workflows take Adaptive Cards only, so no legacy MessageCard is sent.

A message lists at most ``max_listed`` records, then "and K more".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sheetsync.alerts.rules import AlertEvent, Hit

#: Slack's limits: 3,000 characters of section text, 150 of header text.
SLACK_SECTION_CHARS = 2_900
SLACK_HEADER_CHARS = 150
ADAPTIVE_CARD_VERSION = "1.2"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
LABEL_CHARS = 80

PARDOT_PAGES = {"prospects": "prospect", "campaigns": "campaign"}


@dataclass(frozen=True)
class Context:
    """Where the records live, for the links."""

    mapping: str
    object: str  # prospects or campaigns
    spreadsheet_id: str
    sheet_id: int  # the worksheet's gid
    worksheet: str
    pardot_url: str  # e.g. https://pi.pardot.com (https://pi.demo.pardot.com for sandboxes)
    max_listed: int = 10


def pardot_link(ctx: Context, record_id: int) -> str:
    """The record's page in Account Engagement (``/prospect/read?id=``, as the README's link
    columns use; the campaign page follows the same pattern, UNCONFIRMED)."""
    page = PARDOT_PAGES.get(ctx.object, ctx.object.rstrip("s"))
    return f"{ctx.pardot_url.rstrip('/')}/{page}/read?id={record_id}"


def sheet_link(ctx: Context, row: int | None = None) -> str:
    """The worksheet, scrolled to ``row`` when given."""
    url = f"https://docs.google.com/spreadsheets/d/{quote(ctx.spreadsheet_id)}/edit#gid={ctx.sheet_id}"
    return url + (f"&range={row}:{row}" if row is not None else "")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def title(event: AlertEvent, ctx: Context) -> str:
    if event.hits:
        count = len(event.hits)
        things = ctx.object if count != 1 else ctx.object.rstrip("s")
        return f"{event.rule}: {count} {things} in {ctx.worksheet!s}"
    return f"{event.rule}: sync of {ctx.mapping}"


def _listed(event: AlertEvent, ctx: Context) -> tuple[list[Hit], int]:
    shown = list(event.hits[: ctx.max_listed])
    return shown, len(event.hits) - len(shown)


# -- Slack ---------------------------------------------------------------------------------------
def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_line(hit: Hit, ctx: Context) -> str:
    label = _slack_escape(_short(hit.label)).replace("|", "¦")
    line = f"• <{pardot_link(ctx, hit.record_id)}|{label}>: {_slack_escape(_short(hit.detail))}"
    if hit.row is not None:
        line += f" (<{sheet_link(ctx, hit.row)}|row {hit.row}>)"
    return line


def slack_payload(event: AlertEvent, ctx: Context) -> dict[str, Any]:
    head = title(event, ctx)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _short(head, SLACK_HEADER_CHARS)}}
    ]
    if event.hits:
        hits, more = _listed(event, ctx)
        section = ""
        for line in (_slack_line(h, ctx) for h in hits):
            if len(section) + len(line) + 1 > SLACK_SECTION_CHARS:
                blocks.append(_mrkdwn(section))
                section = ""
            section += ("\n" if section else "") + line
        if more:
            section += f"\n…and {more} more"
        blocks.append(_mrkdwn(section))
    else:
        blocks.append(_mrkdwn(_slack_escape(_short(event.text, 1_000))))
    sheet = f"<{sheet_link(ctx)}|Open the sheet>"
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"sheetsync · {_slack_escape(ctx.mapping)} · {sheet}"}
            ],
        }
    )
    return {"text": head, "blocks": blocks}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# -- Microsoft Teams -----------------------------------------------------------------------------
def _md_escape(text: str) -> str:
    for ch in "\\[]()*_`":
        text = text.replace(ch, "\\" + ch)
    return text


def _teams_line(hit: Hit, ctx: Context) -> str:
    line = (
        f"- [{_md_escape(_short(hit.label))}]({pardot_link(ctx, hit.record_id)}): "
        f"{_md_escape(_short(hit.detail))}"
    )
    if hit.row is not None:
        line += f" ([row {hit.row}]({sheet_link(ctx, hit.row)}))"
    return line


def teams_payload(event: AlertEvent, ctx: Context) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": _short(title(event, ctx), 200),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if event.hits:
        hits, more = _listed(event, ctx)
        lines = [_teams_line(h, ctx) for h in hits]
        if more:
            lines.append(f"…and {more} more")
        body.append({"type": "TextBlock", "text": "\n".join(lines), "wrap": True})
    else:
        text = _md_escape(_short(event.text, 1_000))
        body.append({"type": "TextBlock", "text": text, "wrap": True})
    card = {
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": ADAPTIVE_CARD_VERSION,
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Open the sheet", "url": sheet_link(ctx)}],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def payload(kind: str, event: AlertEvent, ctx: Context) -> dict[str, Any]:
    """The webhook body for a destination of type ``kind`` (slack or teams)."""
    return slack_payload(event, ctx) if kind == "slack" else teams_payload(event, ctx)
