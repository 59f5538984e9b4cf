"""Keep secrets and token-bearing URLs out of logs.

httpx logs every request URL at INFO and urllib3 (under gspread) at DEBUG, query strings
included; Pardot's query strings carry page tokens, and a webhook's whole URL is its secret. One
filter on those loggers drops query strings and replaces every secret registered with
:func:`remember_secret` by its label before any handler sees the record.
"""

from __future__ import annotations

import logging
import re
import threading

_URL_WITH_QUERY = re.compile(r"((?:https?://)?[^\s\"'?]*/[^\s\"'?]*)\?[^\s\"']*")
_LIBRARY_LOGGERS = ("httpx", "httpcore", "urllib3.connectionpool")
_SECRETS: dict[str, str] = {}
_LOCK = threading.Lock()


def strip_query_strings(text: str) -> str:
    """``GET https://h/p?nextPageToken=x`` -> ``GET https://h/p?…``."""
    return _URL_WITH_QUERY.sub(r"\1?…", text)


def redact(text: str) -> str:
    """``text`` with every remembered secret replaced by ``<label>`` and no query strings."""
    for secret, label in list(_SECRETS.items()):
        text = text.replace(secret, f"<{label}>")
    return strip_query_strings(text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def remember_secret(secret: str, label: str) -> None:
    """Redact ``secret`` (e.g. a webhook URL or its path) as ``<label>`` in library logs."""
    if len(secret) < 8:  # a short string would blank out ordinary words
        return
    with _LOCK:
        # Longest first, so a URL is replaced whole before its path is.
        _SECRETS.setdefault(secret, label)
        ordered = sorted(_SECRETS.items(), key=lambda item: -len(item[0]))
        _SECRETS.clear()
        _SECRETS.update(ordered)
    install()


def install() -> None:
    """Add the filter to the HTTP libraries' loggers (idempotent)."""
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
