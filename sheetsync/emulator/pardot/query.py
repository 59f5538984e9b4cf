"""Query semantics: parameters, filters, ``orderBy``, keyset pages and page tokens.

Decisions the spec leaves open (written down here, listed in the emulator's docs):

- Parameter errors are code 51 ``Invalid parameter: <name>. <why>`` (unknown parameter, bad value,
  unknown or unsortable ``orderBy`` field, datetime without offset, anything beside ``fields``
  next to ``nextPageToken``); ``limit``/``offset`` out of range are code 52.
- A page that comes back full carries a ``nextPageToken`` even when nothing follows (then the next
  page is empty), like the recorded chain. At the chain cap the emulator looks ahead instead: no
  token, and the ``Pardot-Warning: 203`` header only when matching records remain.
- Each page token expires ``page_token_ttl_seconds`` after it was issued (emulator clock); it may
  be reused while valid. The next page is computed when it is requested: records whose sort key
  is after the last one returned, so a record updated mid-read moves, as in a real keyset.
- ``fields`` is required with a token too, and may differ from the first page's.
- ``offset`` (deprecated, <= 2000) skips matching records on the first page only.
"""

from __future__ import annotations

import secrets
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .errors import PardotError
from .schema import DATETIME_OPS, ID_OPS, ObjectSchema
from .store import Deleted, OrderSpec, Record, Table, deleted_matches
from .timeutil import DatetimeError, parse_request_datetime

Op = Literal["eq", "gt", "ge", "lt", "le"]
_OPS: dict[str, Op] = {
    "GreaterThanOrEqualTo": "ge",
    "GreaterThan": "gt",
    "LessThanOrEqualTo": "le",
    "LessThan": "lt",
    "AfterOrEqualTo": "ge",
    "After": "gt",
    "BeforeOrEqualTo": "le",
    "Before": "lt",
}
QUERY_PARAMS = frozenset({"fields", "limit", "offset", "deleted", "orderBy", "nextPageToken"})
MAX_FILTERED_FIELDS = 3
MAX_LIMIT = 1000
DEFAULT_LIMIT = 200
MAX_OFFSET = 2000


def bad_param(name: str, why: str) -> PardotError:
    return PardotError(51, f"{name}. {why}")


@dataclass(frozen=True)
class Filter:
    field: str
    op: Op
    value: Any  # int for ids, float epoch for datetimes, casefolded str for text

    def matches(self, record: Mapping[str, Any]) -> bool:
        actual = record.get(self.field)
        if actual is None:
            return False
        if isinstance(self.value, str):
            return bool(str(actual).casefold() == self.value)
        op = self.op
        if op == "eq":
            return bool(actual == self.value)
        if op == "gt":
            return bool(actual > self.value)
        if op == "ge":
            return bool(actual >= self.value)
        if op == "lt":
            return bool(actual < self.value)
        return bool(actual <= self.value)


def _split_filter(schema: ObjectSchema, param: str) -> tuple[str, Op] | None:
    """``idGreaterThan`` -> ``("id", "gt")``; None when the parameter names no filter."""
    if param in schema.filters:
        return param, "eq"
    for suffix in (*ID_OPS, *DATETIME_OPS):
        base = param[: -len(suffix)]
        if not param.endswith(suffix) or base not in schema.filters:
            continue
        kind = schema.filters[base]
        if (kind == "id" and suffix in ID_OPS) or (kind == "datetime" and suffix in DATETIME_OPS):
            return base, _OPS[suffix]
    return None


def parse_filter(schema: ObjectSchema, param: str, raw: str) -> Filter | None:
    """The filter a parameter names, or None when it names none."""
    split = _split_filter(schema, param)
    if split is None:
        return None
    field, op = split
    kind = schema.filters[field]
    if kind == "id":
        try:
            return Filter(field, op, int(raw))
        except ValueError:
            raise bad_param(param, f"'{raw}' is not an integer.") from None
    if kind == "datetime":
        try:
            return Filter(field, op, parse_request_datetime(raw))
        except DatetimeError as exc:
            raise bad_param(param, str(exc) + ".") from None
    return Filter(field, "eq", raw.strip().casefold())


def parse_deleted(raw: str | None) -> Deleted:
    if raw is None:
        return False
    value = raw.strip().lower()
    if value == "all":
        return "all"
    if value in ("true", "false"):
        return value == "true"
    raise bad_param("deleted", "Allowed values are true, false and all.")


def parse_order(schema: ObjectSchema, raw: str | None) -> OrderSpec:
    order: list[tuple[str, bool]] = []
    for item in (raw or "").split(","):
        words = item.split()
        if not words:
            continue
        if len(words) > 2:
            raise bad_param("orderBy", f"'{item.strip()}' is not 'field [ASC|DESC]'.")
        name = words[0]
        direction = words[1].upper() if len(words) == 2 else "ASC"
        if direction not in ("ASC", "DESC"):
            raise bad_param("orderBy", f"Direction must be ASC or DESC, not '{words[1]}'.")
        if name not in schema.fields:
            raise bad_param("orderBy", f"It contains an invalid or unknown field: {name}.")
        if name not in schema.sortable:
            allowed = ", ".join(sorted(schema.sortable))
            raise bad_param("orderBy", f"{name} can't be sorted on; sortable fields: {allowed}.")
        if all(name != existing for existing, _ in order):
            order.append((name, direction == "DESC"))
    return tuple(order) or (("id", False),)


