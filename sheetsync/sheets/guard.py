"""The version guard: one developer-metadata entry per worksheet that every write must move.

The entry has a fixed positive ``metadataId`` derived from the spreadsheet id and the sheet's
``sheetId`` (SHA-256, not Python's salted ``hash()``), key :data:`VERSION_KEY`, ``DOCUMENT``
visibility, location = the worksheet, and as value the id of the last batch written.

Every guarded batch starts with

1. ``deleteDeveloperMetadata`` matching (metadataId, the version this run read), then
2. ``createDeveloperMetadata`` with the same metadataId and this batch's id.

If someone else wrote in between, the delete matches nothing and the create then collides with
the still-existing id, so the whole (atomic) batch fails and nothing of it is applied. This
relies on Google's documentation that ``metadataId`` is unique within a spreadsheet (creating an
id that exists is an error) -- UNCONFIRMED by any recording. It works whichever way a delete
that matches nothing behaves (a no-op, or an error failing the batch). On the first write (no
entry yet) the guard is the create alone.

After any failure of a guarded batch the entry is re-read (:func:`classify`): this batch's id
means the batch was applied and its answer lost (do not resend); the version read means it was
not applied (safe to resend if the failure was transient); anything else is a conflict.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Any

VERSION_KEY = "sheetsync.version"
STATE_KEY_PREFIX = "sheetsync.state."


def derived_metadata_id(*parts: object) -> int:
    """A stable positive int32 from ``parts`` (same input, same id, on every machine)."""
    text = "\x1f".join(str(p) for p in parts)
    n = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & 0x7FFFFFFF
    return n or 1


def version_metadata_id(spreadsheet_id: str, sheet_id: int) -> int:
    return derived_metadata_id("sheetsync.version", spreadsheet_id, sheet_id)


def id_lookup(metadata_id: int, value: str | None = None) -> dict[str, Any]:
    """A DataFilter matching a metadata id (and value, when given)."""
    lookup: dict[str, Any] = {"metadataId": metadata_id}
    if value is not None:
        lookup["metadataValue"] = value
    return {"developerMetadataLookup": lookup}


def create_request(metadata_id: int, key: str, value: str, sheet_id: int) -> dict[str, Any]:
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataId": metadata_id,
                "metadataKey": key,
                "metadataValue": value,
                "location": {"sheetId": sheet_id},
                "visibility": "DOCUMENT",
            }
        }
    }


def guard_requests(
    metadata_id: int, sheet_id: int, read_version: str | None, new_version: str
) -> list[dict[str, Any]]:
    """The requests that open a guarded batch moving the version from read to new."""
    requests: list[dict[str, Any]] = []
    if read_version is not None:
        requests.append(
            {"deleteDeveloperMetadata": {"dataFilter": id_lookup(metadata_id, read_version)}}
        )
    requests.append(create_request(metadata_id, VERSION_KEY, new_version, sheet_id))
    return requests


class Outcome(enum.Enum):
    APPLIED = "applied"
    NOT_APPLIED = "not applied"
    CONFLICT = "conflict"


def classify(current: str | None, read_version: str | None, batch_version: str) -> Outcome:
    """What a failed guarded batch did, from the version entry re-read after the failure."""
    if current == batch_version:
        return Outcome.APPLIED
    if current == read_version:
        return Outcome.NOT_APPLIED
    return Outcome.CONFLICT


def chunk_version(batch_id: str, index: int, last: bool) -> str:
    """The version value of batch ``index`` (0-based) of a write; the last one is ``batch_id``
    itself, so a finished write is recognised by its id."""
    return batch_id if last else f"{batch_id}#{index + 1}"
