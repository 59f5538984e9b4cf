"""Reading what a mapping needs from Pardot, with as few calls as the API allows.

- Full run: every record (``deleted=all``, ordered by id, past the 100,000-record chain cap).
- Incremental run: records updated since the watermark minus the lookback (``deleted=all``, so
  deletions are seen), ordered by ``updatedAt``.
- List filters (prospects): the current members of each list (``list-memberships`` with a
  ``listId`` filter; when the API refuses that filter, every membership is scanned once and
  filtered here), plus, on incremental runs, the memberships changed in the same window: a
  prospect newly added to a list without being updated itself, and not already in the sheet,
  is then read by id (a few at most; beyond :data:`MAX_READS_BY_ID` the run reads all prospects
  instead). A prospect that left the lists needs no read when the sheet shows its id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sheetsync.mapping import Mapping, Problem
from sheetsync.mapping.values import did_you_mean
from sheetsync.pardot import FieldError, PardotClient

log = logging.getLogger("sheetsync.engine")

MAX_READS_BY_ID = 20
LIST_FIELDS = ["id", "name"]


@dataclass
class SourceData:
    """What a run read. ``records`` streams (a full read is not held in memory): iterate it
    once; ``newest`` and ``count`` are known after that."""

    records: Iterable[dict[str, Any]]
    complete: bool  # every record of the object was read (a full run)
    members: set[int] | None = None  # current members of the mapping's lists (None: no lists)
    left_lists: set[int] = field(default_factory=set)  # prospects whose membership ended
    read_path: str = ""
    newest: datetime | None = None  # newest updatedAt among the records read
    count: int = 0

    def newest_update(self) -> datetime | None:
        return self.newest


def _tracked(
    records: Iterable[dict[str, Any]], data: SourceData, what: str, progress: Progress | None
) -> Iterator[dict[str, Any]]:
    """Pass records through, noting the newest updatedAt and telling ``progress`` how many
    were read every page or so."""
    newest_text: str | None = None
    for record in records:
        data.count += 1
        stamp = record.get("updatedAt")
        # Stamps with the same offset order as text, so most are not parsed. Across a DST change
        # the text test can miss a newer instant: that only keeps the watermark earlier (safe).
        if isinstance(stamp, str) and (newest_text is None or stamp > newest_text):
            moment = datetime.fromisoformat(stamp)
            if data.newest is None or moment > data.newest:
                data.newest, newest_text = moment, stamp
        if progress is not None and data.count % 1000 == 0:
            progress(what, data.count)
        yield record
    if progress is not None:
        progress(what, data.count)


@dataclass
class ListLookup:
    """The mapping's lists resolved to ids, and the names Pardot does not know."""

    ids: dict[str, int]
    missing: list[str]
    available: list[str]


def resolve_lists(
    pardot: PardotClient, wanted: Sequence[int | str], known: dict[str, int]
) -> ListLookup:
    """Names (case-insensitive) or ids -> ids; ``known`` is the cache kept in the sync state.

    One ``lists`` query when a name is not cached yet."""
    names = [w for w in wanted if isinstance(w, str) and w not in known]
    resolved = {k: v for k, v in known.items() if k in wanted}
    missing: list[str] = []
    available: list[str] = []
    if names:
        by_name: dict[str, int] = {}
        for record in pardot.query("lists", LIST_FIELDS, deleted="false"):
            name = str(record["name"]).strip()
            available.append(name)
            by_name.setdefault(name.casefold(), int(record["id"]))
        for name in names:
            found = by_name.get(name.strip().casefold())
            if found is None:
                missing.append(name)
            else:
                resolved[name] = found
    for item in wanted:
        if isinstance(item, int):
            resolved[str(item)] = item
    return ListLookup(resolved, missing, available)


def list_problems(mapping: Mapping, lookup: ListLookup) -> list[Problem]:
    """A problem (file, line, key, suggestion) per list name Pardot does not know."""
    problems = []
    for index, item in enumerate(mapping.source.lists):
        if item in lookup.missing:
            line, key = mapping.locate(("source", "lists", index))
            hint = did_you_mean(str(item), lookup.available)
            problems.append(
                Problem(mapping.file, line, key, f"Pardot has no list named {item!r}{hint}")
            )
    return problems


