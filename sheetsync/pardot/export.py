"""The Export API (bulk reads): create a job, poll it, download its CSV files.

UNCONFIRMED: no recording of the v5 Export API exists. The path, the object and procedure
names, the argument names, the status values and the CSV date format below come from the v3/v4
documentation and the v5 field tables (spec/pardot-v5.md §7); they are all in this block so a
correction is one edit. The client tolerates ``status`` or ``state``, any letter case, and
``resultRefs`` as a string or a list. An export range may span at most one year, so a longer
backfill is split into several jobs. CSV cells are untyped: an empty cell is ``None`` and a
datetime without an offset is in the account's time zone; both are coerced through the field
catalogue into the same record shape a query returns.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from tenacity import Retrying, retry_if_result, stop_after_delay, wait_exponential

from sheetsync.pardot.catalogue import FieldCatalogue
from sheetsync.pardot.errors import PardotError

if TYPE_CHECKING:
    from sheetsync.pardot.client import PardotClient

log = logging.getLogger("sheetsync.pardot")

# --- the unconfirmed wire protocol ------------------------------------------------------------
EXPORT_PATH = "/api/v5/exports"
OBJECT_NAMES = {"prospects": "Prospect"}
PROCEDURE = "filter_by_updated_at"
ARG_AFTER = "updated_after"
ARG_BEFORE = "updated_before"
ARG_DELETED = "deleted"
STATUS_DONE = frozenset({"complete", "completed"})
STATUS_FAILED = frozenset({"failed", "canceled", "cancelled", "expired"})
MAX_RANGE = timedelta(days=365)
MAX_FIELDS = 150
# ------------------------------------------------------------------------------------------------

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


@dataclass(frozen=True)
class ExportJob:
    id: int
    status: str
    result_refs: tuple[str, ...]
    expired: bool

    @property
    def done(self) -> bool:
        return self.status.lower() in STATUS_DONE

    @property
    def failed(self) -> bool:
        return self.expired or self.status.lower() in STATUS_FAILED

    @classmethod
    def from_api(cls, body: Any) -> ExportJob:
        data = body.get("export", body) if isinstance(body, dict) else {}
        refs = data.get("resultRefs") or ()
        if isinstance(refs, str):
            refs = (refs,)
        job_id = data.get("id")
        if not isinstance(job_id, int | str):
            raise PardotError(f"export answer has no id: {str(body)[:200]}")
        return cls(
            id=int(job_id),
            status=str(data.get("status") or data.get("state") or ""),
            result_refs=tuple(str(r) for r in refs),
            expired=bool(data.get("isExpired")),
        )


def year_windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Split [start, end] into consecutive windows of at most one year each."""
    if end < start:
        raise ValueError("export range ends before it starts")
    windows = []
    cursor = start
    while True:
        stop = min(cursor + MAX_RANGE, end)
        windows.append((cursor, stop))
        if stop >= end:
            return windows
        cursor = stop


def coerce(value: str | None, kind: str | None, tz: tzinfo) -> Any:
    """One CSV cell as the JSON query API would have given it."""
    if value is None or value == "":
        return None
    try:
        if kind == "integer":
            number = float(value)
            return int(number) if number.is_integer() else number
        if kind == "float":
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
        if kind == "boolean":
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            return value
        if kind == "datetime":
            return _datetime(value, tz)
        if kind == "date":
            return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return value  # keep what Pardot sent rather than lose it; the transform reports it
    return value


def _datetime(value: str, tz: tzinfo) -> str:
    text = value.strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)  # also reads "YYYY-MM-DD HH:MM:SS"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.isoformat(timespec="seconds")


def parse_csv(
    text: str, fields: list[str], catalogue: FieldCatalogue, tz: tzinfo
) -> Iterator[dict[str, Any]]:
    """Rows of one result file as query-shaped records keyed by ``fields``."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip() for h in header]
    if set(header) == set(fields):
        names = header
    elif len(header) == len(fields):
        log.warning(
            "pardot export: CSV header %s differs from the fields; reading by position", header
        )
        names = list(fields)
    else:
        raise PardotError(
            f"export CSV header {header} does not match the requested fields {fields}"
        )
    kinds = [catalogue.type_of(name) for name in names]
    local = LocalTimes(tz)
    batch: list[list[str]] = []
    for row in reader:
        if not row:
            continue
        if len(row) != len(names):
            raise PardotError(
                f"export CSV row has {len(row)} cells, expected {len(names)}: refusing to guess"
            )
        batch.append(row)
        if len(batch) == _BATCH:
            yield from _records(batch, names, kinds, local)
            batch = []
    yield from _records(batch, names, kinds, local)


_BATCH = 2000


class LocalTimes:
    """Offset-less local times of the export files, given the account zone's offset.

    The offset is looked up once per hour of the day and used for the whole hour when the zone
    keeps one offset through it (an hour holding a DST change goes through :func:`coerce`)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._by_hour: dict[str, str] = {}

    def __call__(self, value: str) -> Any:
        if len(value) == 19 and value[10] == " ":
            offset = self._offset(value[:13])
            if offset:
                return f"{value[:10]}T{value[11:]}{offset}"
        return coerce(value, "datetime", self.tz)

    def _offset(self, hour: str) -> str:
        found = self._by_hour.get(hour)
        if found is None:
            try:
                start = datetime.fromisoformat(hour + ":00:00").replace(tzinfo=self.tz)
                end = datetime.fromisoformat(hour + ":59:59").replace(tzinfo=self.tz)
            except ValueError:
                found = ""
            else:
                same = start.utcoffset() == end.utcoffset()
                found = start.isoformat(timespec="seconds")[19:] if same else ""
            self._by_hour[hour] = found
        return found


