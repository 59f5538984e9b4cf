"""Just enough of Drive v3 for gspread and the recorded traffic: files create/get/list/delete.

Only spreadsheets exist; ``q`` understands ``name = "..."`` and ignores the rest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .errors import ApiError
from .masks import mask, project
from .model import Spreadsheet

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


class DriveError(ApiError):
    """Drive answers errors with an ``errors`` list and no ``status``."""

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [
                    {
                        "message": self.message,
                        "domain": "global",
                        "reason": "notFound",
                        "location": "fileId",
                        "locationType": "parameter",
                    }
                ],
            }
        }


def _rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def drive_json(book: Spreadsheet, fields: str | None, *, full: bool = False) -> dict[str, Any]:
    body = {
        "kind": "drive#file",
        "id": book.id,
        "name": book.title,
        "mimeType": SPREADSHEET_MIME,
        "createdTime": _rfc3339(book.created),
        "modifiedTime": _rfc3339(book.modified),
    }
    if fields:
        return project(body, mask(fields))  # type: ignore[no-any-return]
    if full:
        return body
    return {k: body[k] for k in ("kind", "id", "name", "mimeType")}


def query_matches(book: Spreadsheet, query: str) -> bool:
    """Enough of Drive's ``q`` for gspread: ``name = "..."`` (other terms are ignored)."""
    marker = "name = "
    at = query.find(marker)
    if at < 0:
        return True
    rest = query[at + len(marker) :].strip()
    if not rest or rest[0] not in "'\"":
        return True
    quote = rest[0]
    end = rest.find(quote, 1)
    wanted = rest[1:end] if end > 0 else rest[1:]
    return book.title == wanted.replace("\\" + quote, quote)
