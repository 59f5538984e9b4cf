"""The engine's side of alerts: what one run hands to the rules, and delivery after the run.

The engine calls, for one run of one mapping:

1. ``watch(records)`` around the Pardot read: keeps the new values of the rules' fields for
   records that could fire a rule (bounded by what matches, not by the read's size);
2. ``saw(snapshot)`` after reading the sheet (the failure counter writes through it);
3. ``written(...)`` after a write went through: turns the diff into :class:`RecordChange`s and
   evaluates the rules (nothing is sent yet);
4. ``finish(report)`` when the run is over: on success sends the events; on failure counts the
   failure (``failed_runs`` rules only) and sends the alert of the Nth failure in a row. The
   report gets ``alerts: {"sent", "failed"}``; a failed delivery is a warning, never a failure.

Never twice for one change: events come only from a write that went through, and their old
values are what the sheet showed, so a retried run (whose write already landed) sees no change;
a repeated Cloud Scheduler delivery is skipped before any of this. The price is at most once: a
write whose answer was lost (the run failed, the next one finds the data already there) sends
nothing. Runs that (re)build the sheet (the first run, a changed mapping) send no row alerts:
their changes come from sheetsync, not from Pardot.

The failure counter lives in the mapping's sync state (developer metadata, read with the sheet
at no extra cost), so it survives Cloud Function instances. A failed run writes it with a small
guarded state-only write; the next write of a successful run resets it.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sheetsync.alerts.messages import Context, payload
from sheetsync.alerts.rules import (
    AlertEvent,
    RecordChange,
    evaluate,
    evaluate_failures,
    needs_new_values,
    new_side_holds,
)
from sheetsync.alerts.webhooks import WebhookSender
from sheetsync.diff import normalise_key
from sheetsync.mapping import Mapping
from sheetsync.mapping.alerts import alert_fields
from sheetsync.mapping.fields import FieldTypes
from sheetsync.mapping.values import field_value
from sheetsync.sheets import Conflict, SheetsError, SheetsGateway, WorksheetNotFound
from sheetsync.sheets.model import Cell, SheetSnapshot, SheetWrite, comparable
from sheetsync.syncstate import SyncState
from sheetsync.transform import TransformError, convert

if TYPE_CHECKING:
    from sheetsync.diff import Diff
    from sheetsync.engine import Columns
    from sheetsync.report import RunReport
    from sheetsync.selection import Selection

log = logging.getLogger("sheetsync.alerts")
LABEL_FIELDS = ("email", "name")


class AlertRun:
    """One run's alerts; a no-op when the mapping has no ``alerts:`` (or in a dry run)."""

    def __init__(self, mapping: Mapping, *, dry_run: bool, delivery: str | None) -> None:
        self.mapping = mapping
        self.alerts = None if dry_run else mapping.alerts
        self.delivery = delivery
        self.snap: SheetSnapshot | None = None
        self.captured: dict[int, dict[str, Any]] = {}
        self.events: list[AlertEvent] = []
        self.context: Context | None = None
        rules = self.alerts.row_rules if self.alerts is not None else []
        self._capturing = [r for r in rules if needs_new_values(r)]
        self._fields = list(dict.fromkeys(alert_fields(self.alerts)))
        self._zone = ZoneInfo(mapping.time_zone)

    @property
    def active(self) -> bool:
        return self.alerts is not None

    # -- during the run -----------------------------------------------------------------------
    def saw(self, snap: SheetSnapshot) -> None:
        self.snap = snap

    def watch(
        self, records: Iterable[dict[str, Any]], types: FieldTypes | None = None
    ) -> Iterable[dict[str, Any]]:
        """``records`` unchanged, noting the rule fields of those that could fire a rule."""
        if not self._capturing:
            return records
        return self._watching(records, types)

    def _watching(
        self, records: Iterable[dict[str, Any]], types: FieldTypes | None
    ) -> Iterator[dict[str, Any]]:
        rules, fields, zone, captured = self._capturing, self._fields, self._zone, self.captured
        for record in records:
            values = {name: field_value(record, name) for name in fields}
            record_id = int(record["id"])
            if any(new_side_holds(rule, values, types, zone) for rule in rules):
                captured[record_id] = values
            else:
                captured.pop(record_id, None)  # an earlier page had an older version
            yield record

    def written(
        self,
        *,
        result: Diff,
        selection: Selection,
        columns: Columns,
        snap: SheetSnapshot,
        baseline: bool,
        pardot_url: str,
        types: FieldTypes | None = None,
    ) -> None:
        """The write went through: evaluate the rules on what it changed."""
        if self.alerts is None:
            return
        self.snap = snap
        self.context = self._context(snap, pardot_url)
        if baseline or not self.alerts.row_rules:
            return
        changes = record_changes(result, selection, columns, snap, self.mapping, self.captured)
        specs = {spec.field: spec for spec in columns.specs}

        def shown(field: str, value: Any) -> Cell:
            spec = specs.get(field)
            if spec is None:
                return value  # type: ignore[no-any-return]
            try:
                return convert(value, spec)
            except TransformError:
                return None

        self.events = evaluate(self.alerts.row_rules, changes, shown, types=types, tz=self._zone)

    # -- after the run ------------------------------------------------------------------------
    def finish(
        self,
        report: RunReport,
        *,
        sheets: SheetsGateway,
        sender: Callable[[], WebhookSender],
        pardot_url: str,
    ) -> None:
        """Send what the run's alerts found, or count its failure; never raises."""
        if self.alerts is None:
            return
        try:
            if report.status == "ok":
                events = self.events
            else:
                events = self._count_failure(report, sheets, pardot_url)
            if events:
                self._send(events, report, sender())
            else:
                report.alerts = {"sent": 0, "failed": 0}
        except Exception as exc:  # alerts must never break a sync
            log.exception("alerts of %s", self.mapping.name)
            report.alerts = {"sent": 0, "failed": len(self.events)}
            report.warnings.append(f"alerts: internal error ({type(exc).__name__}); see the log")

    def _send(self, events: list[AlertEvent], report: RunReport, sender: WebhookSender) -> None:
        # Type narrowing only: finish() returns when there are no alerts; events need a context.
        assert self.alerts is not None and self.context is not None  # nosec B101
        sent = failed = 0
        for event in events:
            for name in event.notify:
                destination = self.alerts.destinations[name]
                body = payload(destination.type, event, self.context)
                outcome = sender.send(destination, body)
                if outcome.ok:
                    sent += 1
                else:
                    failed += 1
                    report.warnings.append(
                        f"alert {event.rule!r} to {name} ({destination.type}) not delivered: "
                        f"{outcome.error}"
                    )
        report.alerts = {"sent": sent, "failed": failed}

    def _count_failure(
        self, report: RunReport, sheets: SheetsGateway, pardot_url: str
    ) -> list[AlertEvent]:
        assert self.alerts is not None  # nosec B101  # type narrowing: finish() checked it
        rules = self.alerts.failure_rules
        if not rules:
            return []
        for attempt in range(2):
            try:
                snap = self.snap if attempt == 0 and self.snap is not None else self._read(sheets)
                if snap is None:
                    return []
                state = SyncState.from_dict(snap.state)
                if self.delivery is not None and state.failed_delivery == self.delivery:
                    return []  # Cloud Scheduler retrying the same scheduled run: counted once
                count = state.failed_runs + 1
                counted = dataclasses.replace(
                    state, failed_runs=count, failed_delivery=self.delivery
                )
                batch = f"{self.mapping.name}-failed-{uuid.uuid4().hex[:12]}"
                sheets.apply(snap, SheetWrite(state=counted.to_dict()), batch)
            except Conflict:
                self.snap = None
                continue
            except SheetsError as exc:
                report.warnings.append(f"alerts: could not count this failed run: {exc}")
                return []
            self.context = self._context(snap, pardot_url)
            return evaluate_failures(rules, count, report.message)
        report.warnings.append("alerts: could not count this failed run: the sheet kept changing")
        return []

    def _read(self, sheets: SheetsGateway) -> SheetSnapshot | None:
        mapping = self.mapping
        try:
            book = sheets.open(mapping.spreadsheet_id)
            return sheets.read(book, mapping.worksheet, mapping.name, create=False)
        except WorksheetNotFound:
            return None  # never synced: nothing to count in yet

    def _context(self, snap: SheetSnapshot, pardot_url: str) -> Context:
        assert self.alerts is not None  # nosec B101  # type narrowing: callers checked it
        return Context(
            mapping=self.mapping.name,
            object=self.mapping.source.object,
            spreadsheet_id=snap.spreadsheet_id,
            sheet_id=snap.sheet_id,
            worksheet=snap.title,
            pardot_url=pardot_url,
            max_listed=self.alerts.max_listed,
        )


