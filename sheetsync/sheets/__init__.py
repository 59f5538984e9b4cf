"""The Google Sheets gateway: read a worksheet as a table, apply guarded atomic writes.

The sync engine imports the pure types (``model``, ``table``) and talks to Google only through
:class:`SheetsGateway`, built on the client from :func:`build_client`.
"""

from .client import build_client, client_for_url
from .counting import Counters, CountsSnapshot
from .errors import (
    CellLimitExceeded,
    CellTooLong,
    Conflict,
    CredentialsError,
    NotShared,
    OutcomeUnknown,
    QuotaExceeded,
    RequestRejected,
    SheetsError,
    SheetsUnavailable,
    SpreadsheetNotFound,
    StateTooLarge,
    WorksheetNotFound,
)
from .gateway import Book, SheetsGateway
from .model import (
    MAX_CELL_CHARS,
    MAX_SPREADSHEET_CELLS,
    ApplyResult,
    Cell,
    CellNote,
    CellRun,
    CellValue,
    GridRange,
    Link,
    NumberFormat,
    ProtectedRange,
    SheetSnapshot,
    SheetWrite,
    cells_equal,
    comparable,
    sheets_length,
)
from .retry import RetryPolicy
from .table import DuplicateHeaderError, Table

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_SPREADSHEET_CELLS",
    "ApplyResult",
    "Book",
    "Cell",
    "CellLimitExceeded",
    "CellNote",
    "CellRun",
    "CellTooLong",
    "CellValue",
    "Conflict",
    "Counters",
    "CountsSnapshot",
    "CredentialsError",
    "DuplicateHeaderError",
    "GridRange",
    "Link",
    "NotShared",
    "NumberFormat",
    "OutcomeUnknown",
    "ProtectedRange",
    "QuotaExceeded",
    "RequestRejected",
    "RetryPolicy",
    "SheetSnapshot",
    "SheetWrite",
    "SheetsError",
    "SheetsGateway",
    "SheetsUnavailable",
    "SpreadsheetNotFound",
    "StateTooLarge",
    "Table",
    "WorksheetNotFound",
    "build_client",
    "cells_equal",
    "client_for_url",
    "comparable",
    "sheets_length",
]
