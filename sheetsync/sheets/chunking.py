"""Split a write into batches of at most ~2 MB, each applied atomically. Pure.

Google recommends request bodies under 2 MB. A write that fits goes in one batch. A larger
one is cut at row boundaries (a row's cells are never split across batches, so no row is ever
half-written), in row order: grid growth (and other tabs' ``first_requests``) goes in the first
batch; row deletions (bottom-up), the write's other ``extra_requests`` and the state after all
cells, the state in the very last batch. That tail travels whole in one batch unless it alone
passes the budget. A single row larger than the budget gets a batch of its own (Google's hard
limit is far higher).

What belongs with particular rows (``RowRequests``: the change history's lines for a row's
changes, fill-down formulas of a new row) travels in the batch that writes those rows, so a
write stopped between batches (a failure, a deadline, a killed process) never leaves rows
without their history lines or formulas, nor lines for rows it did not write.

Sizes are estimated per row from the exact encoded cells plus a per-request allowance, and each
built batch is measured; one that still comes out over budget is split again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .batch import (
    append_requests,
    cell_requests,
    compact_json,
    delete_requests,
    format_requests,
    note_requests,
)
from .model import CellNote, CellRun, Link

#: Default body budget per batch, under Google's recommended 2 MB with room for the guard.
DEFAULT_MAX_BYTES = 2_000_000
#: Room kept in every batch for the guard requests and the envelope.
GUARD_RESERVE = 1_000
#: Allowance for the JSON around a block that starts a new request.
_REQUEST_OVERHEAD = 220
_ROW_OVERHEAD = 16


class RowRequests(Protocol):
    """Subrequests (other tabs, other columns) that belong with some rows of a write: each
    batch carries those of the rows it writes, after the rows' cells. Rows are 0-based indices
    of the grid as read (before the write's deletions), as in :class:`CellRun`."""

    def rows(self) -> Iterable[int]:
        """The rows that have requests."""
        ...

    def cost(self, row: int) -> int:
        """Estimated JSON bytes of a row's requests (built batches are measured anyway)."""
        ...

    def requests(self, rows: Sequence[int]) -> list[dict[str, Any]]:
        """The requests for exactly these rows (ascending; the rows of one batch, which come
        after those of every earlier batch)."""
        ...


@dataclass
class Chunk:
    requests: list[dict[str, Any]] = field(default_factory=list)
    cells: int = 0
    notes: int = 0
    rows_deleted: int = 0
    has_state: bool = False
    _encoded: bytes | None = field(default=None, repr=False)

    @property
    def encoded(self) -> bytes:
        """The requests as the JSON array items they are sent as (encoded once)."""
        if self._encoded is None:
            self._encoded = compact_json(self.requests)[1:-1]
        return self._encoded

    @property
    def size(self) -> int:
        return len(self.encoded) + len(b'{"requests":[]}')

    def append(self, request: dict[str, Any]) -> None:
        self.requests.append(request)
        self._encoded = None

    def prepend(self, requests: list[dict[str, Any]]) -> None:
        self.requests[:0] = requests
        self._encoded = None


def body_size(requests: Sequence[dict[str, Any]]) -> int:
    return len(compact_json({"requests": list(requests)}))


_EMPTY = len(b'{"requests":[]}')  # the body of a batch without requests


def _request_size(request: dict[str, Any]) -> int:
    return len(compact_json(request)) + 1


def plan_chunks(
    sheet_id: int,
    runs: Sequence[CellRun],
    notes: Sequence[CellNote],
    *,
    grow_rows: int,
    grow_cols: int,
    delete_rows: Sequence[int],
    state_request: dict[str, Any] | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extra_requests: Sequence[dict[str, Any]] = (),
    first_requests: Sequence[dict[str, Any]] = (),
    row_requests: RowRequests | None = None,
) -> list[Chunk]:
    """The batches (without their guard requests) that apply a checked write, in order."""
    return list(
        iter_chunks(
            sheet_id,
            runs,
            notes,
            grow_rows=grow_rows,
            grow_cols=grow_cols,
            delete_rows=delete_rows,
            state_request=state_request,
            max_bytes=max_bytes,
            extra_requests=extra_requests,
            first_requests=first_requests,
            row_requests=row_requests,
        )
    )


def iter_chunks(
    sheet_id: int,
    runs: Sequence[CellRun],
    notes: Sequence[CellNote],
    *,
    grow_rows: int,
    grow_cols: int,
    delete_rows: Sequence[int],
    state_request: dict[str, Any] | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extra_requests: Sequence[dict[str, Any]] = (),
    first_requests: Sequence[dict[str, Any]] = (),
    row_requests: RowRequests | None = None,
) -> Iterator[Chunk]:
    """:func:`plan_chunks`, one batch at a time: a big write is never all in memory at once
    (the caller sends each batch before the next one is built).

    ``first_requests`` go in the first batch, after the grid growth; ``extra_requests`` after
    the deletions, before the state; ``row_requests`` with the rows they belong to."""
    budget = max(max_bytes - GUARD_RESERVE, 1)
    by_row: dict[int, tuple[list[CellRun], list[CellNote]]] = {}
    for run in runs:
        by_row.setdefault(run.row, ([], []))[0].append(run)
    for note in notes:
        by_row.setdefault(note.row, ([], []))[1].append(note)
    if row_requests is not None:
        for row in row_requests.rows():
            by_row.setdefault(row, ([], []))
    rows = sorted(by_row)

    tail: list[tuple[dict[str, Any], int, bool]] = [
        (request, _span_length(request), False)
        for request in delete_requests(sheet_id, delete_rows)
    ]
    tail += [(request, 0, False) for request in extra_requests]  # after deletions, as planned
    if state_request is not None:
        tail.append((state_request, 0, True))
    growth = [*append_requests(sheet_id, grow_rows, grow_cols), *first_requests]

    pending: Chunk | None = None  # built, not yet handed out: the tail may join the last one
    for group in _group_rows(rows, by_row, budget, row_requests):
        for chunk in _build(sheet_id, group, by_row, budget, row_requests):
            if growth:
                chunk.prepend(growth)
                growth = []
            if pending is not None:
                yield pending
            pending = chunk
    if pending is None and (growth or tail):
        pending = Chunk()
        if growth:
            pending.prepend(growth)
    if pending is None:
        return
    size = pending.size
    whole = sum(_request_size(request) for request, _, _ in tail)
    if pending.requests and size + whole > budget >= _EMPTY + whole:
        # The tail (deletions, other tabs, state) fits in a batch of its own: keep it whole.
        yield pending
        pending, size = Chunk(), _EMPTY
    for request, deleted, is_state in tail:
        extra = _request_size(request)
        if size + extra > budget and pending.requests:
            yield pending
            pending = Chunk()
            size = _EMPTY
        pending.append(request)
        pending.rows_deleted += deleted
        pending.has_state = pending.has_state or is_state
        size += extra
    yield pending


def _span_length(request: dict[str, Any]) -> int:
    span = request["deleteDimension"]["range"]
    return int(span["endIndex"]) - int(span["startIndex"])


#: JSON around a cell value: ``{"userEnteredValue":{"stringValue":...}}`` and a comma.
_CELL_JSON = 40
#: JSON of a link: its ``textFormatRuns``, around the URL.
_LINK_JSON = 75


def _cell_cost(value: Any) -> int:
    """Estimated JSON bytes of one encoded cell (exact sizes are measured per batch)."""
    kind = type(value)
    if kind is str:
        text: str = value
        return _CELL_JSON + len(text.encode()) + text.count('"') + text.count("\\")
    if kind is int or kind is float:
        return _CELL_JSON + len(repr(value))
    if value is None or kind is bool:
        return _CELL_JSON
    if isinstance(value, Link):
        return _CELL_JSON + _LINK_JSON + len(value.shown.encode()) + len(value.url.encode())
    return _CELL_JSON + len(str(value))


def _row_cost(
    runs: Sequence[CellRun], notes: Sequence[CellNote], previous: set[tuple[Any, ...]]
) -> tuple[int, set[tuple[Any, ...]]]:
    """Estimated bytes a row adds to a batch, and the blocks it leaves open for the next row."""
    cost = _ROW_OVERHEAD
    current: set[tuple[Any, ...]] = set()
    for run in runs:
        key = ("cells", run.col, any(isinstance(v, Link) for v in run.values))
        current.add(key)
        cost += sum(map(_cell_cost, run.values)) + _ROW_OVERHEAD
        if key not in previous:
            cost += _REQUEST_OVERHEAD
        for offset, fmt in enumerate(run.formats or ()):
            if fmt is not None:
                fkey = ("format", run.col + offset, fmt)
                current.add(fkey)
                if fkey not in previous:
                    cost += _REQUEST_OVERHEAD + len(fmt.type) + len(fmt.pattern)
    for note in notes:
        cost += len(compact_json(note.text)) + _REQUEST_OVERHEAD
    return cost, current


def _group_rows(
    rows: Sequence[int],
    by_row: dict[int, tuple[list[CellRun], list[CellNote]]],
    budget: int,
    row_requests: RowRequests | None = None,
) -> Iterator[list[int]]:
    current: list[int] = []
    used = 0
    previous: set[tuple[Any, ...]] = set()
    for row in rows:
        if current and current[-1] != row - 1:
            previous = set()  # blocks only continue on the very next row
        extra = row_requests.cost(row) if row_requests is not None else 0
        cost, open_blocks = _row_cost(*by_row[row], previous)
        cost += extra
        if current and used + cost > budget:
            yield current
            current, used = [], 0
            cost, open_blocks = _row_cost(*by_row[row], set())
            cost += extra
        current.append(row)
        used += cost
        previous = open_blocks
    if current:
        yield current


def _build(
    sheet_id: int,
    rows: list[int],
    by_row: dict[int, tuple[list[CellRun], list[CellNote]]],
    budget: int,
    row_requests: RowRequests | None = None,
) -> list[Chunk]:
    runs = [run for row in rows for run in by_row[row][0]]
    notes = [note for row in rows for note in by_row[row][1]]
    chunk = Chunk(
        requests=[
            *cell_requests(sheet_id, runs),
            *format_requests(sheet_id, runs),
            *note_requests(sheet_id, notes),
            *(row_requests.requests(rows) if row_requests is not None else ()),
        ],
        cells=sum(len(r.values) for r in runs),
        notes=len(notes),
    )
    if chunk.size <= budget or len(rows) == 1:
        return [chunk]
    half = len(rows) // 2
    return _build(sheet_id, rows[:half], by_row, budget, row_requests) + _build(
        sheet_id, rows[half:], by_row, budget, row_requests
    )
