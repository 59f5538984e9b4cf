"""Alert rule evaluation. Pure: no HTTP, no sheet, no clock.

Inputs are what one run changed, per record: the cells the sheet showed before (only fields
whose cell changes), Pardot's new values of the fields the rules read, and whether the record
entered the synced set. Outputs are alert events: one per rule that fired, with every record it
fired for. Delivery (``webhooks``) and message layout (``messages``) live elsewhere.

Old values come from the sheet (sheetsync keeps no database): a rule fires on the run that
writes the change, and never again for it, because the next run reads the sheet already
showing the new value. New values are Pardot's own (``grade`` is ``A``, not the ``Hot`` a value
map shows); a rule's value is compared with the old cell as the column shows it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from sheetsync.mapping.alerts import AlertRule
from sheetsync.mapping.fields import FieldTypes
from sheetsync.mapping.values import field_value, is_empty, value_text
from sheetsync.sheets.model import Cell, CellValue, cells_equal

#: How a rule value shows in the field's column (its value map and type), for old cells.
Shown = Callable[[str, Any], Cell]


@dataclass(frozen=True)
class RecordChange:
    """One record's part in a run that wrote."""

    record_id: int
    label: str  # how messages name it (its e-mail, else its key)
    row: int | None  # its 1-based sheet row after the write
    entered: bool = False  # a new row, or a marked row whose record is back in the set
    old: Mapping[str, CellValue] | None = None  # field -> the cell before, for changed cells
    new: Mapping[str, Any] | None = None  # field -> Pardot's new value (rule and where fields)


@dataclass(frozen=True)
class Hit:
    record_id: int
    label: str
    row: int | None
    detail: str  # e.g. "score 90 → 120"


@dataclass(frozen=True)
class AlertEvent:
    """One message to send: a rule that fired, and for what."""

    rule: str
    notify: tuple[str, ...]
    hits: tuple[Hit, ...] = ()
    text: str = ""  # a run-level message (failed_runs), instead of hits


def number(value: Any) -> float | None:
    """A value as a number: numbers and numeric text; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    try:
        parsed = float(str(value).strip().replace(",", ""))
    except ValueError:
        return None
    return parsed if math.isfinite(parsed) else None


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value_text(value)


def where_holds(
    rule: AlertRule, new: Mapping[str, Any], types: FieldTypes | None, tz: tzinfo
) -> bool:
    return all(
        c.matches(field_value(new, c.field), types.type_of(c.field) if types else None, tz=tz)
        for c in rule.where
    )


def new_side_holds(
    rule: AlertRule, new: Mapping[str, Any], types: FieldTypes | None = None, tz: tzinfo = UTC
) -> bool:
    """Whether a record's new values could fire ``rule`` (whatever the sheet showed)."""
    if not where_holds(rule, new, types, tz):
        return False
    value = field_value(new, rule.field) if rule.field else None
    if rule.rises_to is not None:
        n = number(value)
        return n is not None and n >= rule.rises_to
    if rule.falls_below is not None:
        n = number(value)
        return n is not None and n < rule.falls_below
    if rule.becomes is not None:
        return not is_empty(value) and value_text(value) in {value_text(v) for v in rule.becomes}
    return rule.changes is not None or rule.enters is not None


def needs_new_values(rule: AlertRule) -> bool:
    """Whether evaluating ``rule`` needs Pardot's new values (not only which cells changed)."""
    if rule.failed_runs is not None:
        return False
    return bool(rule.where) or rule.trigger in ("rises_to", "falls_below", "becomes")


def _fires(
    rule: AlertRule, change: RecordChange, shown: Shown, types: FieldTypes | None, tz: tzinfo
) -> str | None:
    """The hit's detail when ``rule`` fires for ``change``, else None."""
    new = change.new or {}
    if needs_new_values(rule) and not new_side_holds(rule, new, types, tz):
        return None
    if rule.enters is not None:
        return "entered the sheet" if change.entered else None
    field = rule.field
    old_cells = change.old or {}
    if field is None or field not in old_cells or change.entered:
        return None  # the cell did not change, or the row is new (see `enters`)
    old = old_cells[field]
    after = field_value(new, field)
    if rule.rises_to is not None or rule.falls_below is not None:
        before = number(old)
        if before is None:
            return None  # nothing comparable shown before: not a crossing
        if rule.rises_to is not None and not before < rule.rises_to:
            return None
        if rule.falls_below is not None and not before >= rule.falls_below:
            return None
        return f"{field} {_shown(old)} → {_shown(after)}"
    if rule.becomes is not None:
        if any(cells_equal(shown(field, v), old) for v in rule.becomes):
            return None  # the sheet already showed it
        return f"{field} {_shown(old)} → {_shown(after)}"
    if field in new:
        return f"{field} changed (now {_shown(after)})"
    return f"{field} changed"


def evaluate(
    rules: Iterable[AlertRule],
    changes: Sequence[RecordChange],
    shown: Shown,
    *,
    types: FieldTypes | None = None,
    tz: tzinfo = UTC,
) -> list[AlertEvent]:
    """One event per rule that fired for at least one record (records in the given order)."""
    events: list[AlertEvent] = []
    for rule in rules:
        if not rule.watches_rows:
            continue
        hits = []
        for change in changes:
            detail = _fires(rule, change, shown, types, tz)
            if detail is not None:
                hits.append(Hit(change.record_id, change.label, change.row, detail))
        if hits:
            events.append(AlertEvent(rule.name, tuple(rule.notify), tuple(hits)))
    return events


def evaluate_failures(rules: Iterable[AlertRule], failed_runs: int, why: str) -> list[AlertEvent]:
    """Events of ``failed_runs`` rules: each fires on exactly its Nth failure in a row."""
    return [
        AlertEvent(
            rule.name,
            tuple(rule.notify),
            text=f"{failed_runs} runs in a row did not succeed. Last: {why}",
        )
        for rule in rules
        if rule.failed_runs is not None and rule.failed_runs == failed_runs
    ]
