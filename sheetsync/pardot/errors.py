"""Pardot errors, grouped by what the caller does about them.

Pardot signals errors with a numeric ``code`` in a ``{"code", "message"}`` body, and the HTTP
status carrying a code has changed over the years (184 arrived as 401, later as 400), so
:func:`classify` decides on the code and uses the status only when there is no code.

- :class:`TransientError`: retry with backoff (66, 183, 202, 214, 5xx, timeouts, drops).
- :class:`StopRun`: stop this run, do not retry (122 daily limit, the per-run call cap).
- :class:`ConfigurationError`: fix the settings (181, 182, 201, 49, 184 right after a refresh,
  rejected credentials at the token endpoint).
- :class:`FieldError`: fix the mapping (13, 51, 224), names the field.
- :class:`NotFound`: 109/192, "record not found"; read methods turn it into ``None``.
- :class:`PageTokenError`: 210/211, the query iterator restarts from its high-water mark.
- :class:`PardotError`: anything else (a request the API refused), with code and message.
"""

from __future__ import annotations

import re

AUTH_EXPIRED = 184
ACCESS_DENIED = 49
CONCURRENCY_LIMIT = 66
DAILY_LIMIT = 122

TRANSIENT_CODES = frozenset({66, 183, 202, 214})
CONFIG_CODES = frozenset({49, 181, 182, 201})
FIELD_CODES = frozenset({13, 51, 224})
NOT_FOUND_CODES = frozenset({109, 192})
PAGE_TOKEN_CODES = frozenset({210, 211})

_CONFIG_HINTS = {
    49: "access denied: check the connected app's pardot_api scope and that the Salesforce user "
    "can use Account Engagement",
    181: "the Pardot-Business-Unit-Id header is missing: set SHEETSYNC_PARDOT_BUSINESS_UNIT_ID",
    182: "the business unit id is malformed: SHEETSYNC_PARDOT_BUSINESS_UNIT_ID must be the "
    "18-character id starting with 0Uv",
    201: "wrong business unit id, or production vs demo host? Check "
    "SHEETSYNC_PARDOT_BUSINESS_UNIT_ID and SHEETSYNC_PARDOT_URL (https://pi.pardot.com for "
    "production, https://pi.demo.pardot.com for sandboxes and developer orgs)",
}


class PardotError(Exception):
    """A Pardot API error. ``code`` is Pardot's error code when the body had one."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.code = code
        self.status = status
        self.endpoint = endpoint
        self.api_message = message
        super().__init__(self._render(message))

    def _render(self, message: str) -> str:
        where = f" ({self.endpoint})" if self.endpoint else ""
        code = f"Pardot error {self.code}" if self.code is not None else "Pardot error"
        status = f", HTTP {self.status}" if self.status is not None else ""
        return f"{code}{status}{where}: {message}"


class TransientError(PardotError):
    """A failure that a later attempt can fix; retried with backoff."""


class StopRun(PardotError):
    """Stop the run now and do not retry: more calls cannot succeed today (or this run)."""


class DailyLimitReached(StopRun):
    """Code 122: the business unit's daily API quota is used up until the next day."""


class CallCapReached(StopRun):
    """This run spent SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN calls."""


class ConfigurationError(PardotError):
    """The settings are wrong (credentials, business unit, host). Not retried."""


class FieldError(PardotError):
    """A field the API does not accept; ``field`` names it when known."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: int | None = None,
        status: int | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.field = field
        super().__init__(message, code=code, status=status, endpoint=endpoint)


class NotFound(PardotError):
    """Codes 109/192: the record does not exist (or is in the recycle bin)."""


class PageTokenError(PardotError):
    """Codes 210/211: the page token expired or is invalid; restart the query."""


class TokenEndpointError(ConfigurationError):
    """Salesforce refused to issue a token (``{"error", "error_description"}``)."""

    def _render(self, message: str) -> str:
        return message  # it names Salesforce and the flow itself


_FIELD_IN_MESSAGE = re.compile(r"(?:field|property)[^:]*:\s*([A-Za-z0-9_.]+)", re.IGNORECASE)


def field_from_message(message: str) -> str | None:
    """Pull the field name out of messages such as ``...invalid or unknown field: X.``"""
    match = _FIELD_IN_MESSAGE.search(message)
    return match.group(1).rstrip(".") if match else None


def classify(
    status: int, code: int | None, message: str, endpoint: str | None = None
) -> PardotError:
    """The exception for an error answer; decided by Pardot's code, else by HTTP status."""

    def build(cls: type[PardotError], text: str = message) -> PardotError:
        return cls(text, code=code, status=status, endpoint=endpoint)

    if code is not None:
        if code == DAILY_LIMIT:
            return build(
                DailyLimitReached,
                f"{message} (the business unit's daily API quota is used up; it resets at the "
                "start of the day in the account's time zone)",
            )
        if code in TRANSIENT_CODES:
            return build(TransientError)
        if code in CONFIG_CODES:
            hint = _CONFIG_HINTS.get(code)
            return build(ConfigurationError, f"{message} — {hint}" if hint else message)
        if code in FIELD_CODES:
            return FieldError(
                message,
                field=field_from_message(message),
                code=code,
                status=status,
                endpoint=endpoint,
            )
        if code in NOT_FOUND_CODES:
            return build(NotFound)
        if code in PAGE_TOKEN_CODES:
            return build(PageTokenError)
        if code == AUTH_EXPIRED:
            return build(
                ConfigurationError,
                f"{message} — the access token was refused right after a refresh: check that "
                "the connected app has the pardot_api scope and the user is synced to this "
                "business unit",
            )
        return build(PardotError)
    if status >= 500 or status in (408, 429):
        return build(TransientError)
    if status == 404:
        return build(NotFound)
    return build(PardotError)
