"""The sync engine: one mapping, one run, following the design page's data flow.

read the sheet (1 metadata read + 1 values read) -> read Pardot (full or incremental) -> select
and transform -> diff -> plan (safety checks) -> re-check the key column -> one guarded atomic
write carrying the cells, the structure and the new state. A refused guard (someone else wrote)
re-reads the sheet and re-plans, a few times at most. Nothing is written when nothing changed.

When the state is written (it is what makes the next run incremental): with any data change; on
the first run; when the mapping changed; after a full run that was due; and when the watermark
would otherwise lag the data by more than an hour (records changed only in unmapped fields).
A full run the user asked for that finds nothing to change writes nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sheetsync.alerts.hook import AlertRun
from sheetsync.alerts.webhooks import WebhookSender
from sheetsync.diff import (
    GONE_UNMATCHED,
    Diff,
    SheetLayoutError,
    diff,
    normalise_key,
    resolve_layout,
)
from sheetsync.gcpause import gc_paused
from sheetsync.mapping import Mapping, MappingError, check_fields, effective_type
from sheetsync.merged import check_merges
from sheetsync.pardot import (
    DailyLimitReached,
    FieldCatalogue,
    PardotClient,
    PardotError,
    TransientError,
)
from sheetsync.plan import Plan, PlanRefused, build_plan
from sheetsync.protection import protection_problem
from sheetsync.report import RunReport
from sheetsync.selection import DuplicateKeyError, select
from sheetsync.settings import Settings
from sheetsync.sheets import (
    MAX_SPREADSHEET_CELLS,
    Conflict,
    DuplicateHeaderError,
    NumberFormat,
    OutcomeUnknown,
    QuotaExceeded,
    SheetsError,
    SheetsGateway,
    SheetSnapshot,
    SheetsUnavailable,
    Table,
    WorksheetNotFound,
)
from sheetsync.source import SourceData, list_problems, read_source, resolve_lists
from sheetsync.syncstate import SyncState
from sheetsync.tabs import PlannedRun, side_requests, status_line, status_tab, tab_ranges
from sheetsync.tabs.grid import show_time
from sheetsync.tabs.status import StatusTab
from sheetsync.transform import ColumnSpec, TransformError

log = logging.getLogger("sheetsync.engine")

WATERMARK_LAG = timedelta(hours=1)
FORMAT_TYPES = {"date": "DATE", "datetime": "DATE_TIME", "number": "NUMBER", "integer": "NUMBER"}


class DeadlineReached(Exception):
    """The run stopped before its deadline: what was written is whole, the watermark unmoved."""


#: Errors that end a run as "failed" with their own message (they say what and where).
RUN_ERRORS: tuple[type[Exception], ...] = (
    PardotError,
    SheetsError,
    MappingError,
    SheetLayoutError,
    TransformError,
    DuplicateKeyError,
    DeadlineReached,
)


#: Failures a later attempt can fix (they steer Cloud Scheduler's retries).
RETRYABLE: tuple[type[Exception], ...] = (
    TransientError,
    Conflict,
    SheetsUnavailable,
    QuotaExceeded,
    OutcomeUnknown,
    DeadlineReached,
)


@dataclass
class Columns:
    """The mapping's columns resolved against the Pardot catalogue."""

    specs: list[ColumnSpec]
    headers: list[str]
    key: int
    status: int | None  # index of the status header (on_delete: mark)
    formats: list[NumberFormat | None]
    sources: list[str]  # what fills each header, for the managed-column note


def resolve_columns(mapping: Mapping, catalogue: FieldCatalogue) -> Columns:
    specs = []
    for column in mapping.columns:
        kind = effective_type(column, catalogue)
        tz = ZoneInfo(column.time_zone or mapping.time_zone)
        fmt = (
            NumberFormat(FORMAT_TYPES[kind], column.format)
            if column.format and kind in FORMAT_TYPES
            else None
        )
        specs.append(
            ColumnSpec(
                header=column.header,
                field=column.field,
                type=kind,
                tz=tz,
                number_format=fmt,
                values=column.values,
                default=column.default,
                link=column.link,
            )
        )
    headers = [spec.header for spec in specs]
    key = next(i for i, column in enumerate(mapping.columns) if column.field == mapping.key)
    status = None
    formats: list[NumberFormat | None] = [spec.format_for_new_rows for spec in specs]
    sources = [f"the Pardot {mapping.source.object} field {spec.field}" for spec in specs]
    if mapping.on_delete == "mark":
        status = len(headers)
        headers.append(mapping.status_header)
        formats.append(None)
        sources.append("sheetsync, saying why a row left Pardot's selection")
    return Columns(specs, headers, key, status, formats, sources)


