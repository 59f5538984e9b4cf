"""Bounded retry with exponential backoff and jitter (tenacity), and error classification.

Retried: 408, 429 and 5xx answers, timeouts and dropped connections -- decided by status, never
by message text. Reads retry freely. Write batches are never simply re-sent: the gateway sends
them again only after the version guard shows the failed attempt was not applied.
(gspread 6.2.1's ``BackOffHTTPClient`` retries forever and is not used.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from .errors import (
    CredentialsError,
    NotShared,
    OutcomeUnknown,
    QuotaExceeded,
    RequestRejected,
    SheetsError,
    SheetsUnavailable,
    SpreadsheetNotFound,
)

T = TypeVar("T")

#: Exceptions that mean "this request failed" (as opposed to a bug in our code).
REQUEST_FAILURES: tuple[type[BaseException], ...] = (
    APIError,
    requests.RequestException,
    TransportError,
    RefreshError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; waits ``initial * 2**n`` (capped) plus up to ``jitter`` s.

    With the defaults the waits add up to about a minute, enough for a per-minute quota to
    refill, and well inside a Cloud Function's 540 s.
    """

    attempts: int = 7
    initial: float = 1.0
    max_wait: float = 32.0
    jitter: float = 1.0

    def retrying(
        self,
        sleep: Callable[[float], None],
        retry_on: Callable[[BaseException], bool],
    ) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential_jitter(
                initial=self.initial, max=self.max_wait, jitter=self.jitter
            ),
            retry=retry_if_exception(retry_on),
            sleep=sleep,
            reraise=True,
        )


def status_of(exc: BaseException) -> int | None:
    if isinstance(exc, APIError):
        return int(exc.response.status_code)
    return None


def reason_of(exc: BaseException) -> str | None:
    if isinstance(exc, APIError):
        reason = exc.error.get("status")
        return str(reason) if reason else None
    return None


def is_retryable(exc: BaseException) -> bool:
    """Transient: 408/429/5xx, timeouts, dropped or refused connections."""
    status = status_of(exc)
    if status is not None:
        return status in (408, 429) or status >= 500
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return True
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return True
    return isinstance(exc, TransportError)


def call_with_retry(
    policy: RetryPolicy, sleep: Callable[[float], None], func: Callable[[], T]
) -> T:
    """Run ``func`` (a read), retrying transient failures; the last one is re-raised."""
    for attempt in policy.retrying(sleep, is_retryable):
        with attempt:
            return func()
    raise AssertionError("unreachable: tenacity re-raises the last failure")  # pragma: no cover


def to_sheets_error(
    exc: BaseException,
    *,
    what: str,
    spreadsheet_id: str | None,
    worksheet: str | None = None,
    account_email: str | None = None,
    attempts: int | None = None,
) -> SheetsError:
    """A clear gateway error for a failed request. Decided by status, never message text."""
    where = f"spreadsheet {spreadsheet_id}" if spreadsheet_id else "Google Sheets"
    if worksheet is not None:
        where = f"worksheet {worksheet!r} of {where}"
    status = status_of(exc)
    tries = f" after {attempts} attempts" if attempts and attempts > 1 else ""

    def make(cls: type[SheetsError], message: str) -> SheetsError:
        return cls(
            f"{what} {where} {message}",
            status=status,
            reason=reason_of(exc),
            spreadsheet_id=spreadsheet_id,
            worksheet=worksheet,
        )

    if isinstance(exc, RefreshError):
        return make(
            CredentialsError,
            "failed: the Google credentials could not be refreshed "
            "(revoked or disabled key, wrong scope, or clock skew?)",
        )
    if status == 404:
        return make(
            SpreadsheetNotFound,
            "failed: Google has no such spreadsheet (404); check the id or URL in the mapping",
        )
    if status == 403:
        who = (
            f"share the spreadsheet with {account_email} (Editor)"
            if account_email
            else "share the spreadsheet (Editor) with the service account sheetsync runs as"
        )
        error = make(NotShared, f"failed: no access (403); {who}")
        assert isinstance(error, NotShared)  # nosec B101  # type narrowing: made just above
        error.account_email = account_email
        return error
    if status == 429:
        return make(
            QuotaExceeded,
            f"failed: Google's per-minute quota is exhausted (429){tries}; try again in a "
            "minute, or ask for a higher Sheets API quota",
        )
    google = _google_message(exc)
    if status is not None and (status >= 500 or status == 408):
        return make(SheetsUnavailable, f"failed: Google answered {status}{tries}{google}")
    if status is not None:
        return make(RequestRejected, f"was refused by Google ({status}){google}")
    if is_retryable(exc):
        return make(
            SheetsUnavailable,
            f"failed: {_network_problem(exc)}{tries}; check that this machine can reach "
            "Google (or the address in SHEETSYNC_SHEETS_URL, if set); the next run tries again",
        )
    return make(SheetsError, f"failed: {type(exc).__name__}")


def unknown_outcome(what: str, spreadsheet_id: str, worksheet: str) -> OutcomeUnknown:
    return OutcomeUnknown(
        f"{what} worksheet {worksheet!r} of spreadsheet {spreadsheet_id} failed, and re-reading "
        "the version entry failed too, so whether it was applied is unknown; the next run "
        "re-reads the sheet and converges",
        spreadsheet_id=spreadsheet_id,
        worksheet=worksheet,
    )


def _google_message(exc: BaseException) -> str:
    if isinstance(exc, APIError):
        message = exc.error.get("message")
        if isinstance(message, str) and message and exc.error.get("code") != -1:
            return f": {message[:500]}"
    return ""


def _network_problem(exc: BaseException) -> str:
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    # The origin only: enough to spot a wrong SHEETSYNC_SHEETS_URL or a blocked network.
    host = f" ({urlsplit(url).scheme}://{urlsplit(url).netloc})" if isinstance(url, str) else ""
    if isinstance(exc, requests.Timeout):
        return f"no answer{host} before the client timeout"
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return f"the connection{host} was dropped or refused"
    return f"a transport error ({type(exc).__name__})"
