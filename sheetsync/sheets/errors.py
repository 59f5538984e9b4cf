"""Every error the Sheets gateway raises. Each message says what failed and where.

Errors from Google are classified by HTTP status and the body's ``error.status`` only, never by
message text (Google rewords messages). No message ever contains a token or key.
"""

from __future__ import annotations

from typing import Any


class SheetsError(Exception):
    """Base class. ``status`` is Google's HTTP status when the error came from an answer."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str | None = None,
        spreadsheet_id: str | None = None,
        worksheet: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason  # Google's error.status, e.g. RESOURCE_EXHAUSTED
        self.spreadsheet_id = spreadsheet_id
        self.worksheet = worksheet
        #: guarded batches of this apply that were applied before the failure
        self.chunks_applied = 0


class Conflict(SheetsError):
    """The version guard refused the write: someone else wrote since the sheet was read.

    Nothing of the refused batch was applied; re-read, re-plan and try again.
    """


class SpreadsheetNotFound(SheetsError):
    """404: no spreadsheet with this id (or it was deleted)."""


class WorksheetNotFound(SheetsError):
    """The spreadsheet has no worksheet with this title (and creating it was not asked).

    ``total_cells``: the cells of the spreadsheet's other tabs (for the 10,000,000-cell cap);
    ``existing``: the titles of its tabs.
    """

    def __init__(
        self,
        message: str,
        *,
        total_cells: int = 0,
        existing: tuple[str, ...] = (),
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.total_cells = total_cells
        self.existing = existing


class NotShared(SheetsError):
    """403: the account has no access; share the spreadsheet with it."""

    def __init__(self, message: str, *, account_email: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.account_email = account_email


class QuotaExceeded(SheetsError):
    """429 RESOURCE_EXHAUSTED still answered after the bounded retries."""


class SheetsUnavailable(SheetsError):
    """5xx answers, timeouts or dropped connections still happening after the retries."""


class RequestRejected(SheetsError):
    """Google refused a request as invalid (400 and other 4xx): nothing of it was applied."""


class OutcomeUnknown(SheetsError):
    """A write failed and re-reading could not tell whether it was applied."""


class CellLimitExceeded(SheetsError):
    """The write would take the spreadsheet past 10,000,000 cells; nothing was written."""


class CellTooLong(SheetsError):
    """A cell value over 50,000 characters reached the gateway (a bug: the engine truncates)."""


class StateTooLarge(SheetsError):
    """The mapping's sync state is larger than the gateway stores; nothing was written."""


class CredentialsError(SheetsError):
    """Google credentials are missing, unreadable or unusable."""
