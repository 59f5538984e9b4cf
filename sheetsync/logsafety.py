"""Keep secrets and token-bearing URLs out of logs.

httpx logs every request URL at INFO and urllib3 (under gspread) at DEBUG, query strings
included; Pardot's query strings carry page tokens. A filter on those loggers drops query
strings before any handler sees the record.
"""

from __future__ import annotations

import logging
import re

_URL_WITH_QUERY = re.compile(r"((?:https?://)?[^\s\"'?]*/[^\s\"'?]*)\?[^\s\"']*")
_LIBRARY_LOGGERS = ("httpx", "urllib3.connectionpool")


def strip_query_strings(text: str) -> str:
    """``GET https://h/p?nextPageToken=x`` -> ``GET https://h/p?…``."""
    return _URL_WITH_QUERY.sub(r"\1?…", text)


class RedactQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = strip_query_strings(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install() -> None:
    """Add the filter to the HTTP libraries' loggers (idempotent)."""
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQueryStrings) for f in logger.filters):
            logger.addFilter(RedactQueryStrings())