def present_ids(table: Table, columns: Columns) -> dict[int, str] | None:
    """Record id -> row key for the rows of the sheet that are in the selection (not marked as
    gone), when a managed column shows the id; None when the sheet shows no ids."""
    id_index = next((i for i, s in enumerate(columns.specs) if s.field == "id"), None)
    if id_index is None:
        return None
    try:
        id_col = table.column(columns.headers[id_index])
        key_col = table.column(columns.headers[columns.key])
        status_col = (
            table.column(columns.headers[columns.status]) if columns.status is not None else None
        )
    except DuplicateHeaderError:
        return None  # the diff reports it
    if id_col is None or key_col is None:
        return {}
    found: dict[int, str] = {}
    for number in range(table.first_data_row, table.next_row):
        value, k = table.cell(number, id_col), normalise_key(table.cell(number, key_col))
        if k is None or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if status_col is not None and table.cell(number, status_col) not in (None, ""):
            continue
        found[int(value)] = k
    return found


class _Deadline:
    """Checks a run's deadline at the points where stopping leaves everything consistent:
    before reading Pardot, between pages of the read, before writing, between write batches."""

    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline

    def check(self, where: str) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise DeadlineReached(
                f"stopped {where} to finish before the deadline; every row written is whole and "
                "the watermark did not move: the next run continues from there"
            )

    def watching(
        self, progress: Callable[[str, int], None] | None
    ) -> Callable[[str, int], None] | None:
        if self.deadline is None:
            return progress

        def checked(what: str, count: int) -> None:
            self.check(f"while reading Pardot ({count:,} {what})")
            if progress is not None:
                progress(what, count)

        return checked

    def before_chunk(self, index: int) -> None:
        if index:
            self.check(f"after writing {index} of the write's batches")


def _already_delivered(state: SyncState, delivery: str | None, report: RunReport) -> bool:
    if delivery is None or state.last_delivery != delivery:
        return False
    report.message = f"already synced for {delivery}: a repeated delivery, nothing done"
    return True


def _check_layout(table: Table, title: str, columns: Columns) -> None:
    """Managed headers must be findable: a duplicated one stops the run, naming the tab."""
    try:
        resolve_layout(table, columns.headers, columns.key)
    except SheetLayoutError as exc:
        raise SheetLayoutError(f"worksheet {title!r}: {exc}") from None


def _missing_managed_column(table: Table, columns: Columns) -> bool:
    """True when the sheet has keyed rows but lacks one of the managed headers."""
    if not any(True for _ in table.data_rows()):
        return False
    return any(not table.columns(header) for header in columns.headers)


