"""Reading a whole query result across v5 page-token chains.

A token chain stops after 100,000 records (``Pardot-Warning: 203``, or simply no next page after
exactly 100,000 records), and a page token can expire (210) or be refused (211). The iterator then
starts a new chain from its high-water mark instead of returning a silently truncated set:

- ``orderBy=id``: the next chain asks for ``idGreaterThan`` the last id read.
- ``orderBy=updatedAt``: with T the last ``updatedAt`` read, it first reads every record whose
  ``updatedAt`` is exactly T (ordered by id, so any number of ties is crossed without looping),
  then continues with ``updatedAtAfter`` T. Records are de-duplicated by id.

A record updated while the read runs moves to the end of an ``updatedAt``-ordered read; the
iterator yields the version it saw first and skips the later copy. Callers keep their watermark
at or before the run's start, so the next incremental run reads the newer version.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from sheetsync import jsonfast
from sheetsync.pardot.errors import PageTokenError, PardotError

if TYPE_CHECKING:
    from sheetsync.pardot.client import PardotClient

log = logging.getLogger("sheetsync.pardot")

OrderBy = Literal["id", "updatedAt"]
Deleted = Literal["all", "true", "false"]
API_PREFIX = "/api/v5/objects/"
WARNING_CHAIN_CAP = "203"
MAX_LIMIT = 1000
# Consecutive page-token failures without a single record read before giving up.
MAX_TOKEN_RETRIES = 3

_LOWER_UPDATED = ("updatedAtAfter", "updatedAtAfterOrEqualTo")
_ID_LOWER = "idGreaterThan"


def encode_value(value: object) -> str:
    """A filter value as Pardot reads it: ISO 8601 with an explicit offset for datetimes."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"filter datetime {value!r} needs a time zone")
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(record: Mapping[str, Any], names: list[str]) -> dict[str, Any]:
    """Key a record by the requested names; dotted names read nested objects (or flat keys)."""
    return Flattener(names)(record)


class Flattener:
    """:func:`flatten` for one list of names, prepared once for the many records of a query.

    With ``in_place``, a record parsed for this query is turned into its flat form itself (no
    copy per record): dotted names are added, the nested objects and ``extra`` keys dropped."""

    def __init__(self, names: list[str], extra: list[str] | None = None) -> None:
        self.names = names
        self.plain = [n for n in names if "." not in n]
        self.dotted = [(n, n.split(".")) for n in names if "." in n]
        wanted = set(names)
        relations = {parts[0] for _, parts in self.dotted} - wanted
        self.drop = sorted(relations | (set(extra or ()) - wanted))

    def __call__(self, record: Mapping[str, Any]) -> dict[str, Any]:
        get = record.get
        out = {name: get(name) for name in self.plain}
        for name, parts in self.dotted:
            out[name] = self._nested(record, name, parts)
        return out

    def in_place(self, record: dict[str, Any]) -> dict[str, Any]:
        for name, parts in self.dotted:
            record[name] = self._nested(record, name, parts)
        for key in self.drop:
            record.pop(key, None)
        if len(record) != len(self.names):  # a field the answer left out: None, like a null
            for name in self.names:
                record.setdefault(name, None)
            for key in [k for k in record if k not in self.names]:
                del record[key]
        return record

    @staticmethod
    def _nested(record: Mapping[str, Any], name: str, parts: list[str]) -> Any:
        if name in record:
            return record[name]
        value: Any = record
        for part in parts:
            value = value.get(part) if isinstance(value, Mapping) else None
        return value


@dataclass
class QueryInfo:
    """What a query cost and how it got there (for run reports)."""

    pages: int = 0
    records: int = 0
    duplicates_skipped: int = 0
    restarts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Segment:
    filters: dict[str, str]
    order: OrderBy


@dataclass
class _ChainEnd:
    complete: bool
    count: int
    reason: str = ""