def _records(
    rows: list[list[str]], names: list[str], kinds: Sequence[str | None], local: LocalTimes
) -> Iterator[dict[str, Any]]:
    """Rows coerced column by column: text (most cells) passes without a call."""
    if not rows:
        return
    columns = []
    for column, kind in zip(zip(*rows, strict=True), kinds, strict=True):
        if kind in (None, "string"):
            columns.append([cell if cell else None for cell in column])
        elif kind == "datetime":
            columns.append([local(cell) if cell else None for cell in column])
        else:
            columns.append([coerce(cell, kind, local.tz) if cell else None for cell in column])
    for values in zip(*columns, strict=True):
        yield dict(zip(names, values, strict=True))


class Exporter:
    """Runs prospect exports through a :class:`PardotClient` (counted, capped, retried)."""

    def __init__(
        self,
        client: PardotClient,
        *,
        poll_initial_seconds: float = 5.0,
        poll_max_seconds: float = 120.0,
        give_up_after_seconds: float = 3600.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._client = client
        self._poll_initial = poll_initial_seconds
        self._poll_max = poll_max_seconds
        self._give_up = give_up_after_seconds
        self._sleep = sleep
        self.jobs: list[ExportJob] = []

    def export(
        self,
        collection: str,
        fields: Iterable[str],
        *,
        updated_after: datetime,
        updated_before: datetime,
        catalogue: FieldCatalogue,
        tz: tzinfo,
        deleted: str = "all",
    ) -> Iterator[dict[str, Any]]:
        names = list(fields)
        if collection not in OBJECT_NAMES:
            raise PardotError(
                f"the Export API path supports {sorted(OBJECT_NAMES)}, not {collection}"
            )
        if len(names) > MAX_FIELDS:
            raise PardotError(f"an export takes at most {MAX_FIELDS} fields, got {len(names)}")
        catalogue.validate(names)
        if "id" not in names:
            names.append("id")
        seen: set[int] = set()
        for start, end in year_windows(updated_after, updated_before):
            job = self._create(collection, names, start, end, deleted)
            job = self._wait(job)
            for ref in job.result_refs:
                for record in parse_csv(self._download(ref), names, catalogue, tz):
                    record_id = record.get("id")
                    # Windows share their boundary second; files are unordered.
                    if isinstance(record_id, int):
                        if record_id in seen:
                            continue
                        seen.add(record_id)
                    yield record

    def _create(
        self, collection: str, fields: list[str], start: datetime, end: datetime, deleted: str
    ) -> ExportJob:
        body = {
            "object": OBJECT_NAMES[collection],
            "fields": fields,
            "procedure": {
                "name": PROCEDURE,
                "arguments": {
                    ARG_AFTER: start.astimezone(UTC).isoformat(timespec="seconds"),
                    ARG_BEFORE: end.astimezone(UTC).isoformat(timespec="seconds"),
                    ARG_DELETED: deleted,
                },
            },
        }
        job = ExportJob.from_api(self._client.request("POST", EXPORT_PATH, json=body).json())
        self.jobs.append(job)
        log.info("pardot export %s created for %s .. %s", job.id, start, end)
        return job

    def _wait(self, job: ExportJob) -> ExportJob:
        def read(current: ExportJob) -> ExportJob:
            return ExportJob.from_api(self._client.get_json(f"{EXPORT_PATH}/{current.id}"))

        retrying = Retrying(
            retry=retry_if_result(lambda j: not (j.done or j.failed)),
            wait=wait_exponential(multiplier=self._poll_initial, max=self._poll_max),
            stop=stop_after_delay(self._give_up),
            sleep=self._sleep or self._client.sleep,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else job,
        )
        current = job if job.done else retrying(read, job)
        if current.failed or not current.done:
            raise PardotError(
                f"export {job.id} ended as '{current.status or 'unknown'}'"
                + (" (expired)" if current.expired else "")
                + " without results"
            )
        return current

    def _download(self, ref: str) -> str:
        url = urljoin(self._client.config.pardot_url + "/", ref)
        if not self._client.is_pardot_url(url):
            raise PardotError(f"export result is on another host; not sending the token: {ref}")
        return self._client.request("GET", url).text
