"""Which records belong in the sheet, and the cells of those that do. Pure.

A record belongs when it is not in the recycle bin (unless the mapping includes deleted ones),
is a member of one of the mapping's lists (when it names lists) and meets every ``where``
condition. Records that do not belong are "gone", with the reason shown by ``on_delete: mark``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheetsync.diff import GONE_DELETED, GONE_UNMATCHED, normalise_key
from sheetsync.sheets.model import Cell
from sheetsync.transform import TRUNCATED_TAIL, ColumnSpec, RowMaker, TransformError, cell

Predicate = Callable[[Mapping[str, Any]], bool]


#: Records converted together (a Pardot page): the transform works column by column on them.
BATCH = 1000


def _batches(records: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    batch: list[Mapping[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class DuplicateKeyError(ValueError):
    """The mapping's key is not unique in Pardot; syncing would make rows flap."""


@dataclass
class Selection:
    desired: dict[str, tuple[Cell, ...]] = field(default_factory=dict)
    gone: dict[str, str] = field(default_factory=dict)
    record_ids: dict[str, int] = field(default_factory=dict)
    truncated: int = 0  # values cut to Google's 50,000-character cell limit
    truncated_at: list[tuple[int, str]] = field(default_factory=list)  # (record id, field)


def select(
    records: Iterable[Mapping[str, Any]],
    specs: Sequence[ColumnSpec],
    key: int,
    *,
    conditions: Predicate | None,
    include_deleted: bool,
    members: set[int] | None,
    extra_cells: int = 0,
    noun: str = "Pardot record",
) -> Selection:
    """Split records into desired rows (key -> cells) and gone keys (key -> reason).

    ``extra_cells`` appends that many empty cells to each desired row (the status column of
    ``on_delete: mark``, empty while the record belongs). ``noun`` names a record in errors
    (``prospect`` -> "prospect 1234, field 'score': ...")."""
    result = Selection()
    duplicates: dict[str, list[int]] = {}
    key_spec = specs[key]
    make_rows = RowMaker(specs)
    padding: tuple[Cell, ...] = (None,) * extra_cells
    for batch in _batches(records, BATCH):
        cut_before = make_rows.truncated
        rows = _rows_naming_the_record(make_rows, batch, specs, noun)
        if make_rows.truncated != cut_before:
            result.truncated_at += _cut_cells(batch, rows, specs)
        for record, cells in zip(batch, rows, strict=True):
            record_id = int(record["id"])
            k = normalise_key(cells[key])
            if k is None:
                continue  # no key value: it cannot have a row
            reason = _reason(record, record_id, conditions, include_deleted, members)
            if reason is not None:
                if k not in result.desired:
                    result.gone[k] = reason
                continue
            first = result.record_ids.get(k)
            if first is not None and first != record_id:
                duplicates.setdefault(k, [first]).append(record_id)
                continue
            result.record_ids[k] = record_id
            result.desired[k] = cells + padding if padding else cells
            result.gone.pop(k, None)
    result.truncated = make_rows.truncated
    if duplicates:
        shown = "; ".join(
            f"{k!r} on records {', '.join(str(i) for i in ids)}"
            for k, ids in list(duplicates.items())[:10]
        )
        more = f" (and {len(duplicates) - 10} more)" if len(duplicates) > 10 else ""
        raise DuplicateKeyError(
            f"the key {key_spec.field!r} is not unique in Pardot: {shown}{more}. Key the "
            "mapping on a unique field (id is) so rows do not flap between runs"
        )
    return result


def _rows_naming_the_record(
    make_rows: RowMaker,
    batch: list[Mapping[str, Any]],
    specs: Sequence[ColumnSpec],
    noun: str,
) -> list[tuple[Cell, ...]]:
    """The batch's rows; a value that cannot be converted names its record and field (the
    batch is converted column by column, so the culprit is found again one cell at a time)."""
    try:
        return make_rows.rows(batch)
    except TransformError as exc:
        for record in batch:
            for spec in specs:
                try:
                    cell(record, spec)
                except TransformError as found:
                    raise TransformError(
                        f"{noun} {record.get('id')}, field {spec.field!r}: {found}. Nothing "
                        "was written"
                    ) from None
        raise exc from None  # pragma: no cover - the same rules fail on one cell too


def _cut_cells(
    batch: list[Mapping[str, Any]], rows: list[tuple[Cell, ...]], specs: Sequence[ColumnSpec]
) -> list[tuple[int, str]]:
    """(record id, field) of each value cut to Google's cell limit in this batch."""
    return [
        (int(record["id"]), spec.field)
        for record, cells in zip(batch, rows, strict=True)
        for spec, value in zip(specs, cells, strict=False)
        if isinstance(value, str) and value.endswith(TRUNCATED_TAIL)
    ]


def _reason(
    record: Mapping[str, Any],
    record_id: int,
    conditions: Predicate | None,
    include_deleted: bool,
    members: set[int] | None,
) -> str | None:
    if record.get("isDeleted") is True and not include_deleted:
        return GONE_DELETED
    if members is not None and record_id not in members:
        return GONE_UNMATCHED
    if conditions is not None and not conditions(record):
        return GONE_UNMATCHED
    return None
