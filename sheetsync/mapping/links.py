"""Link templates of link columns: ``https://pi.pardot.com/prospect/read?id={id}``.

A ``{name}`` placeholder is any readable field, dots allowed (``{assignedTo.email}``). Braces are
only for placeholders (URLs have no use for them), so a stray ``{`` or ``}`` is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from sheetsync.mapping.values import field_value, value_text

FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_PIECE = re.compile(r"\{([^{}]*)\}")
_SCHEMES = ("https://", "http://", "mailto:")


def link_problem(template: str) -> str | None:
    """What is wrong with a link template, or None."""
    if not template.strip():
        return "must not be empty"
    rest = _PIECE.sub("", template)
    if "{" in rest or "}" in rest:
        return "has an unmatched '{' or '}' (placeholders are written {field})"
    for name in _PIECE.findall(template):
        if not FIELD_NAME.match(name.strip()):
            return (
                f"'{{{name}}}' is not a field placeholder: write a field name in braces, "
                "e.g. {id} or {assignedTo.email}"
            )
    if not template.startswith(("{", *_SCHEMES)):
        return "must start with https://, http:// or mailto: (or a {field} that holds a URL)"
    return None


def placeholders(template: str) -> tuple[str, ...]:
    """The field names a template reads, in order, each once."""
    names = (name.strip() for name in _PIECE.findall(template))
    return tuple(dict.fromkeys(names))


def render_link(template: str, record: Mapping[str, Any]) -> str:
    """The URL for one record. A placeholder that starts the template is inserted as it is (it
    supplies a whole URL, e.g. ``{website}``); the others are percent-encoded so that values
    such as e-mail addresses with ``+`` survive in a query string. Empty values give ``""``."""

    def fill(match: re.Match[str]) -> str:
        text = value_text(field_value(record, match[1].strip()))
        return text if match.start() == 0 else quote(text, safe="")

    return _PIECE.sub(fill, template)