def parse_int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_param(name, f"'{raw}' is not an integer.") from None
    if not low <= value <= high:
        raise PardotError(52, f"{name} must be between {low} and {high}")
    return value


@dataclass(frozen=True)
class QuerySpec:
    collection: str
    filters: tuple[Filter, ...]
    order: OrderSpec
    deleted: Deleted
    limit: int
    offset: int = 0


def parse_query(schema: ObjectSchema, query: Mapping[str, list[str]]) -> QuerySpec:
    filters: list[Filter] = []
    for param, values in query.items():
        if param in QUERY_PARAMS:
            continue
        parsed = parse_filter(schema, param, values[-1])
        if parsed is None:
            raise bad_param(param, f"It is not a parameter or filter of {schema.collection}.")
        filters.append(parsed)
    if len({f.field for f in filters}) > MAX_FILTERED_FIELDS:
        raise PardotError(209)

    def last(name: str) -> str | None:
        values = query.get(name)
        return values[-1] if values else None

    return QuerySpec(
        collection=schema.collection,
        filters=tuple(filters),
        order=parse_order(schema, last("orderBy")),
        deleted=parse_deleted(last("deleted")),
        limit=parse_int("limit", last("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=parse_int("offset", last("offset"), 0, 0, MAX_OFFSET),
    )


Resume = tuple[Any, ...]  # raw order-field values of the last record returned, then its id


def _bounds(
    spec: QuerySpec, table: Table
) -> tuple[tuple[float, bool] | None, tuple[float, bool] | None]:
    """Bounds on the first sort key implied by filters (only a shortcut: filters still apply)."""
    name, descending = spec.order[0]
    if table.schema.fields[name].type not in ("int", "float", "datetime"):
        return None, None
    low: tuple[float, bool] | None = None  # (value, inclusive) in transformed key space
    high: tuple[float, bool] | None = None
    for f in spec.filters:
        if f.field != name or isinstance(f.value, str):
            continue
        v = float(f.value)
        lower = {"eq": (v, True), "gt": (v, False), "ge": (v, True)}.get(f.op)
        upper = {"eq": (v, True), "lt": (v, False), "le": (v, True)}.get(f.op)
        if descending:
            lower, upper = (
                (-upper[0], upper[1]) if upper else None,
                (-lower[0], lower[1]) if lower else None,
            )
        if lower and (low is None or lower[0] > low[0]):
            low = lower
        if upper and (high is None or upper[0] < high[0]):
            high = upper
    return low, high


def fetch(
    table: Table, spec: QuerySpec, resume: Resume | None, want: int, offset: int = 0
) -> list[Record]:
    """Up to ``want`` matching records after ``resume`` in the query's order."""
    index = table.index(spec.order)
    keys = index.keys
    start = 0 if resume is None else bisect_right(keys, index.key(resume[:-1], resume[-1]))
    low, high = _bounds(spec, table)
    if low is not None:
        start = max(start, bisect_left(keys, (low[0],) if low[1] else (low[0], float("inf"))))
    records = table.records
    filters = spec.filters
    deleted = spec.deleted
    out: list[Record] = []
    skipped = 0
    for position in range(start, len(keys)):
        key = keys[position]
        if high is not None and (key[0] > high[0] or (key[0] == high[0] and not high[1])):
            break
        record = records[int(key[-1])]
        if not deleted_matches(record, deleted):
            continue
        if not all(f.matches(record) for f in filters):
            continue
        if skipped < offset:
            skipped += 1
            continue
        out.append(record)
        if len(out) >= want:
            break
    return out


def resume_of(spec: QuerySpec, record: Mapping[str, Any]) -> Resume:
    return (*(record.get(name) for name, _ in spec.order), record["id"])


@dataclass(frozen=True)
class PageState:
    spec: QuerySpec
    resume: Resume
    chain_count: int
    issued_at: float


@dataclass(frozen=True)
class Page:
    records: list[Record]
    token: str | None
    cap_exceeded: bool  # the chain cap cut the sequence while records remained


class PageTokens:
    """Server-side state behind opaque page tokens."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, PageState] = {}

    def clear(self) -> None:
        with self._lock:
            self._states.clear()

    def issue(self, state: PageState, now: float, ttl: float) -> str:
        token = secrets.token_urlsafe(36)
        with self._lock:
            if len(self._states) > 20_000:
                self._states = {t: s for t, s in self._states.items() if now - s.issued_at <= ttl}
            self._states[token] = state
        return token

    def resolve(self, token: str, collection: str, now: float, ttl: float) -> PageState:
        with self._lock:
            state = self._states.get(token)
        if state is None or state.spec.collection != collection:
            raise PardotError(211)
        if now - state.issued_at > ttl:
            raise PardotError(210)
        return state


def run_page(
    table: Table,
    spec: QuerySpec,
    *,
    resume: Resume | None,
    chain_count: int,
    chain_cap: int,
    tokens: PageTokens,
    now: float,
    ttl: float,
) -> Page:
    take = min(spec.limit, chain_cap - chain_count)
    at_cap = chain_count + take >= chain_cap
    offset = spec.offset if resume is None else 0
    found = fetch(table, spec, resume, take + 1 if at_cap else take, offset)
    records = found[:take]
    if len(records) < take or not records:
        return Page(records, None, False)
    if at_cap:
        return Page(records, None, len(found) > take)
    state = PageState(spec, resume_of(spec, records[-1]), chain_count + len(records), now)
    return Page(records, tokens.issue(state, now, ttl), False)