def _new_tab_warning(worksheet: str, existing: Sequence[str]) -> str:
    """Said when the worksheet is missing: it is created, which a typo would not want."""
    names = ", ".join(repr(t) for t in existing) or "none"
    close = difflib.get_close_matches(worksheet, list(existing), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return (
        f"the spreadsheet has no worksheet {worksheet!r} (it has: {names}), so the sync creates "
        f"it; if the name is a typo, correct worksheet: in the mapping{hint}"
    )


def _empty_snapshot(
    spreadsheet_id: str,
    worksheet: str,
    mapping: str,
    other_cells: int = 0,
    existing: Sequence[str] = (),
) -> SheetSnapshot:
    """What a run plans against when the worksheet does not exist yet: the usual new tab of
    1000 x 26, or, when that would pass the 10,000,000 cells with the ``other_cells`` of the
    spreadsheet's tabs, an empty grid (the plan then says how much the data needs)."""
    rows, cols = 1000, 26
    if other_cells + rows * cols > MAX_SPREADSHEET_CELLS:
        rows = cols = 0
    return SheetSnapshot(
        spreadsheet_id=spreadsheet_id,
        sheet_id=-1,
        title=worksheet,
        row_count=rows,
        col_count=cols,
        rows=[],
        version=None,
        state=None,
        mapping=mapping,
        total_cells=other_cells + rows * cols,
        warnings=[_new_tab_warning(worksheet, existing)],
    )


class Engine:
    """Runs mappings. The Pardot client and the Sheets gateway are built by the caller."""

    _alerting: AlertRun  # the alerts of the run in progress (set by `run`)

    def __init__(
        self,
        pardot: PardotClient,
        sheets: SheetsGateway,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        max_replans: int = 4,
    ) -> None:
        self.pardot = pardot
        self.sheets = sheets
        self.settings = settings
        self.clock = clock
        self.max_replans = max_replans
        self.last_plan: Plan | None = None
        self.last_error: Exception | None = None
        # Called with (what, count) while a run progresses: records read, cells to write.
        self.progress: Callable[[str, int], None] | None = None
        # Posts alert messages (mappings with `alerts:`); built from the environment when needed.
        self.alert_sender: WebhookSender | None = None

    def run_all(
        self,
        mappings: Iterable[Mapping],
        *,
        full: bool = False,
        dry_run: bool = False,
        force: bool = False,
    ) -> list[RunReport]:
        """Run each mapping; after Pardot's daily limit, the rest are not started (no calls)."""
        reports: list[RunReport] = []
        for mapping in mappings:
            skipped = self.not_started(mapping, dry_run=dry_run)
            reports.append(skipped or self.run(mapping, full=full, dry_run=dry_run, force=force))
        return reports

    def not_started(self, mapping: Mapping, *, dry_run: bool = False) -> RunReport | None:
        """The report of a mapping not run because Pardot's daily limit was met earlier in this
        invocation (its calls would all be refused), or None to run it."""
        if not isinstance(self.last_error, DailyLimitReached):
            return None
        return RunReport(
            mapping=mapping.name,
            mode="dry_run" if dry_run else "incremental",
            status="failed",
            message="not started: Pardot's daily API limit was reached earlier in this run",
        )

    def run(
        self,
        mapping: Mapping,
        *,
        full: bool = False,
        dry_run: bool = False,
        force: bool = False,
        deadline: float | None = None,
        delivery: str | None = None,
    ) -> RunReport:
        """One sync of one mapping. ``deadline`` (a ``time.monotonic()`` value) makes the run
        stop cleanly before it; ``delivery`` identifies a Cloud Scheduler delivery (job and
        schedule time): a delivery already written by an earlier call is not synced again."""
        report = RunReport(
            mapping=mapping.name,
            mode="dry_run" if dry_run else ("full" if full else "incremental"),
        )
        started = time.monotonic()
        pardot_before = Counter(self.pardot.stats.by_endpoint)
        sheets_before = self.sheets.counters.snapshot()
        self.last_plan = None
        self.last_error = None
        self._alerting = alerting = AlertRun(mapping, dry_run=dry_run, delivery=delivery)
        try:
            with gc_paused():
                self._run(
                    mapping,
                    report,
                    full=full,
                    dry_run=dry_run,
                    force=force,
                    clock=_Deadline(deadline),
                    delivery=delivery,
                )
        except PlanRefused as exc:
            report.status, report.message = "refused", str(exc)
        except Conflict as exc:
            report.status, report.message = "conflict", str(exc)
            report.retryable = True
        except RUN_ERRORS as exc:
            self.last_error = exc
            report.status, report.message = "failed", str(exc)
            report.retryable = isinstance(exc, RETRYABLE)
        except Exception as exc:
            # A bug must not stop the other mappings of a scheduled run; the traceback is logged.
            log.exception("internal error while syncing %s", mapping.name)
            report.status = "failed"
            report.message = f"internal error ({type(exc).__name__}: {exc}); see the log"
        finally:
            if report.status != "ok" and not dry_run and mapping.status is not None:
                self._record_failure(mapping, report)
            spent = Counter(self.pardot.stats.by_endpoint)
            spent.subtract(pardot_before)
            report.pardot_calls_by_endpoint = {k: v for k, v in spent.items() if v}
            report.pardot_calls = sum(report.pardot_calls_by_endpoint.values())
            sheets_after = self.sheets.counters.snapshot()
            report.sheets_read_requests = sheets_after.read_requests - sheets_before.read_requests
            report.sheets_write_requests = (
                sheets_after.write_requests - sheets_before.write_requests
            )
            report.bytes_sent = sheets_after.bytes_sent - sheets_before.bytes_sent
            report.seconds = time.monotonic() - started
        alerting.finish(
            report,
            sheets=self.sheets,
            sender=self._alert_sender,
            pardot_url=self.settings.pardot_url,
        )
        level = logging.INFO if report.status == "ok" else logging.ERROR
        log.log(level, json.dumps(report.to_json(), ensure_ascii=False))
        return report

    # -- one run ---------------------------------------------------------------------------------
    def _run(
        self,
        mapping: Mapping,
        report: RunReport,
        *,
        full: bool,
        dry_run: bool,
        force: bool,
        clock: _Deadline,
        delivery: str | None,
    ) -> None:
        now = self.clock()
        self.pardot.start_run()
        catalogue = self.pardot.catalogue(mapping.source.object)
        try:
            check_fields(mapping, catalogue)
        except MappingError:
            # The catalogue is cached per client: a custom field created since may be missing.
            catalogue = self.pardot.catalogue(mapping.source.object, refresh=True)
            check_fields(mapping, catalogue)
        columns = resolve_columns(mapping, catalogue)
        book = self.sheets.open(mapping.spreadsheet_id)
        # A missing worksheet is created only when there is something valid to write.
        snap = self._read_sheet(book, mapping, create=False)
        self._alerting.saw(snap)
        report.warnings.extend(snap.warnings)
        table = Table(snap.rows, mapping.header_row)  # the sheet as read, scanned once
        _check_layout(table, snap.title, columns)  # a duplicated managed header: before Pardot
        check_merges(snap, table, columns.headers, columns.key)  # merged managed cells, too
        state = SyncState.from_dict(snap.state)
        if _already_delivered(state, delivery, report):
            return
        clock.check("before reading Pardot")
        every = timedelta(
            hours=mapping.full_sync_every_hours or self.settings.full_sync_every_hours
        )
        reason = state.full_run_reason(mapping.hash, now, every, asked=full)
        if reason is None and _missing_managed_column(table, columns):
            # A re-added column must be filled on every row, not only on rows changed lately.
            reason = "a managed column is missing from the sheet"
        report.full_reason = reason
        if not dry_run:
            report.mode = "full" if reason is not None else "incremental"
        lookback = timedelta(minutes=self.settings.lookback_minutes)
        since = (
            None if reason is not None or state.watermark is None else state.watermark - lookback
        )
        lookup = resolve_lists(self.pardot, mapping.source.lists, state.lists)
        if lookup.missing:
            raise MappingError(list_problems(mapping, lookup))
        lists = lookup.ids
        # Only list filters need to know which prospects the sheet shows.
        present = present_ids(table, columns) if mapping.source.lists else None
        data = read_source(
            self.pardot,
            mapping.source.object,
            mapping.fields_to_read,
            since=since,
            list_ids=sorted(set(lists.values())),
            present=None if present is None else set(present),
            progress=clock.watching(self.progress),
            # How big a full read will be: the last one's count, else the sheet's rows.
            expected=state.last_full_count or (max(len(snap.rows) - mapping.header_row, 0) or None),
            export_above=self.settings.export_above,
            now=now,
        )
        report.read_path = data.read_path
        full_run = data.complete
        if full_run and reason is None:
            reason = "many list changes"
        report.full_reason = reason
        if not dry_run:
            report.mode = "full" if full_run else "incremental"
        selection = select(
            self._alerting.watch(data.records, catalogue),
            columns.specs,
            columns.key,
            conditions=(
                (lambda record: mapping.record_matches(record, catalogue))
                if mapping.source.where
                else None
            ),
            include_deleted=mapping.source.include_deleted,
            members=data.members,
            extra_cells=1 if columns.status is not None else 0,
            noun=mapping.source.object.removesuffix("s"),
        )
        cut = selection.truncated
        if cut:
            where = ", ".join(f"{i} ({f})" for i, f in selection.truncated_at[:5])
            report.warnings.append(
                f"{cut} value(s) over Google's 50,000-character cell limit were cut; they end "
                "with '…[truncated by sheetsync: N characters]'"
                + (f": {mapping.source.object.removesuffix('s')} {where}" if where else "")
                + (" and more" if len(selection.truncated_at) > 5 else "")
            )
        if present is not None:
            for prospect_id in data.left_lists:
                k = present.get(prospect_id)
                if k is not None and k not in selection.desired:
                    selection.gone.setdefault(k, GONE_UNMATCHED)
        remove_limit = (
            mapping.max_remove_percent
            if mapping.max_remove_percent is not None
            else self.settings.max_remove_percent
        )
        for _attempt in range(self.max_replans):
            # Re-plans start from what the sheet (and its state) holds now.
            state = SyncState.from_dict(snap.state)
            if _already_delivered(state, delivery, report):
                return
            first_or_changed = state.mapping_hash != mapping.hash
            if table.rows_source is not snap.rows:  # re-read after a conflict or a move
                table = Table(snap.rows, mapping.header_row)
            _check_layout(table, snap.title, columns)
            result = diff(
                table,
                columns.headers,
                columns.key,
                selection.desired,
                selection.gone,
                full=full_run,
                on_delete=mapping.on_delete,
                status=columns.status,
                links=[i for i, spec in enumerate(columns.specs) if spec.link is not None],
            )
            plan = build_plan(
                result,
                formats=columns.formats,
                used_rows=len(snap.rows),
                grid_rows=snap.row_count,
                grid_cols=snap.col_count,
                other_cells=max(snap.total_cells - snap.row_count * snap.col_count, 0),
                max_remove_percent=remove_limit,
                force=force,
                notes_for=range(len(columns.headers)) if first_or_changed else (),
                sources=columns.sources,
                records=mapping.source.object,
            )
            self.last_plan = plan
            _count(report, plan)
            report.warnings.extend(w for w in plan.warnings if w not in report.warnings)
            new_state = self._next_state(state, mapping, data, lists, now, full_run, plan)
            if delivery is not None:
                new_state = dataclasses.replace(new_state, last_delivery=delivery)
            write_state = self._state_due(state, new_state, reason, plan)
            write_state = write_state or (state.failed_runs > 0 and self._alerting.active)
            if dry_run or (plan.empty and not write_state):
                if not dry_run:
                    mode = "full" if full_run else "incremental"
                    self._clear_failure(mapping, snap, report, plan, mode, now)
                return
            if snap.sheet_id < 0:  # the worksheet does not exist yet: create it, plan again
                size = (plan.write.min_rows, plan.write.min_cols)
                snap = self._read_sheet(book, mapping, create=True, new_size=size)
                continue
            if not plan.empty and not self._keys_unchanged(
                snap, result, mapping.header_row, plan.rows_added
            ):
                report.warnings.append("rows moved while planning; re-read and re-planned")
                snap = self._read_sheet(book, mapping, create=True)
                continue
            plan.write.state = new_state.to_dict()
            run_id = f"{mapping.name}-{uuid.uuid4().hex[:12]}"
            side = PlannedRun(
                mapping,
                snap,
                table,
                result,
                plan,
                headers=columns.headers,
                kinds=[s.type for s in columns.specs] + ["text"] * (columns.status is not None),
                fields=[s.field for s in columns.specs] + [""] * (columns.status is not None),
                key=columns.key,
                record_ids=selection.record_ids,
                desired=selection.desired,
                mode="full" if full_run else "incremental",
                now=now,
                run_id=run_id,
            )
            side_write, side_warnings = side_requests(side)
            side_write.add_to(plan.write)
            report.warnings.extend(w for w in side_warnings if w not in report.warnings)
            account = getattr(self.sheets, "service_account", None)
            locked = protection_problem(snap, plan.write, account)
            if locked is not None:
                raise SheetLayoutError(f"worksheet {snap.title!r}: {locked}")
            if self.progress is not None:
                self.progress("cells to write", plan.cells_written)
            clock.check("before writing")
            try:
                self.sheets.apply(
                    snap,
                    plan.write,
                    run_id,
                    before_chunk=clock.before_chunk,
                )
            except Conflict:
                report.warnings.append("another run wrote first; re-read and re-planned")
                snap = self._read_sheet(book, mapping, create=True)
                continue
            self._alerting.written(
                result=result,
                selection=selection,
                columns=columns,
                snap=snap,
                baseline=first_or_changed,
                pardot_url=self.settings.pardot_url,
                types=catalogue,
            )
            return
        raise Conflict(
            f"the sheet kept changing while planning ({self.max_replans} attempts); nothing "
            "more was written, the next run will catch up"
        )

    def _alert_sender(self) -> WebhookSender:
        if self.alert_sender is None:
            self.alert_sender = WebhookSender()
        return self.alert_sender

    def _read_sheet(
        self,
        book: Any,
        mapping: Mapping,
        *,
        create: bool,
        new_size: tuple[int, int] | None = None,
    ) -> SheetSnapshot:
        tabs = tab_ranges(mapping)  # the status and history tabs come in the same values read
        try:
            if tabs:
                return self.sheets.read(
                    book,
                    mapping.worksheet,
                    mapping.name,
                    create=create,
                    also=tabs,
                    new_size=new_size,
                )
            return self.sheets.read(
                book, mapping.worksheet, mapping.name, create=create, new_size=new_size
            )
        except WorksheetNotFound as exc:
            if create:
                raise
            return _empty_snapshot(
                book.id, mapping.worksheet, mapping.name, exc.total_cells, exc.existing
            )

    def _record_failure(self, mapping: Mapping, report: RunReport) -> None:
        """A run that did not succeed writes only its "Last error" on the status tab (one read
        of that tab, one small unguarded write). Never raises: the run's failure is the news."""
        assert mapping.status is not None  # nosec B101  # type narrowing: the caller checked it
        title = mapping.status.worksheet
        try:
            book = self.sheets.open(mapping.spreadsheet_id)
            tabs, sheet_ids = self.sheets.read_tabs(book, {title: None})
            tab = StatusTab(title, mapping.name, tabs.get(title), sheet_ids)
            message = f"{show_time(self.clock(), mapping.zone)}: {report.message}"
            self.sheets.send(book.id, tab.failure(message), f"recording the error in {title!r} of")
        except Exception as exc:
            report.warnings.append(f"the error could not be shown in the status tab: {exc}")

    def _clear_failure(
        self,
        mapping: Mapping,
        snap: SheetSnapshot,
        report: RunReport,
        plan: Plan,
        mode: str,
        now: datetime,
    ) -> None:
        """A run with nothing to write still clears a "Last error" a failed run left. That
        write shows the whole line of this success (its time, 0 rows, the next run from now):
        the same one small request, and no stale sync time beside an empty error."""
        tab = status_tab(mapping, snap)
        if tab is None or not tab.error:
            return
        line = status_line(mapping, plan, mode, now)
        try:
            self.sheets.send(snap.spreadsheet_id, tab.clear_error(line), "clearing the error in")
        except SheetsError as exc:
            report.warnings.append(f"the old error in the status tab could not be cleared: {exc}")

    def _keys_unchanged(
        self, snap: SheetSnapshot, result: Diff, header_row: int, new_rows: int
    ) -> bool:
        """Re-read the key column and the header row just before writing (one request): users
        may have sorted or inserted rows, or inserted or moved columns, since the sheet was read
        (the Pardot read in between can take minutes). The same request reads the rows where
        ``new_rows`` will be written: a row a user typed there must not be written over."""
        layout = result.layout
        if layout.key in layout.added or not snap.rows:
            return True
        column, header, tail = self.sheets.read_column(
            snap, layout.key_col, header_row=header_row, tail_rows=new_rows
        )
        read = snap.rows[header_row - 1] if header_row <= len(snap.rows) else []
        if _trimmed(header) != _trimmed(read):
            return False
        if any(_trimmed(row) for row in tail):
            return False
        before = [normalise_key(snap.cell(r, layout.key_col)) for r in range(len(snap.rows))]
        now = [normalise_key(v) for v in column[: max(len(column), len(snap.rows))]]
        now += [None] * (len(before) - len(now))
        return before[header_row:] == now[header_row : len(before)] and not any(now[len(before) :])

    @staticmethod
    def _next_state(
        state: SyncState,
        mapping: Mapping,
        data: SourceData,
        lists: dict[str, int],
        now: datetime,
        full_run: bool,
        plan: Plan,
    ) -> SyncState:
        newest = data.newest_update()
        watermark = state.watermark
        candidate = min(newest, now) if newest is not None else (now if full_run else None)
        if candidate is not None and (watermark is None or candidate > watermark):
            watermark = candidate
        return SyncState(
            watermark=watermark,
            mapping_hash=mapping.hash,
            last_full_run=now if full_run else state.last_full_run,
            last_run={
                "at": now.isoformat(timespec="seconds"),
                "mode": "full" if full_run else "incremental",
                "added": plan.rows_added,
                "updated": plan.rows_updated,
                "removed": plan.rows_removed,
                "marked": plan.rows_marked,
            },
            lists=lists,
            last_full_count=data.count if full_run else state.last_full_count,
        )

    @staticmethod
    def _state_due(old: SyncState, new: SyncState, reason: str | None, plan: Plan) -> bool:
        if not plan.empty or reason in ("first run", "the mapping changed"):
            return True
        if reason is not None and reason.startswith("the last full run"):
            return True
        if old.watermark is None or new.watermark is None:
            return new.watermark is not None
        return new.watermark - old.watermark > WATERMARK_LAG


def _trimmed(row: list[Any]) -> list[Any]:
    """A row's cells without its trailing empty ones (reads trim them; snapshots pad them)."""
    cells = [None if v == "" else v for v in row]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _count(report: RunReport, plan: Plan) -> None:
    report.rows_added = plan.rows_added
    report.rows_updated = plan.rows_updated
    report.rows_removed = plan.rows_removed
    report.rows_marked = plan.rows_marked
    report.cells_written = plan.cells_written
