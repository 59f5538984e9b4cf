"""Request counting for run reports: every request sent, by what it does, and bytes sent.

Pure. The HTTP client subclass (:mod:`sheetsync.sheets.transport`) calls :meth:`Counters.count`
for every attempt it sends, so retries and gspread's own calls are counted too, and
:meth:`Counters.record_wait` each time quota pacing (:mod:`sheetsync.sheets.pacing`) held a
request back. Kinds use the API's method names (``spreadsheets.get``, ``values.batchUpdate``,
``developerMetadata.search``...); a request that only reads (including the POST
``developerMetadata:search``) is a read.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

READ_KINDS = frozenset(
    {
        "spreadsheets.get",
        "values.get",
        "values.batchGet",
        "values.batchGetByDataFilter",
        "developerMetadata.search",
        "developerMetadata.get",
        "drive.files.get",
        "drive.files.list",
    }
)

_SHEETS_PREFIX = "/v4/spreadsheets"


def request_kind(method: str, url: str) -> str:
    """The API method a request calls, from its HTTP method and URL (any host or path prefix)."""
    method = method.upper()
    path = urlsplit(url).path
    at = path.find(_SHEETS_PREFIX)
    if at < 0:
        if "/drive/" in path:
            if method == "GET":
                listing = path.rstrip("/").endswith("/files")
                return "drive.files.list" if listing else "drive.files.get"
            return {"POST": "drive.files.create", "DELETE": "drive.files.delete"}.get(
                method, "drive.files.update"
            )
        return f"other.{method.lower()}"
    rest = path[at + len(_SHEETS_PREFIX) :]
    if rest in ("", "/"):
        return "spreadsheets.create" if method == "POST" else f"spreadsheets.{method.lower()}"
    parts = rest.lstrip("/").split("/")
    head = parts[0]
    if len(parts) == 1:
        if head.endswith(":batchUpdate"):
            return "spreadsheets.batchUpdate"
        if head.endswith(":getByDataFilter"):
            return "spreadsheets.getByDataFilter"
        return "spreadsheets.get" if method == "GET" else f"spreadsheets.{method.lower()}"
    second = parts[1]
    if second.startswith("values"):
        if second.startswith("values:"):
            return "values." + second.split(":", 1)[1]
        tail = "/".join(parts[2:])
        for suffix in ("append", "clear"):
            if tail.endswith(":" + suffix):
                return "values." + suffix
        return {"GET": "values.get", "PUT": "values.update"}.get(method, "values.other")
    if second.startswith("developerMetadata"):
        if second.endswith(":search"):
            return "developerMetadata.search"
        return "developerMetadata.get" if method == "GET" else "developerMetadata.other"
    if second == "sheets":
        return "sheets.copyTo"
    return f"other.{method.lower()}"


def is_read(kind: str) -> bool:
    return kind in READ_KINDS


@dataclass(frozen=True)
class CountsSnapshot:
    """A frozen copy of the counters (for reports and assertions)."""

    read_requests: int
    write_requests: int
    bytes_sent: int
    by_kind: dict[str, int] = field(default_factory=dict)
    #: requests quota pacing held back, and the seconds they waited in all
    pacing_waits: int = 0
    pacing_wait_seconds: float = 0.0


class Counters:
    """Thread-safe request counters; :meth:`reset` at the start of a run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_kind: Counter[str] = Counter()
        self._bytes = 0
        self._waits = 0
        self._waited = 0.0

    def count(self, kind: str, body_bytes: int) -> None:
        with self._lock:
            self._by_kind[kind] += 1
            self._bytes += body_bytes

    def record_wait(self, seconds: float) -> None:
        """One request held back ``seconds`` by quota pacing."""
        with self._lock:
            self._waits += 1
            self._waited += seconds

    def reset(self) -> None:
        with self._lock:
            self._by_kind.clear()
            self._bytes = 0
            self._waits = 0
            self._waited = 0.0

    @property
    def read_requests(self) -> int:
        with self._lock:
            return sum(n for kind, n in self._by_kind.items() if is_read(kind))

    @property
    def write_requests(self) -> int:
        with self._lock:
            return sum(n for kind, n in self._by_kind.items() if not is_read(kind))

    @property
    def bytes_sent(self) -> int:
        """Request body bytes sent (what the report's ``bytes_sent`` means)."""
        with self._lock:
            return self._bytes

    @property
    def pacing_waits(self) -> int:
        """How many requests quota pacing held back."""
        with self._lock:
            return self._waits

    @property
    def pacing_wait_seconds(self) -> float:
        """Seconds requests spent waiting for quota pacing, in all."""
        with self._lock:
            return self._waited

    @property
    def by_kind(self) -> dict[str, int]:
        with self._lock:
            return dict(self._by_kind)

    def snapshot(self) -> CountsSnapshot:
        with self._lock:
            kinds = dict(self._by_kind)
            return CountsSnapshot(
                read_requests=sum(n for k, n in kinds.items() if is_read(k)),
                write_requests=sum(n for k, n in kinds.items() if not is_read(k)),
                bytes_sent=self._bytes,
                by_kind=kinds,
                pacing_waits=self._waits,
                pacing_wait_seconds=self._waited,
            )
