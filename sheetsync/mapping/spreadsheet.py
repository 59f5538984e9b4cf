"""The spreadsheet id of a mapping, written either as the id or as the sheet's URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")
_PATH = re.compile(r"^/spreadsheets/(?:u/\d+/)?d/(?P<id>[A-Za-z0-9_-]+)(?:/.*)?$")


def spreadsheet_id(text: str) -> str:
    """The id in ``text`` (an id, or a ``https://docs.google.com/spreadsheets/d/<id>/...`` URL).

    Raises ValueError saying what was expected."""
    text = text.strip()
    if "://" not in text and "/" not in text:
        if _ID.match(text):
            return text
        raise ValueError(
            f"'{text}' is not a spreadsheet id: use the long id from the sheet's URL "
            "(https://docs.google.com/spreadsheets/d/<id>/edit) or the whole URL"
        )
    parts = urlsplit(text if "://" in text else f"https://{text}")
    match = _PATH.match(parts.path)
    if parts.hostname != "docs.google.com" or match is None:
        raise ValueError(
            f"'{text}' is not a Google Sheets URL: expected "
            "https://docs.google.com/spreadsheets/d/<id>/..."
        )
    if match["id"] == "e":
        raise ValueError(
            "this is a 'published to the web' link, which cannot be written to: use the "
            "spreadsheet's own URL (https://docs.google.com/spreadsheets/d/<id>/edit)"
        )
    if not _ID.match(match["id"]):
        raise ValueError(f"the URL's spreadsheet id '{match['id']}' is too short to be real")
    return match["id"]
