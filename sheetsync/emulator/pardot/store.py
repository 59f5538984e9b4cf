"""The emulator's data: one :class:`Table` per collection, records as sparse dicts.

A record is a ``dict`` keyed by field name holding only non-default values (no key = ``null``, or
``false`` for booleans); datetimes are ``int`` epoch seconds (UTC). This keeps 130,000 prospects
small and fast. :class:`Store` wraps the tables with helpers that tests use directly
(``store.prospect(id)``, ``store.update_prospect(id, ...)`` ...); those helpers take and return
aware ``datetime`` objects. Every change bumps the table's version so that cached sort indexes
are rebuilt on the next query.

Callers that touch tables hold ``store.lock`` (the helpers take it themselves).
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Literal

from ..httpbase import Clock
from .schema import SCHEMAS, Field, ObjectSchema, custom_field_type
from .timeutil import from_epoch, to_epoch

Record = dict[str, Any]
Deleted = bool | Literal["all"]
OrderSpec = tuple[tuple[str, bool], ...]  # (field, descending) pairs
_NEG_INF = float("-inf")
_POS_INF = float("inf")


class OrderIndex:
    """Records of one table sorted by an order spec, for keyset paging with ``bisect``.

    Each entry is the transformed sort key followed by the record id (the final tie-break, always
    ascending). Transforms make every key numeric so that one sorted list serves any direction:
    numbers are negated for ``DESC``; text sorts case-insensitively by its rank among the values
    present; nulls sort first ascending and last descending. After writes the index catches up
    from the table's change log (remove the old key, insert the new one) instead of re-sorting;
    indexes over text keys are rebuilt, as ranks may shift (they only exist on small tables).
    """

    def __init__(self, table: Table, order: OrderSpec) -> None:
        self.order = order
        self.version = table.version
        self._ranks: dict[str, list[str]] = {}
        types = [table.schema.fields[name].type for name, _ in order]
        for (name, _), kind in zip(order, types, strict=True):
            if kind == "str":
                values = {r.get(name) for r in table.records.values()}
                self._ranks[name] = sorted({v.casefold() for v in values if isinstance(v, str)})
        self._types = types
        keys = [self.record_key(rec, rid) for rid, rec in table.records.items()]
        keys.sort()
        self.keys: list[tuple[float, ...]] = keys

    @property
    def incremental(self) -> bool:
        return not self._ranks

    def part(self, position: int, value: Any) -> float:
        name, descending = self.order[position]
        if value is None:
            return _POS_INF if descending else _NEG_INF
        if self._types[position] == "str":
            ranks = self._ranks[name]
            folded = str(value).casefold()
            at = bisect_left(ranks, folded)
            found = at < len(ranks) and ranks[at] == folded
            number: float = 2 * at + 1 if found else 2 * at
        else:
            number = float(value) if isinstance(value, float) else int(value)
        return -number if descending else number

    def key(self, values: tuple[Any, ...], record_id: int) -> tuple[float, ...]:
        return (*(self.part(i, v) for i, v in enumerate(values)), record_id)

    def record_key(self, record: Mapping[str, Any], record_id: int) -> tuple[float, ...]:
        return self.key(tuple(record.get(name) for name, _ in self.order), record_id)

    def catch_up(self, table: Table, changes: list[tuple[int, Record | None]]) -> None:
        """Apply ``(id, record before the first change)`` pairs; the table has the rest."""
        keys = self.keys
        for record_id, before in changes:
            if before is not None:
                old = self.record_key(before, record_id)
                at = bisect_left(keys, old)
                if at < len(keys) and keys[at] == old:
                    del keys[at]
            current = table.records.get(record_id)
            if current is not None:
                insort(keys, self.record_key(current, record_id))
        self.version = table.version


class Table:
    _LOG_LIMIT = 20_000

    def __init__(self, schema: ObjectSchema, records: dict[int, Record] | None = None) -> None:
        self.schema = schema
        self.records: dict[int, Record] = records if records is not None else {}
        self.version = 0
        self._indexes: dict[OrderSpec, OrderIndex] = {}
        # (version after the change, record id, copy of the record before it or None)
        self._log: list[tuple[int, int, Record | None]] = []
        self._log_base = 0  # changes up to this version are not in the log

    def touch(self) -> None:
        """Some records changed in unknown ways: every index is rebuilt."""
        self.version += 1
        self._log.clear()
        self._log_base = self.version

    def changed(self, record_id: int, before: Record | None) -> None:
        """One record changed (``before`` is its earlier copy, None when it is new)."""
        self.version += 1
        if len(self._log) >= self._LOG_LIMIT:
            self._log.clear()
            self._log_base = self.version - 1
        self._log.append((self.version, record_id, before))

    def index(self, order: OrderSpec) -> OrderIndex:
        cached = self._indexes.get(order)
        if cached is not None and cached.version == self.version:
            return cached
        if cached is not None and cached.incremental and cached.version >= self._log_base:
            start = bisect_right(self._log, cached.version, key=lambda entry: entry[0])
            first: dict[int, Record | None] = {}
            for _, record_id, before in self._log[start:]:
                first.setdefault(record_id, before)
            cached.catch_up(self, list(first.items()))
            return cached
        built = OrderIndex(self, order)
        if len(self._indexes) >= 8:
            self._indexes.pop(next(iter(self._indexes)))
        self._indexes[order] = built
        return built

    def next_id(self) -> int:
        return max(self.records, default=1000) + 1


def is_deleted(record: Mapping[str, Any]) -> bool:
    return bool(record.get("isDeleted", False))


def deleted_matches(record: Mapping[str, Any], deleted: Deleted) -> bool:
    if deleted == "all":
        return True
    return is_deleted(record) is bool(deleted)


@dataclass
class GeneratedData:
    tables: dict[str, dict[int, Record]]
    special: dict[str, int] = field(default_factory=dict)


class Store:
    """All tables, the prospect schema with its custom fields, and test helpers."""

    def __init__(self, clock: Clock, timezone: tzinfo) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.timezone = timezone
        self.tables: dict[str, Table] = {}
        self.schemas: dict[str, ObjectSchema] = dict(SCHEMAS)
        self.special: dict[str, int] = {}
        """Named hard-case prospects (e.g. ``long_comments``, ``formula``) -> id."""

    # -- loading -----------------------------------------------------------------------------
    def load(self, data: GeneratedData) -> None:
        with self.lock:
            custom = self._custom_schema(data.tables.get("custom-fields", {}).values())
            self.schemas = dict(SCHEMAS)
            self.schemas["prospects"] = SCHEMAS["prospects"].with_custom_fields(custom)
            self.tables = {
                name: Table(schema, data.tables.get(name, {}))
                for name, schema in self.schemas.items()
            }
            self.special = dict(data.special)

    @staticmethod
    def _custom_schema(definitions: Iterable[Record]) -> dict[str, Field]:
        out: dict[str, Field] = {}
        for d in definitions:
            api = str(d.get("apiFieldId") or f"{d['fieldId']}__c")
            kind = custom_field_type(str(d.get("type")), bool(d.get("isRecordMultipleResponses")))
            out[api] = Field(api, kind, read_only=False, custom=True)
        return out

    # -- access ------------------------------------------------------------------------------
    def table(self, collection: str) -> Table:
        try:
            return self.tables[collection]
        except KeyError:
            raise KeyError(f"unknown collection {collection!r}") from None

    def now(self) -> int:
        return to_epoch(self.clock.now())

    def public(self, collection: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Every field of a record: nulls as None, datetimes as aware UTC datetimes."""
        out: dict[str, Any] = {}
        for name, spec in self.schemas[collection].fields.items():
            value = record.get(name, spec.default)
            if spec.type == "datetime" and value is not None:
                value = from_epoch(value)
            elif spec.type == "list" and value is not None:
                value = list(value)
            out[name] = value
        return out

    def get(self, collection: str, record_id: int) -> dict[str, Any] | None:
        with self.lock:
            record = self.table(collection).records.get(record_id)
            return None if record is None else self.public(collection, record)

    def prospect(self, prospect_id: int) -> dict[str, Any] | None:
        return self.get("prospects", prospect_id)

    def ids(self, collection: str = "prospects", deleted: Deleted = False) -> list[int]:
        """Ids in ascending order: live ones (default), recycle-bin ones (True) or ``"all"``."""
        with self.lock:
            records = self.table(collection).records
            return sorted(rid for rid, rec in records.items() if deleted_matches(rec, deleted))

    def count(self, collection: str = "prospects", deleted: Deleted = False) -> int:
        return len(self.ids(collection, deleted))

    def find(self, collection: str, **equals: Any) -> list[int]:
        """Ids whose fields equal the given values (datetimes compared as given)."""
        with self.lock:
            fields = self.schemas[collection].fields
            wanted = {k: self._stored(fields[k], v) for k, v in equals.items()}
            return sorted(
                rid
                for rid, rec in self.table(collection).records.items()
                if all(rec.get(k, fields[k].default) == v for k, v in wanted.items())
            )

    def list_id(self, name: str) -> int:
        found = self.find("lists", name=name)
        if not found:
            raise KeyError(f"no list named {name!r}")
        return found[0]

    # -- changes -----------------------------------------------------------------------------
    def _stored(self, spec: Field, value: Any) -> Any:
        if value is None:
            return spec.default
        if spec.type == "datetime":
            return to_epoch(value) if isinstance(value, datetime) else int(value)
        if spec.type == "list":
            return list(value)
        return value

    def write(
        self, collection: str, record_id: int, changes: Mapping[str, Any], *, touch: bool = True
    ) -> Record:
        """Apply changes (python values) to a record; ``touch`` sets ``updatedAt`` to now."""
        with self.lock:
            table = self.table(collection)
            record = table.records.get(record_id)
            if record is None:
                raise KeyError(f"{collection} {record_id} does not exist")
            fields = self.schemas[collection].fields
            before = dict(record)
            for name, value in changes.items():
                if name not in fields:
                    raise KeyError(f"{collection} have no field {name!r}")
                stored = self._stored(fields[name], value)
                if stored is None or stored is False:
                    record.pop(name, None)
                else:
                    record[name] = stored
            if touch and "updatedAt" not in changes:
                record["updatedAt"] = self.now()
            table.changed(record_id, before)
            return record

    def insert(self, collection: str, values: Mapping[str, Any]) -> int:
        with self.lock:
            table = self.table(collection)
            record_id = int(values.get("id") or table.next_id())
            if record_id in table.records:
                raise KeyError(f"{collection} {record_id} already exists")
            now = self.now()
            table.records[record_id] = {"id": record_id, "createdAt": now, "updatedAt": now}
            table.changed(record_id, None)
            rest = {k: v for k, v in values.items() if k != "id"}
            self.write(collection, record_id, rest, touch=False)
            return record_id

    def add_custom_field(self, field_id: str, name: str, kind: str = "text") -> str:
        """Create a prospect custom field (as an admin would in Pardot); returns its API name."""
        with self.lock:
            api = f"{field_id}__c"
            self.insert(
                "custom-fields",
                {
                    "fieldId": field_id,
                    "apiFieldId": api,
                    "name": name,
                    "type": kind,
                    "isRecordMultipleResponses": False,
                },
            )
            custom = self._custom_schema(self.table("custom-fields").records.values())
            self.schemas["prospects"] = SCHEMAS["prospects"].with_custom_fields(custom)
            self.tables["prospects"].schema = self.schemas["prospects"]
            return api

    def add_prospect(self, **values: Any) -> int:
        """Create a prospect (``email`` and any other fields); returns its id."""
        return self.insert("prospects", values)

    def update_prospect(self, prospect_id: int, **changes: Any) -> dict[str, Any]:
        """Change fields and bump ``updatedAt`` to the clock's now (unless given)."""
        with self.lock:
            return self.public("prospects", self.write("prospects", prospect_id, changes))

    def set_updated_at(self, ids: Iterable[int], when: datetime) -> None:
        with self.lock:
            for prospect_id in ids:
                self.write("prospects", prospect_id, {"updatedAt": when})

    def delete_prospect(self, prospect_id: int) -> None:
        """Move to the recycle bin (``isDeleted=true``, ``updatedAt`` bumped)."""
        self.write("prospects", prospect_id, {"isDeleted": True})

    def undelete_prospect(self, prospect_id: int) -> None:
        self.write("prospects", prospect_id, {"isDeleted": False})

    def purge_prospect(self, prospect_id: int) -> None:
        """Remove for good (emptied recycle bin): the record simply disappears."""
        with self.lock:
            table = self.table("prospects")
            before = table.records.pop(prospect_id)
            table.changed(prospect_id, before)

    def add_membership(self, list_id: int, prospect_id: int, *, opted_out: bool = False) -> int:
        """A live membership; does not change the prospect's ``updatedAt``."""
        return self.insert(
            "list-memberships",
            {"listId": list_id, "prospectId": prospect_id, "optedOut": opted_out},
        )

    def delete_membership(self, membership_id: int) -> None:
        self.write("list-memberships", membership_id, {"isDeleted": True})