def list_members(pardot: PardotClient, list_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(list_ids))
    members: set[int] = set()
    try:
        for list_id in ids:
            for m in pardot.query("list-memberships", ["prospectId"], filters={"listId": list_id}):
                members.add(int(m["prospectId"]))
        return members
    except FieldError as exc:
        if exc.code not in (51, None):
            raise
        log.warning("pardot refused the listId filter (%s); scanning all memberships", exc)
    wanted = set(ids)
    for m in pardot.query("list-memberships", ["listId", "prospectId"]):
        if int(m["listId"]) in wanted:
            members.add(int(m["prospectId"]))
    return members


def changed_memberships(pardot: PardotClient, list_ids: Iterable[int], since: datetime) -> set[int]:
    """Prospects whose membership of one of the lists changed since ``since``."""
    wanted = set(list_ids)
    return {
        int(m["prospectId"])
        for m in pardot.query(
            "list-memberships",
            ["listId", "prospectId"],
            filters={"updatedAtAfterOrEqualTo": since},
            order_by="updatedAt",
            deleted="all",
        )
        if int(m["listId"]) in wanted
    }


Progress = Callable[[str, int], None]


#: Objects the Export API path can read (see ``sheetsync.pardot.export``).
EXPORTABLE = frozenset({"prospects"})


def _export(
    pardot: PardotClient,
    collection: str,
    fields: Sequence[str],
    members: set[int] | None,
    expected: int,
    export_above: int,
    now: datetime | None,
    progress: Progress | None,
) -> SourceData:
    """A full read through the Export API: one job per year of ``updatedAt`` from the oldest
    record to now, far fewer calls than paging a large account 1,000 records at a time."""
    until = now or datetime.now(UTC)
    oldest = pardot.oldest_update(collection) or until
    data = SourceData(
        (),
        True,
        members,
        read_path=(
            f"export (about {expected:,} records, over SHEETSYNC_EXPORT_ABOVE="
            f"{export_above:,}; updatedAt {oldest:%Y-%m-%d} to now)"
        ),
    )
    records = pardot.export(
        collection,
        list(fields),
        updated_after=oldest - timedelta(seconds=1),
        updated_before=until + timedelta(minutes=1),
    )
    data.records = _tracked(records, data, f"{collection} exported", progress)
    return data


def read_source(
    pardot: PardotClient,
    collection: str,
    fields: Sequence[str],
    *,
    since: datetime | None,
    list_ids: Sequence[int] = (),
    present: set[int] | None = None,
    progress: Progress | None = None,
    expected: int | None = None,
    export_above: int = 0,
    now: datetime | None = None,
) -> SourceData:
    """Records for a full run (``since`` None) or an incremental one.

    ``present``: ids of the prospects whose rows are in the sheet (None when the sheet shows no
    ids); only list changes of other prospects need their record read."""
    members = list_members(pardot, list_ids) if list_ids else None
    what = f"{collection} read"
    if (
        since is None
        and export_above
        and expected is not None
        and expected > export_above
        and collection in EXPORTABLE
    ):
        return _export(pardot, collection, fields, members, expected, export_above, now, progress)
    if since is None:
        why = (
            f"about {expected:,} records, not over SHEETSYNC_EXPORT_ABOVE={export_above:,}"
            if expected is not None and export_above and collection in EXPORTABLE
            else "full"
        )
        full = SourceData((), True, members, read_path=f"query ({why}, by id)")
        full.records = _tracked(
            pardot.query(collection, fields, order_by="id", deleted="all"), full, what, progress
        )
        return full
    records = list(
        pardot.query(
            collection,
            fields,
            filters={"updatedAtAfterOrEqualTo": since},
            order_by="updatedAt",
            deleted="all",
        )
    )
    data = SourceData(records, False, members, read_path="query (incremental, by updatedAt)")
    if members is not None:
        touched = changed_memberships(pardot, list_ids, since)
        data.left_lists = touched - members
        seen = {int(r["id"]) for r in records}
        joined = (touched & members) - seen
        left = data.left_lists - seen
        # Without ids in the sheet, every list change needs its record (for its key).
        missing = sorted(joined) + sorted(left) if present is None else sorted(joined - present)
        if len(missing) > MAX_READS_BY_ID:
            log.info("%d list changes without a record update: reading every record", len(missing))
            data.complete = True
            data.read_path = "query (full, by id: many list changes)"
            data.records = pardot.query(collection, fields, order_by="id", deleted="all")
        else:
            for prospect_id in missing:
                record = pardot.read(collection, prospect_id, fields, deleted="all")
                if record is not None:
                    records.append(record)
    data.records = _tracked(data.records, data, what, progress)
    return data