class Query:
    """Iterable over every record of a query; see the module docstring for the guarantees."""

    def __init__(
        self,
        client: PardotClient,
        collection: str,
        fields: list[str],
        *,
        filters: dict[str, object],
        order_by: OrderBy,
        deleted: Deleted | None,
        limit: int,
    ) -> None:
        if not fields:
            raise ValueError("a Pardot query needs at least one field")
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be 1..{MAX_LIMIT}, got {limit}")
        if order_by not in ("id", "updatedAt"):
            raise ValueError("order_by must be 'id' or 'updatedAt' (the orders a read can resume)")
        self._client = client
        self.collection = collection
        self.fields = fields
        self.order_by: OrderBy = order_by
        self.deleted = deleted
        self.limit = limit
        self.filters = {key: encode_value(value) for key, value in filters.items()}
        # Restarting needs id (and updatedAt) even when the caller did not ask for them.
        extra = ["id"] + (["updatedAt"] if order_by == "updatedAt" else [])
        self._request_fields = fields + [f for f in extra if f not in fields]
        self.info = QueryInfo()
        self._flatten = Flattener(
            fields, extra=[f for f in self._request_fields if f not in fields]
        )

    def __iter__(self) -> Iterator[dict[str, Any]]:
        # updatedAt order can meet a record twice (ties re-read, records updated mid-read);
        # id order never can, so it only needs the highest id yielded.
        seen: set[int] = set()
        highest = 0
        pending = [_Segment(dict(self.filters), self.order_by)]
        while pending:
            segment = pending.pop(0)
            last_id: int | None = None
            last_updated: str | None = None
            token_failures = 0
            while True:
                chain = self._chain(segment)
                try:
                    while True:
                        raw = next(chain)
                        record_id = int(raw["id"])
                        last_id = record_id
                        if self.order_by == "updatedAt" and segment.order == "updatedAt":
                            stamp = raw.get("updatedAt")
                            last_updated = None if stamp is None else str(stamp)
                        if self.order_by == "id":
                            duplicate = record_id <= highest
                            highest = max(highest, record_id)
                        else:
                            duplicate = record_id in seen
                            seen.add(record_id)
                        if duplicate:
                            self.info.duplicates_skipped += 1
                            continue
                        self.info.records += 1
                        yield self._flatten.in_place(raw)
                except StopIteration as stop:
                    end: _ChainEnd = stop.value
                if end.complete:
                    break
                if end.count == 0:
                    token_failures += 1
                    if token_failures > MAX_TOKEN_RETRIES:
                        raise PardotError(
                            f"{self.collection} query: {end.reason}, {token_failures} times in "
                            "a row without reading a record; giving up rather than returning "
                            "a partial result"
                        )
                else:
                    token_failures = 0
                if segment.order == "updatedAt" and last_updated is not None:
                    # Cross the boundary second by id first, then continue strictly after it.
                    after = {k: v for k, v in segment.filters.items() if k not in _LOWER_UPDATED}
                    tie = dict(after)
                    tie.update(
                        updatedAtAfterOrEqualTo=last_updated,
                        updatedAtBeforeOrEqualTo=last_updated,
                    )
                    tie.pop("updatedAtBefore", None)
                    after["updatedAtAfter"] = last_updated
                    self._restart(end, f"updatedAt {last_updated}")
                    pending[:0] = [_Segment(tie, "id"), _Segment(after, "updatedAt")]
                    break
                if last_id is not None:
                    filters = dict(segment.filters)
                    floor = int(filters.get(_ID_LOWER, last_id))
                    filters[_ID_LOWER] = str(max(floor, last_id))
                    filters.pop("idGreaterThanOrEqualTo", None)
                    segment = _Segment(filters, segment.order)
                    self._restart(end, f"id > {filters[_ID_LOWER]}")
                else:
                    self._restart(end, "the same query")

    def _restart(self, end: _ChainEnd, where: str) -> None:
        note = f"{end.reason} after {end.count} records; restarting from {where}"
        self.info.restarts.append(note)
        log.info("pardot %s query: %s", self.collection, note)

    def _chain(self, segment: _Segment) -> Generator[dict[str, Any], None, _ChainEnd]:
        """One token chain; yields raw records and returns how it ended."""
        client = self._client
        path = f"{API_PREFIX}{self.collection}"
        fields = ",".join(self._request_fields)
        url: str = path
        first: dict[str, str] = {
            "fields": fields,
            "limit": str(self.limit),
            "orderBy": f"{segment.order} ASC",
            **segment.filters,
        }
        if self.deleted is not None:
            first["deleted"] = self.deleted
        params: dict[str, str] | None = first
        count = 0
        while True:
            try:
                response = client.request("GET", url, params=params)
            except PageTokenError as exc:
                return _ChainEnd(False, count, f"page token refused (code {exc.code})")
            body = jsonfast.loads(response.content)  # pages of a large account: parse fast
            self.info.pages += 1
            values = body.get("values") or []
            for raw in values:
                count += 1
                yield raw
            next_url = body.get("nextPageUrl")
            next_token = body.get("nextPageToken")
            if next_url or next_token:
                if next_url and client.is_pardot_url(next_url):
                    url, params = next_url, None
                elif next_token:
                    if next_url:
                        log.warning("pardot: ignoring a nextPageUrl on another host")
                    url, params = path, {"fields": fields, "nextPageToken": next_token}
                else:
                    raise PardotError(
                        f"{self.collection} query: nextPageUrl points at another host and no "
                        "nextPageToken came with it; refusing to send the token there"
                    )
                continue
            warning = response.headers.get("pardot-warning", "")
            if warning.split(";", 1)[0].strip() == WARNING_CHAIN_CAP:
                return _ChainEnd(False, count, "chain cap (Pardot-Warning 203)")
            if count >= client.chain_cap:
                return _ChainEnd(False, count, f"chain ended at exactly {count} records")
            return _ChainEnd(True, count)
