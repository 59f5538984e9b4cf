"""A mapping's sync state, stored in the spreadsheet's developer metadata.

One entry per mapping: key ``sheetsync.state.<mapping>``, ``DOCUMENT`` visibility, location =
the worksheet, value = compact JSON ``{"v": 1, "state": {...}}``. It comes back in the same
``spreadsheets.get`` as the sheet's properties, so reading it costs nothing extra.

Google caps developer metadata per spreadsheet (about 30,000 characters is the figure quoted;
UNCONFIRMED), shared by every mapping of the spreadsheet, so one state may be at most
:data:`MAX_STATE_CHARS` characters: a watermark, a hash, a time and a short summary fit easily.
"""

from __future__ import annotations

import json
from typing import Any

from .guard import STATE_KEY_PREFIX, create_request, derived_metadata_id, id_lookup

STATE_FORMAT_VERSION = 1
MAX_STATE_CHARS = 4_000


def state_key(mapping: str) -> str:
    return STATE_KEY_PREFIX + mapping


def state_metadata_id(spreadsheet_id: str, sheet_id: int, mapping: str) -> int:
    return derived_metadata_id("sheetsync.state", spreadsheet_id, sheet_id, mapping)


def encode_state(state: dict[str, Any]) -> str:
    """Compact JSON of the envelope; ``ValueError`` if ``state`` is not JSON-able."""
    try:
        return json.dumps(
            {"v": STATE_FORMAT_VERSION, "state": state},
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
            sort_keys=True,
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the sync state is not JSON-able: {exc}") from None


def decode_state(value: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """(state, warning). An unreadable entry gives no state (a full run follows) and a warning."""
    if value is None:
        return None, None
    try:
        envelope = json.loads(value)
    except ValueError:
        return None, "the stored sync state is not valid JSON; it is ignored"
    if not isinstance(envelope, dict) or not isinstance(envelope.get("state"), dict):
        return None, "the stored sync state has an unknown shape; it is ignored"
    version = envelope.get("v")
    if version != STATE_FORMAT_VERSION:
        return None, f"the stored sync state has format version {version!r}; it is ignored"
    state: dict[str, Any] = envelope["state"]
    return state, None


def state_request(
    encoded: str,
    *,
    mapping: str,
    spreadsheet_id: str,
    sheet_id: int,
    existing_id: int | None,
) -> dict[str, Any]:
    """Update the entry found at read time, or create it."""
    if existing_id is not None:
        return {
            "updateDeveloperMetadata": {
                "dataFilters": [id_lookup(existing_id)],
                "developerMetadata": {"metadataValue": encoded},
                "fields": "metadataValue",
            }
        }
    metadata_id = state_metadata_id(spreadsheet_id, sheet_id, mapping)
    return create_request(metadata_id, state_key(mapping), encoded, sheet_id)
