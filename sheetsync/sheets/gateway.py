"""The Sheets gateway: the one object the sync engine uses to read and write a worksheet.

Cost of a sync on the Sheets side (what the run report shows):

- :meth:`SheetsGateway.read`: one ``spreadsheets.get`` (field mask: sheet properties, grid
  sizes, developer metadata, merges, protected ranges) and one ``values.get`` of the whole
  worksheet (UNFORMATTED_VALUE, SERIAL_NUMBER). Creating a missing worksheet costs one
  ``batchUpdate`` (addSheet) instead of the values read. gspread's ``open_by_key`` and
  ``worksheet()`` are not used: each would fetch the metadata again.
- :meth:`SheetsGateway.read_column`: one ``values.get`` (the key-column re-check).
- :meth:`SheetsGateway.apply`: one guarded ``batchUpdate`` per ~2 MB of changes; nothing at all
  for an empty write. A failed batch costs one ``developerMetadata:search`` to classify it.

Concurrency: see :mod:`sheetsync.sheets.guard`. The guard relies on ``metadataId`` being unique
within a spreadsheet, as Google documents (UNCONFIRMED by any recording).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, overload

import gspread
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL, SPREADSHEET_URL
from gspread.utils import absolute_range_name, extract_id_from_url

from .batch import compact_json
from .checks import check_write
from .chunking import DEFAULT_MAX_BYTES, iter_chunks
from .client import account_email
from .counting import Counters
from .errors import (
    CellLimitExceeded,
    Conflict,
    QuotaExceeded,
    SheetsError,
    SheetsUnavailable,
    WorksheetNotFound,
)
from .guard import Outcome, chunk_version, classify, guard_requests, id_lookup, version_metadata_id
from .metadata import (
    METADATA_FIELDS,
    SheetInfo,
    SpreadsheetInfo,
    padded_rows,
    sheet_info,
    spreadsheet_info,
)
from .model import (
    MAX_SPREADSHEET_CELLS,
    ApplyResult,
    CellValue,
    SheetSnapshot,
    SheetWrite,
    TabRead,
)
from .retry import (
    REQUEST_FAILURES,
    RetryPolicy,
    call_with_retry,
    is_retryable,
    to_sheets_error,
    unknown_outcome,
)
from .state import decode_state, state_key, state_metadata_id, state_request
from .table import column_letter
from .transport import GatewayHTTPClient

T = TypeVar("T")

_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_MAPPING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
#: Size of a worksheet the gateway creates (Google's default for a new tab).
NEW_SHEET_ROWS, NEW_SHEET_COLS = 1000, 26
_JSON = {"Content-Type": "application/json"}


def typed_read(major: str) -> dict[str, str]:
    """Query parameters of a values read: raw typed values (numbers stay numbers, dates come
    as serial numbers), as the diff compares them."""
    return {
        "majorDimension": major,
        "valueRenderOption": "UNFORMATTED_VALUE",
        "dateTimeRenderOption": "SERIAL_NUMBER",
    }


@dataclass(frozen=True)
class Book:
    """A spreadsheet to work on (no request made yet)."""

    id: str


class _Resend(Exception):
    """The failed attempt was not applied and the failure was transient: send again."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class SheetsGateway:
    """Reads worksheets and applies guarded writes through gspread's HTTP client.

    ``client`` must come from :func:`sheetsync.sheets.build_client` (its HTTP client counts
    every request). ``sleep`` is what backoff waits call (tests pass a recorder).
    """

    def __init__(
        self,
        client: gspread.Client,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy | None = None,
        max_request_bytes: int = DEFAULT_MAX_BYTES,
        service_account: str | None = None,
    ) -> None:
        http = client.http_client
        if not isinstance(http, GatewayHTTPClient):
            raise TypeError(
                "SheetsGateway needs a client from sheetsync.sheets.build_client() "
                "(its HTTP client counts requests and applies the timeout)"
            )
        self._http = http
        self._sleep = sleep
        self.retry = retry or RetryPolicy()
        self.max_request_bytes = max_request_bytes
        self.service_account = service_account or account_email(client)

    @property
    def counters(self) -> Counters:
        """Requests sent (read/write, by kind) and request bytes; ``.reset()`` per run."""
        return self._http.counters

    # -- reading ------------------------------------------------------------------------------
    def open(self, spreadsheet: str) -> Book:
        """A spreadsheet by id or URL. No request is made."""
        text = spreadsheet.strip()
        if "/" in text:
            try:
                text = extract_id_from_url(text)
            except gspread.exceptions.NoValidUrlKeyFound:
                raise ValueError(f"no spreadsheet id found in the URL {spreadsheet!r}") from None
        if not _ID.match(text):
            raise ValueError(f"{spreadsheet!r} is not a spreadsheet id or URL")
        return Book(text)

    def read(
        self,
        book: Book,
        worksheet: str,
        mapping: str,
        *,
        create: bool = True,
        also: Mapping[str, str | None] | None = None,
        new_size: tuple[int, int] | None = None,
    ) -> SheetSnapshot:
        """The worksheet's used range, version and the mapping's state, as one snapshot.

        ``also`` names other tabs to read in the same values request (title -> A1 columns such
        as ``"A:A"``, or None for the whole tab); those that exist land in ``snap.tabs``. The
        values read becomes one ``values.batchGet`` instead of a ``values.get``: no extra request.
        ``new_size`` (rows, columns): the grid a created worksheet needs, used when the usual
        1000 x 26 would take the spreadsheet past Google's 10,000,000 cells.
        """
        if not _MAPPING.match(mapping):
            raise ValueError(
                f"{mapping!r} is not a mapping name (a file stem such as hot-prospects)"
            )
        if not worksheet.strip():
            raise ValueError("the worksheet title is empty")
        info = self._fetch_info(book.id)
        sheet = info.sheet_like(worksheet)
        created = False
        if sheet is None:
            if not create:
                names = ", ".join(repr(s.title) for s in info.sheets) or "none"
                raise WorksheetNotFound(
                    f"spreadsheet {book.id} has no worksheet {worksheet!r} (it has: {names})",
                    spreadsheet_id=book.id,
                    worksheet=worksheet,
                    total_cells=info.total_cells,
                    existing=tuple(s.title for s in info.sheets),
                )
            sheet, created = self._add_sheet(info, worksheet, new_size)
        others = {t: c for t, c in (also or {}).items() if info.sheet(t) is not None}
        if others:
            rows, tabs = self._read_with_tabs(info, None if created else sheet.title, others)
        else:
            rows, tabs = ([] if created else self._read_values(book.id, sheet.title)), {}
        snap = self._snapshot(info, sheet, rows, mapping, created)
        snap.tabs = tabs
        snap.sheet_ids = tuple(s.sheet_id for s in info.sheets)
        return snap

    def read_tabs(
        self, book: Book, tabs: Mapping[str, str | None]
    ) -> tuple[dict[str, TabRead], tuple[int, ...]]:
        """Other tabs alone (one metadata read, one values read when any exists): the tabs
        found, by title, and every sheetId of the spreadsheet."""
        info = self._fetch_info(book.id)
        others = {t: c for t, c in tabs.items() if info.sheet(t) is not None}
        found = self._read_with_tabs(info, None, others)[1] if others else {}
        return found, tuple(s.sheet_id for s in info.sheets)

    def send(self, spreadsheet_id: str, requests: list[dict[str, Any]], what: str) -> None:
        """One unguarded ``batchUpdate`` (a run's status line after a failure): one attempt,
        since a lost answer cannot be told from a failure without a guard."""
        if not requests:
            return
        try:
            self._post_batch(spreadsheet_id, compact_json({"requests": requests}))
        except REQUEST_FAILURES as exc:
            raise to_sheets_error(
                exc,
                what=what,
                spreadsheet_id=spreadsheet_id,
                worksheet=None,
                account_email=self.service_account,
            ) from exc

    def _read_with_tabs(
        self, info: SpreadsheetInfo, title: str | None, tabs: Mapping[str, str | None]
    ) -> tuple[list[list[CellValue]], dict[str, TabRead]]:
        """One ``values.batchGet``: the data tab (when ``title`` is set) and the other tabs."""
        names = list(tabs)
        ranges = [absolute_range_name(title)] if title is not None else []
        ranges += [
            absolute_range_name(t, tabs[t]) if tabs[t] else absolute_range_name(t) for t in names
        ]
        params = typed_read("ROWS")
        data = self._read(
            lambda: self._http.values_batch_get(info.spreadsheet_id, list(ranges), dict(params)),
            what="reading the values of",
            spreadsheet_id=info.spreadsheet_id,
            worksheet=title,
        )
        answers = [padded_rows(v.get("values")) for v in data.get("valueRanges", [])]
        answers += [[] for _ in range(len(ranges) - len(answers))]
        rows = answers.pop(0) if title is not None else []
        found: dict[str, TabRead] = {}
        for name, tab_rows in zip(names, answers, strict=True):
            sheet = info.sheet(name)
            assert sheet is not None  # nosec B101  # type narrowing: names are tabs that exist
            found[name] = TabRead(sheet.sheet_id, name, sheet.row_count, sheet.col_count, tab_rows)
        return rows, found

    @overload
    def read_column(self, snap: SheetSnapshot, col: int) -> list[CellValue]: ...

    @overload
    def read_column(
        self, snap: SheetSnapshot, col: int, *, header_row: int, tail_rows: int = 0
    ) -> tuple[list[CellValue], list[CellValue], list[list[CellValue]]]: ...

    def read_column(
        self, snap: SheetSnapshot, col: int, *, header_row: int | None = None, tail_rows: int = 0
    ) -> list[CellValue] | tuple[list[CellValue], list[CellValue], list[list[CellValue]]]:
        """One column of the worksheet as it is now (one ``values.get``), 0-based rows.

        Padded with ``None`` to at least the snapshot's row count. With ``header_row`` (1-based)
        the same single request (a ``values:batchGet``) also returns that row, so a re-check
        sees columns that users inserted or moved as well as rows, and the ``tail_rows`` rows
        after the snapshot's last used row (where new rows will be written), so it sees a row
        users typed there in any column: ``(column, header row, tail rows)``.
        """
        if header_row is not None:
            return self._read_column_and_row(snap, col, header_row, tail_rows)
        letter = column_letter(col)
        range_name = absolute_range_name(snap.title, f"{letter}:{letter}")
        params = typed_read("COLUMNS")
        data = self._read(
            lambda: self._http.values_get(snap.spreadsheet_id, range_name, params=dict(params)),
            what=f"reading column {letter} of",
            spreadsheet_id=snap.spreadsheet_id,
            worksheet=snap.title,
        )
        columns = padded_rows(data.get("values"))
        values = columns[0] if columns else []
        return values + [None] * (len(snap.rows) - len(values))

    def _read_column_and_row(
        self, snap: SheetSnapshot, col: int, row: int, tail_rows: int
    ) -> tuple[list[CellValue], list[CellValue], list[list[CellValue]]]:
        letter = column_letter(col)
        ranges = [
            absolute_range_name(snap.title, f"{letter}:{letter}"),
            absolute_range_name(snap.title, f"{row}:{row}"),
        ]
        # Only rows that exist: Google refuses a range past the grid ("exceeds grid limits").
        first, last = len(snap.rows) + 1, min(len(snap.rows) + tail_rows, snap.row_count)
        if tail_rows > 0 and first <= last:
            ranges.append(absolute_range_name(snap.title, f"{first}:{last}"))
        params = typed_read("ROWS")
        data = self._read(
            lambda: self._http.values_batch_get(
                snap.spreadsheet_id, list(ranges), params=dict(params)
            ),
            what=f"reading column {letter} and row {row} of",
            spreadsheet_id=snap.spreadsheet_id,
            worksheet=snap.title,
        )
        blocks = list(data.get("valueRanges") or [])
        blocks += [{}] * (3 - len(blocks))
        column = [r[0] if r else None for r in padded_rows(blocks[0].get("values"))]
        found = padded_rows(blocks[1].get("values"))
        tail = padded_rows(blocks[2].get("values"))
        padded = column + [None] * (len(snap.rows) - len(column))
        return padded, (found[0] if found else []), tail

    def read_version(self, snap: SheetSnapshot) -> str | None:
        """The version entry as it is now (one ``developerMetadata:search``)."""
        metadata_id = version_metadata_id(snap.spreadsheet_id, snap.sheet_id)
        url = SPREADSHEET_URL % snap.spreadsheet_id + "/developerMetadata:search"
        body = {"dataFilters": [id_lookup(metadata_id)]}
        data = self._read(
            lambda: self._http.request("post", url, json=body).json(),
            what="reading the version entry of",
            spreadsheet_id=snap.spreadsheet_id,
            worksheet=snap.title,
        )
        for match in data.get("matchedDeveloperMetadata", []):
            entry = match.get("developerMetadata", {})
            if entry.get("metadataId") == metadata_id:
                value = entry.get("metadataValue")
                return None if value is None else str(value)
        return None

    # -- writing ------------------------------------------------------------------------------
    def apply(
        self,
        snap: SheetSnapshot,
        write: SheetWrite,
        batch_id: str,
        *,
        before_chunk: Callable[[int], None] | None = None,
    ) -> ApplyResult:
        """Apply ``write`` to the worksheet read as ``snap``, guarded and atomic per batch.

        Everything is checked before anything is sent (limits, structure). One batch when the
        write fits in ``max_request_bytes``; otherwise several, each guarded, cut at row
        boundaries, the state in the last. Raises :class:`Conflict` if someone else wrote since
        ``snap`` was read (nothing of that batch applied). On any other failure the error's
        ``chunks_applied`` says how many batches went through (the state only comes with the
        last, so the watermark never runs ahead of the data). One apply per read.

        ``before_chunk(index)`` is called before each batch is sent; it may raise to stop
        (a deadline, say): the batches already applied stay, each one whole.
        """
        if not batch_id or len(batch_id) > 100:
            raise ValueError("batch_id must be a non-empty string of at most 100 characters")
        if batch_id == snap.version:
            raise ValueError(f"batch_id {batch_id!r} is the version already stored; use a new one")
        checked = check_write(snap, write)
        state = None
        if checked.encoded_state is not None:
            state = state_request(
                checked.encoded_state,
                mapping=snap.mapping,
                spreadsheet_id=snap.spreadsheet_id,
                sheet_id=snap.sheet_id,
                existing_id=snap.state_metadata_id,
            )
        chunks = iter_chunks(
            snap.sheet_id,
            write.runs,
            write.notes,
            grow_rows=checked.grow_rows,
            grow_cols=checked.grow_cols,
            delete_rows=checked.delete_rows,
            state_request=state,
            max_bytes=self.max_request_bytes,
            extra_requests=write.extra_requests,
            first_requests=write.first_requests,
            row_requests=write.row_requests,
        )
        metadata_id = version_metadata_id(snap.spreadsheet_id, snap.sheet_id)
        previous = snap.version
        applied = recovered = retries = cells = notes = deleted = 0
        # One batch ahead: knowing which batch is the last decides its version value.
        chunk = next(chunks, None)
        if chunk is None:
            return ApplyResult(snap.version, 0, 0, 0, 0, 0, 0, False)
        index = 0
        while chunk is not None:
            following = next(chunks, None)
            version = chunk_version(batch_id, index, last=following is None)
            if before_chunk is not None:
                before_chunk(index)
            guard = compact_json(guard_requests(metadata_id, snap.sheet_id, previous, version))
            body = b'{"requests":[' + guard[1:-1]
            body += (b"," + chunk.encoded if chunk.encoded else b"") + b"]}"
            try:
                was_recovered, resent = self._send_guarded(snap, body, previous, version)
            except SheetsError as exc:
                exc.chunks_applied = applied
                raise
            recovered += was_recovered
            retries += resent
            applied += 1
            cells += chunk.cells
            notes += chunk.notes
            deleted += chunk.rows_deleted
            previous = version
            chunk, index = following, index + 1
        return ApplyResult(
            version=previous,
            chunks=applied,
            cells_written=cells,
            notes_written=notes,
            rows_appended=checked.grow_rows,
            cols_appended=checked.grow_cols,
            rows_deleted=deleted,
            state_written=state is not None,
            recovered=recovered,
            retries=retries,
        )

    # -- internals ----------------------------------------------------------------------------
    def _read(
        self, func: Callable[[], T], *, what: str, spreadsheet_id: str, worksheet: str | None
    ) -> T:
        try:
            return call_with_retry(self.retry, self._sleep, func)
        except REQUEST_FAILURES as exc:
            raise to_sheets_error(
                exc,
                what=what,
                spreadsheet_id=spreadsheet_id,
                worksheet=worksheet,
                account_email=self.service_account,
                attempts=self.retry.attempts if is_retryable(exc) else None,
            ) from exc

    def _fetch_info(self, spreadsheet_id: str) -> SpreadsheetInfo:
        data = self._read(
            lambda: self._http.fetch_sheet_metadata(
                spreadsheet_id, params={"fields": METADATA_FIELDS}
            ),
            what="reading",
            spreadsheet_id=spreadsheet_id,
            worksheet=None,
        )
        return spreadsheet_info(data, spreadsheet_id)

    def _read_values(self, spreadsheet_id: str, title: str) -> list[list[CellValue]]:
        params = typed_read("ROWS")
        data = self._read(
            lambda: self._http.values_get(
                spreadsheet_id, absolute_range_name(title), params=dict(params)
            ),
            what="reading the values of",
            spreadsheet_id=spreadsheet_id,
            worksheet=title,
        )
        return padded_rows(data.get("values"))

    def _post_batch(self, spreadsheet_id: str, body: bytes) -> dict[str, Any]:
        url = SPREADSHEET_BATCH_UPDATE_URL % spreadsheet_id
        reply: dict[str, Any] = self._http.request(
            "post", url, data=body, headers=dict(_JSON)
        ).json()
        return reply

    def _resend_loop(self, attempt: Callable[[], T]) -> tuple[T, int]:
        """Run ``attempt`` until it returns; it raises :class:`_Resend` to be tried again.

        Returns its result and how many times it was re-sent.
        """
        resent = -1
        try:
            for retry_attempt in self.retry.retrying(self._sleep, lambda e: isinstance(e, _Resend)):
                with retry_attempt:
                    resent += 1
                    return attempt(), resent
        except _Resend as last:  # still failing after the last attempt
            raise last.cause from None
        raise AssertionError("unreachable: tenacity re-raises the last failure")  # pragma: no cover

    def _send_guarded(
        self, snap: SheetSnapshot, body: bytes, previous: str | None, version: str
    ) -> tuple[bool, int]:
        """Send one guarded batch. Returns (applied-but-answer-lost, times re-sent)."""

        def attempt() -> bool:
            try:
                self._post_batch(snap.spreadsheet_id, body)
                return False
            except REQUEST_FAILURES as exc:
                try:
                    current = self.read_version(snap)
                except (SheetsUnavailable, QuotaExceeded):
                    raise unknown_outcome("writing", snap.spreadsheet_id, snap.title) from exc
                outcome = classify(current, previous, version)
                if outcome is Outcome.APPLIED:
                    return True
                if outcome is Outcome.CONFLICT:
                    raise Conflict(
                        f"worksheet {snap.title!r} of spreadsheet {snap.spreadsheet_id} was "
                        f"written by another run since it was read (version {current!r}, read "
                        f"{previous!r}); nothing of this batch was applied: re-read and re-plan",
                        spreadsheet_id=snap.spreadsheet_id,
                        worksheet=snap.title,
                    ) from exc
                if is_retryable(exc):
                    raise _Resend(exc) from exc
                raise

        try:
            return self._resend_loop(attempt)
        except SheetsError:
            raise
        except REQUEST_FAILURES as exc:
            raise to_sheets_error(
                exc,
                what="writing",
                spreadsheet_id=snap.spreadsheet_id,
                worksheet=snap.title,
                account_email=self.service_account,
                attempts=self.retry.attempts if is_retryable(exc) else None,
            ) from exc

    def _add_sheet(
        self, info: SpreadsheetInfo, title: str, new_size: tuple[int, int] | None = None
    ) -> tuple[SheetInfo, bool]:
        """Create the worksheet (one addSheet batch). Returns (sheet, created by this call).

        The usual 1000 x 26 grid, or ``new_size`` when that would not fit under the cap."""
        rows, cols = NEW_SHEET_ROWS, NEW_SHEET_COLS
        if info.total_cells + rows * cols > MAX_SPREADSHEET_CELLS and new_size is not None:
            rows, cols = max(new_size[0], 1), max(new_size[1], 1)
        added = rows * cols
        if info.total_cells + added > MAX_SPREADSHEET_CELLS:
            raise CellLimitExceeded(
                f"adding worksheet {title!r} ({rows:,} rows x {cols} columns) would bring "
                f"spreadsheet {info.spreadsheet_id} to {info.total_cells + added:,} cells, past "
                f"Google's limit of {MAX_SPREADSHEET_CELLS:,} (every tab counts, empty cells "
                "too); delete unused rows, columns or tabs, or move this mapping to another "
                "spreadsheet. Nothing was written",
                spreadsheet_id=info.spreadsheet_id,
                worksheet=title,
            )
        # A small sheetId: it is repeated in every request a sync sends for this tab.
        taken = {s.sheet_id for s in info.sheets}
        properties = {
            "sheetId": next(n for n in range(1, len(taken) + 2) if n not in taken),
            "title": title,
            "gridProperties": {"rowCount": rows, "columnCount": cols},
        }
        body = compact_json({"requests": [{"addSheet": {"properties": properties}}]})

        def attempt() -> tuple[SheetInfo, bool]:
            try:
                reply = self._post_batch(info.spreadsheet_id, body)
                return sheet_info(reply["replies"][0]["addSheet"]), True
            except REQUEST_FAILURES as exc:
                # Our lost attempt, or another run, may have created it: look before resending.
                found = self._fetch_info(info.spreadsheet_id).sheet_like(title)
                if found is not None:
                    return found, False
                if is_retryable(exc):
                    raise _Resend(exc) from exc
                raise

        try:
            result, _ = self._resend_loop(attempt)
        except SheetsError:
            raise
        except REQUEST_FAILURES as exc:
            raise to_sheets_error(
                exc,
                what=f"creating worksheet {title!r} in",
                spreadsheet_id=info.spreadsheet_id,
                account_email=self.service_account,
                attempts=self.retry.attempts if is_retryable(exc) else None,
            ) from exc
        sheet, created = result
        if created:
            info.sheets.append(sheet)
        return sheet, created

    def _snapshot(
        self,
        info: SpreadsheetInfo,
        sheet: SheetInfo,
        rows: list[list[CellValue]],
        mapping: str,
        created: bool,
    ) -> SheetSnapshot:
        version_id = version_metadata_id(info.spreadsheet_id, sheet.sheet_id)
        version = next((m.value for m in sheet.metadata if m.metadata_id == version_id), None)
        key = state_key(mapping)
        preferred = state_metadata_id(info.spreadsheet_id, sheet.sheet_id, mapping)
        entries = sorted(
            (m for m in sheet.metadata if m.key == key),
            key=lambda m: m.metadata_id != preferred,
        )
        warnings: list[str] = []
        state = None
        state_id = None
        if entries:
            state, warning = decode_state(entries[0].value)
            state_id = entries[0].metadata_id
            if warning:
                warnings.append(warning)
            if len(entries) > 1:
                warnings.append(f"{len(entries)} state entries for mapping {mapping!r}; using one")
        return SheetSnapshot(
            spreadsheet_id=info.spreadsheet_id,
            sheet_id=sheet.sheet_id,
            title=sheet.title,
            row_count=sheet.row_count,
            col_count=sheet.col_count,
            rows=rows,
            version=version,
            state=state,
            mapping=mapping,
            merges=list(sheet.merges),
            protected_ranges=list(sheet.protected),
            time_zone=info.time_zone,
            locale=info.locale,
            total_cells=info.total_cells,
            frozen_rows=sheet.frozen_rows,
            created=created,
            state_metadata_id=state_id,
            warnings=warnings,
        )
