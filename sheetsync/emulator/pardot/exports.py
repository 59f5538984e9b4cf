"""Export API jobs (the v5 shape is UNCONFIRMED; this follows the contract the client uses).

``POST /api/v5/exports`` with ``{"object": "Prospect", "fields": [...], "procedure": {"name":
"filter_by_updated_at", "arguments": {"updated_after": DT, "updated_before": DT, "deleted":
"all"|"true"|"false"}}, "includeByteOrderMark": bool}`` snapshots the matching prospects at once;
``GET /api/v5/exports/<id>`` moves ``Waiting`` -> ``Processing`` -> ``Complete`` over
``export_polls_until_complete`` reads; ``resultRefs`` then lists ``…/results/<n>`` CSV files.

Decisions:

- Only ``object: "Prospect"`` (any letter case) is supported; another object is 154.
- ``updated_after`` is required (176); ``updated_before`` defaults to now; ``deleted`` defaults to
  ``"false"`` (live prospects only). Both bounds are inclusive. A range over 366 days, an
  ``updated_after`` later than ``updated_before``, an unreadable datetime or a bad ``deleted`` is
  177. Unknown argument 175, unknown procedure 174.
- Fields are checked like query fields (unknown -> 51); multi-valued custom fields are refused
  with 224, as on queries; more than 150 fields -> 154. ``maxFileSizeBytes`` and
  ``legacyDateFormat`` are accepted and ignored; other body keys -> 154.
- CSV: header row as the fields were written, CRLF line ends (Python's csv default), rows in a
  deterministic shuffle; null -> empty cell, booleans ``true``/``false``, datetimes local
  ``YYYY-MM-DD HH:MM:SS`` without offset; BOM only with ``includeByteOrderMark: true``.
- A download before ``Complete``, or after the results expired (7 days), is 178; an unknown
  export or file number is 109.
"""

from __future__ import annotations

import csv
import io
import random
import threading
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from .config import PardotEmulatorConfig
from .errors import PardotError
from .fields import csv_cell, parse_paths, resolve_path, unknown_field
from .store import Deleted, Store, deleted_matches
from .timeutil import DatetimeError, iso_local, parse_export_datetime

MAX_FIELDS = 150
MAX_RANGE_SECONDS = 366 * 86_400
RESULT_TTL_SECONDS = 7 * 86_400
ALLOWED_KEYS = frozenset(
    {
        "object",
        "fields",
        "procedure",
        "includeByteOrderMark",
        "maxFileSizeBytes",
        "legacyDateFormat",
    }
)
PROCEDURES = {"filter_by_updated_at": frozenset({"updated_after", "updated_before", "deleted"})}


@dataclass
class ExportJob:
    id: int
    fields: list[str]
    procedure: dict[str, Any]
    include_bom: bool
    created_at: int
    updated_at: int
    rows: list[list[str]]
    reads: int = 0
    status: str = "Waiting"
    files: list[list[list[str]]] = field(default_factory=list)