def record_changes(
    result: Diff,
    selection: Selection,
    columns: Columns,
    snap: SheetSnapshot,
    mapping: Mapping,
    captured: dict[int, dict[str, Any]],
) -> list[RecordChange]:
    """What a written diff changed, per record, with rows as they are after the write."""
    layout = result.layout
    deleted = sorted(row for row, _, _ in result.removed_rows)

    def after(row: int) -> int:  # rows below deleted ones move up
        return row - bisect_left(deleted, row)

    fields = {columns.headers[i]: spec.field for i, spec in enumerate(columns.specs)}
    added = {layout.headers[i] for i in layout.added}
    status = columns.headers[columns.status] if columns.status is not None else None
    label_at = next(
        (i for name in LABEL_FIELDS for i, s in enumerate(columns.specs) if s.field == name), None
    )
    old: dict[str, dict[str, Any]] = {}
    rows: dict[str, int] = {}
    back: set[str] = set()
    for change in result.changes:
        rows.setdefault(change.key, change.row)
        if change.header == status:
            if change.old not in (None, "") and change.new in (None, ""):
                back.add(change.key)  # a marked row whose record is in the set again
            continue
        field = fields.get(change.header)
        if field is not None and change.header not in added:
            old.setdefault(change.key, {})[field] = change.old
    entered: dict[str, int] = {k: rows[k] for k in back}
    first_new = max(len(snap.rows), layout.header_row)  # 0-based, as the plan appends
    for offset, cells in enumerate(result.new_rows):
        key = normalise_key(cells[columns.key])
        if key is not None:
            entered[key] = first_new + offset + 1
    out: list[RecordChange] = []
    for key in sorted(set(old) | set(entered), key=lambda k: entered.get(k, rows.get(k, 0))):
        record_id = selection.record_ids.get(key)
        if record_id is None:
            continue
        row = entered.get(key, rows.get(key))
        out.append(
            RecordChange(
                record_id=record_id,
                label=_label(selection, key, label_at, mapping, record_id),
                row=after(row) if row is not None else None,
                entered=key in entered,
                old=old.get(key, {}),
                new=captured.get(record_id, {}),
            )
        )
    return out


def _label(
    selection: Selection, key: str, index: int | None, mapping: Mapping, record_id: int
) -> str:
    cells = selection.desired.get(key)
    if index is not None and cells is not None and index < len(cells):
        value = comparable(cells[index])
        if value not in (None, ""):
            return str(value)
    return f"{mapping.source.object.rstrip('s')} {record_id}"