class Exports:
    def __init__(self, store: Store, config: PardotEmulatorConfig) -> None:
        self.store = store
        self.config = config  # polls and rows per file are read when used
        self._lock = threading.Lock()
        self._jobs: dict[int, ExportJob] = {}
        self._next_id = 5001

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()

    # -- create ------------------------------------------------------------------------------
    def create(self, body: Any) -> ExportJob:
        if not isinstance(body, dict):
            raise PardotError(150)
        for key in body:
            if key not in ALLOWED_KEYS:
                raise PardotError(154, key)
        obj = body.get("object")
        if obj is None:
            raise PardotError(153, "object")
        if not isinstance(obj, str) or obj.lower() != "prospect":
            raise PardotError(154, "object. Only Prospect exports are supported")
        fields = self._fields(body.get("fields"))
        include_bom = body.get("includeByteOrderMark", False)
        if not isinstance(include_bom, bool):
            raise PardotError(154, "includeByteOrderMark")
        procedure = body.get("procedure")
        if not isinstance(procedure, dict) or "name" not in procedure:
            raise PardotError(153, "procedure.name")
        after, before, deleted = self._arguments(procedure)
        now = self.store.now()
        with self._lock:
            export_id = self._next_id
            self._next_id += 1
        rows = self._snapshot(fields, after, before if before is not None else now, deleted)
        random.Random(export_id).shuffle(rows)  # nosec B311  # test data order, not security
        job = ExportJob(export_id, fields, procedure, include_bom, now, now, rows)
        with self._lock:
            self._jobs[export_id] = job
        return job

    def _fields(self, raw: Any) -> list[str]:
        if raw is None:
            raise PardotError(153, "fields")
        if not isinstance(raw, list) or not raw or not all(isinstance(f, str) for f in raw):
            raise PardotError(154, "fields. It must be a non-empty list of field names")
        names = [f.strip() for f in raw]
        if len(names) > MAX_FIELDS:
            raise PardotError(154, f"fields. At most {MAX_FIELDS} fields can be exported")
        if any(not n for n in names):
            raise unknown_field("")
        tree = parse_paths(self.store.schemas, "prospects", names)
        multi = tree.multi_valued()
        if multi:
            raise PardotError(224, ", ".join(multi))
        return names

    def _arguments(self, procedure: dict[str, Any]) -> tuple[float, float | None, Deleted]:
        name = procedure.get("name")
        allowed = PROCEDURES.get(str(name))
        if allowed is None:
            raise PardotError(174, str(name))
        arguments = procedure.get("arguments", {})
        if not isinstance(arguments, dict):
            raise PardotError(177, "arguments must be an object")
        for key in arguments:
            if key not in allowed:
                raise PardotError(175, key)
        if "updated_after" not in arguments:
            raise PardotError(176, "updated_after")
        tz = self.store.timezone
        after = self._datetime("updated_after", arguments["updated_after"], tz)
        before = None
        if arguments.get("updated_before") is not None:
            before = self._datetime("updated_before", arguments["updated_before"], tz)
        end = before if before is not None else float(self.store.now())
        if after > end:
            raise PardotError(177, "updated_after is later than updated_before")
        if end - after > MAX_RANGE_SECONDS:
            raise PardotError(177, "the updated_after..updated_before range exceeds one year")
        raw_deleted = str(arguments.get("deleted", "false")).lower()
        if raw_deleted not in ("all", "true", "false"):
            raise PardotError(177, "deleted must be all, true or false")
        deleted: Deleted = "all" if raw_deleted == "all" else raw_deleted == "true"
        return after, before, deleted

    @staticmethod
    def _datetime(name: str, raw: Any, tz: tzinfo) -> float:
        try:
            return parse_export_datetime(str(raw), tz)
        except DatetimeError as exc:
            raise PardotError(177, f"{name}: {exc}") from None

    def _snapshot(
        self, fields: list[str], after: float, before: float, deleted: Deleted
    ) -> list[list[str]]:
        store = self.store
        tz = store.timezone
        with store.lock:
            tables = store.tables

            def lookup(collection: str, record_id: int) -> Any:
                return tables[collection].records.get(record_id)

            plain = {n: store.schemas["prospects"].fields[n] for n in fields if "." not in n}
            rows: list[list[str]] = []
            for record in tables["prospects"].records.values():
                updated = record.get("updatedAt")
                if updated is None or not after <= updated <= before:
                    continue
                if not deleted_matches(record, deleted):
                    continue
                row: list[str] = []
                for name in fields:
                    spec = plain.get(name)
                    if spec is not None:
                        row.append(csv_cell(spec, record.get(name, spec.default), tz))
                    else:
                        spec, value = resolve_path(store.schemas, "prospects", name, record, lookup)
                        row.append(csv_cell(spec, value, tz))
                rows.append(row)
        return rows

    # -- read and download -------------------------------------------------------------------
    def _job(self, export_id: int) -> ExportJob:
        with self._lock:
            job = self._jobs.get(export_id)
        if job is None:
            raise PardotError(109)
        return job

    def read(self, export_id: int) -> ExportJob:
        job = self._job(export_id)
        with self._lock:
            job.reads += 1
            polls = self.config.export_polls_until_complete
            status = "Complete" if job.reads >= polls else "Processing"
            if status != job.status:
                job.status = status
                job.updated_at = self.store.now()
                if status == "Complete":
                    size = max(1, self.config.export_rows_per_file)
                    job.files = [job.rows[i : i + size] for i in range(0, len(job.rows), size)]
        return job

    def is_expired(self, job: ExportJob) -> bool:
        return job.status == "Complete" and self.store.now() - job.updated_at > RESULT_TTL_SECONDS

    def public(self, job: ExportJob, base_url: str) -> dict[str, Any]:
        tz = self.store.timezone
        expired = self.is_expired(job)
        refs: list[str] | None = None
        if job.status == "Complete" and not expired:
            refs = [
                f"{base_url}/api/v5/exports/{job.id}/results/{n}"
                for n in range(1, len(job.files) + 1)
            ]
        return {
            "id": job.id,
            "status": job.status,
            "isExpired": expired,
            "fields": list(job.fields),
            "procedure": job.procedure,
            "createdAt": iso_local(job.created_at, tz),
            "updatedAt": iso_local(job.updated_at, tz),
            "resultRefs": refs,
        }

    def download(self, export_id: int, number: int) -> bytes:
        job = self._job(export_id)
        if job.status != "Complete":
            raise PardotError(178, f"export {export_id} is {job.status}")
        if self.is_expired(job):
            raise PardotError(178, f"the results of export {export_id} have expired")
        if not 1 <= number <= len(job.files):
            raise PardotError(109)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(job.fields)
        writer.writerows(job.files[number - 1])
        text = buffer.getvalue()
        return ("\ufeff" + text if job.include_bom else text).encode("utf-8")
