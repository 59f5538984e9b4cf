"""The Sheets API v4 (and a sliver of Drive v3) as an :class:`EmulatorApp`.

Every request is routed once (:func:`route`), which gives both its stats kind and its handler.
Writes run on a clone of the spreadsheet and are committed only when the whole request
succeeded. One lock serialises requests, so two concurrent batches never interleave.
"""

from __future__ import annotations

import json
import random
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from ..httpbase import Clock, EmulatorApp, Fault, Request, Response, has_lone_surrogate
from . import batch, metadata, protection, values
from .context import Context
from .drive import SPREADSHEET_MIME, DriveError, drive_json, query_matches
from .errors import ApiError, bad_request, not_found, permission_denied, quota_exceeded
from .masks import mask, project
from .model import Spreadsheet
from .numberformat import datetime_to_serial
from .quota import PROJECT_NUMBER, QuotaConfig, QuotaMeter
from .render import Renderer
from .resource import new_properties, spreadsheet_json
from .sheetops import new_sheet
from .snapshot import snapshot

DEFAULT_METADATA_LIMIT = 30_000

READ_KINDS = frozenset(
    {
        "spreadsheets.get",
        "values.get",
        "values.batchGet",
        "developerMetadata.search",
        "developerMetadata.get",
    }
)
WRITE_KINDS = frozenset(
    {
        "spreadsheets.create",
        "spreadsheets.batchUpdate",
        "values.update",
        "values.batchUpdate",
        "values.append",
        "values.clear",
        "values.batchClear",
    }
)
_ID_CHARS = string.ascii_letters + string.digits + "-_"


@dataclass(frozen=True)
class Route:
    kind: str
    spreadsheet_id: str = ""
    range: str = ""
    item: str = ""  # a metadata id or a Drive file id


def route(method: str, path: str) -> Route:
    """Map a request to its API method (``other`` when the emulator does not serve it)."""
    base = "/v4/spreadsheets"
    if path.rstrip("/") == base:
        return Route("spreadsheets.create" if method == "POST" else "other")
    if path.startswith(base + "/"):
        return _sheets_route(method, path[len(base) + 1 :])
    drive = "/drive/v3/files"
    if path.rstrip("/") == drive:
        return Route({"POST": "drive.files.create", "GET": "drive.files.list"}.get(method, "other"))
    if path.startswith(drive + "/"):
        file_id = unquote(path[len(drive) + 1 :])
        kind = {"DELETE": "drive.files.delete", "GET": "drive.files.get"}.get(method, "other")
        return Route(kind, item=file_id)
    return Route("other")


def _sheets_route(method: str, rest: str) -> Route:
    head, slash, tail = rest.partition("/")
    if not slash:
        sid, _, verb = head.partition(":")
        if not verb and method == "GET":
            return Route("spreadsheets.get", sid)
        if verb == "batchUpdate" and method == "POST":
            return Route("spreadsheets.batchUpdate", sid)
        return Route("other", sid)
    sid = head
    if tail.startswith("values:"):
        verb = tail[len("values:") :]
        wanted = {"batchGet": "GET", "batchUpdate": "POST", "batchClear": "POST"}
        if wanted.get(verb) == method:
            return Route(f"values.{verb}", sid)
        return Route("other", sid)
    if tail.startswith("values/"):
        text = unquote(tail[len("values/") :])
        if method == "POST":
            for verb in ("append", "clear"):
                if text.endswith(":" + verb):
                    return Route(f"values.{verb}", sid, text[: -len(verb) - 1])
            return Route("other", sid)
        if method == "GET":
            return Route("values.get", sid, text)
        if method == "PUT":
            return Route("values.update", sid, text)
        return Route("other", sid)
    if tail == "developerMetadata:search" and method == "POST":
        return Route("developerMetadata.search", sid)
    if tail.startswith("developerMetadata/") and method == "GET":
        return Route("developerMetadata.get", sid, item=tail[len("developerMetadata/") :])
    return Route("other", sid)


class SheetsApp(EmulatorApp):
    name = "sheets"

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        cell_limit: int = 10_000_000,
        quota: QuotaConfig | None = None,
        metadata_limit: int = DEFAULT_METADATA_LIMIT,
        seed: int | None = None,
    ) -> None:
        super().__init__(clock)
        self.cell_limit = cell_limit
        self.metadata_limit = metadata_limit
        self._initial_quota = quota
        self.quota = QuotaMeter(quota)
        self._rng = random.Random(seed)  # nosec B311  # emulator ids, seeded for tests
        self._lock = threading.RLock()
        self._books: dict[str, Spreadsheet] = {}

    # -- EmulatorApp hooks -------------------------------------------------------------------
    def classify(self, request: Request) -> str:
        kind = route(request.method, request.path).kind
        return "other" if kind in ("drive.files.get", "drive.files.list") else kind

    def handle(self, request: Request) -> Response:
        target = route(request.method, request.path)
        if request.body and has_lone_surrogate(request.body):
            # Google's JSON parser refuses text that is not valid Unicode.
            invalid = bad_request(
                "Invalid JSON payload received. Invalid UTF-16 text (lone surrogate)."
            )
            return Response.json(400, invalid.body())
        try:
            if target.kind in READ_KINDS or target.kind in WRITE_KINDS:
                self.quota.charge(
                    "read" if target.kind in READ_KINDS else "write",
                    request.header("authorization"),
                    self.clock.now().timestamp(),
                )
            handler = self._handlers().get(target.kind)
            if handler is None:
                raise ApiError(404, f"Method not found: {request.method} {request.path}")
            with self._lock:
                status, body = handler(target, request)
        except ApiError as error:
            return Response.json(error.code, error.body())
        except json.JSONDecodeError as exc:
            invalid = bad_request(f"Invalid JSON payload received. {exc.msg}.")
            return Response.json(400, invalid.body())
        if status == 204:
            return Response(204)
        fields = request.param("fields")
        if fields and target.kind != "spreadsheets.get":
            body = project(body, _mask(fields))
        return Response.json(status, body)

    def fault_response(self, fault: Fault, request: Request) -> Response:
        code = fault.code or 503
        kind = self.classify(request)
        if code == 429:
            config = self.quota.config
            limit = 60
            if config is not None:
                chosen = config.read_per_minute if kind in READ_KINDS else config.write_per_minute
                limit = chosen if chosen is not None else 60
            error = quota_exceeded("read" if kind in READ_KINDS else "write", limit, PROJECT_NUMBER)
            if fault.message:
                error.message = fault.message
        else:
            error = ApiError(code, fault.message)
        return Response.json(fault.status or code, error.body())

    def internal_error(self, exc: Exception) -> Response:
        error = ApiError(500, f"Internal error encountered. (emulator: {type(exc).__name__})")
        return Response.json(500, error.body())

    def control(self, action: str, request: Request) -> Response | None:
        if action == "quota":
            if request.method == "POST":
                self.set_quota(QuotaConfig.from_json(request.json()))
            config = self.quota.config
            return Response.json(200, {"quota": config.public() if config else None})
        if action == "spreadsheets" and request.method == "POST":
            body = request.json() or {}
            sid = self.create_spreadsheet(
                str(body.get("title") or "Untitled spreadsheet"),
                body.get("sheets"),
                body.get("spreadsheetId"),
            )
            if body.get("shared") is False:
                self.set_shared(sid, False)
            return Response.json(200, {"spreadsheetId": sid})
        if action.startswith("spreadsheets/"):
            sid = unquote(action[len("spreadsheets/") :])
            if sid not in self._books:
                return Response.json(404, {"error": f"no spreadsheet {sid}"})
            if request.method == "POST":
                body = request.json() or {}
                if "shared" in body:
                    self.set_shared(sid, bool(body["shared"]))
            return Response.json(200, self.snapshot(sid))
        return None

    def reset(self) -> None:
        with self._lock:
            self._books.clear()
            self.quota.configure(self._initial_quota)

    # -- Python API (used by SheetsEmulator) ---------------------------------------------------
    def create_spreadsheet(
        self,
        title: str,
        sheets: list[str] | list[dict[str, Any]] | None = None,
        spreadsheet_id: str | None = None,
    ) -> str:
        props: list[dict[str, Any]] = []
        for item in sheets or []:
            props.append({"title": item} if isinstance(item, str) else dict(item))
        with self._lock:
            if spreadsheet_id is not None and spreadsheet_id in self._books:
                raise ValueError(f"spreadsheet {spreadsheet_id} already exists")
            book = self._new_book(
                {"properties": {"title": title}, "sheets": [{"properties": p} for p in props]},
                spreadsheet_id=spreadsheet_id,
            )
            return book.id

    def snapshot(self, spreadsheet_id: str) -> dict[str, Any]:
        with self._lock:
            book = self._books.get(spreadsheet_id)
            if book is None:
                raise KeyError(spreadsheet_id)
            return snapshot(book)

    def set_shared(self, spreadsheet_id: str, shared: bool) -> None:
        with self._lock:
            self._books[spreadsheet_id].shared = shared

    def add_locked_range(
        self, spreadsheet_id: str, title: str, bounds: dict[str, int], owner: str
    ) -> int:
        with self._lock:
            book = self._books[spreadsheet_id]
            sheet = next(s for s in book.sheets if s.title == title)
            taken = {p["protectedRangeId"] for s in book.sheets for p in s.protected}
            range_id = self._context(book).new_id(taken)
            protection.add_locked_range(sheet, range_id, bounds, owner)
            return range_id

    def remove_protection(self, spreadsheet_id: str, range_id: int) -> None:
        with self._lock:
            for sheet in self._books[spreadsheet_id].sheets:
                sheet.protected = [p for p in sheet.protected if p["protectedRangeId"] != range_id]

    def set_quota(self, config: QuotaConfig | None) -> None:
        self.quota.configure(config)

    def spreadsheet_ids(self) -> list[str]:
        with self._lock:
            return list(self._books)

    # -- helpers -----------------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.clock.now()

    def _now_serial(self) -> float:
        return float(datetime_to_serial(self._now().astimezone(UTC).replace(tzinfo=None)))

    def _renderer(self, book: Spreadsheet) -> Renderer:
        return Renderer(book, self._now_serial())

    def _context(self, book: Spreadsheet) -> Context:
        return Context(book, self._rng, self.cell_limit, self.metadata_limit)

    def _new_id(self) -> str:
        while True:
            sid = "1" + "".join(self._rng.choice(_ID_CHARS) for _ in range(43))
            if sid not in self._books:
                return sid

    def _new_book(self, body: Any, spreadsheet_id: str | None = None) -> Spreadsheet:
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise bad_request("Invalid JSON payload received.")
        props = body.get("properties") or {}
        if not isinstance(props, dict):
            raise bad_request("Invalid value at 'spreadsheet.properties'.")
        properties = new_properties(
            str(props.get("title") or "Untitled spreadsheet"),
            str(props.get("locale") or "en_US"),
            str(props.get("timeZone") or "Etc/GMT"),
        )
        book = Spreadsheet(spreadsheet_id or self._new_id(), properties, self._now())
        ctx = self._context(book)
        sheets = body.get("sheets") or [{}]
        if not isinstance(sheets, list):
            raise bad_request("Invalid value at 'spreadsheet.sheets'.")
        for i, sheet in enumerate(sheets):
            new_sheet(
                ctx,
                (sheet or {}).get("properties") if isinstance(sheet, dict) else None,
                first=i == 0,
            )
        self._books[book.id] = book
        return book

    def _book(self, spreadsheet_id: str) -> Spreadsheet:
        book = self._books.get(spreadsheet_id)
        if book is None:
            raise not_found()
        if not book.shared:
            raise permission_denied()
        return book

    def _write(
        self, spreadsheet_id: str, operation: Callable[[Context], Any]
    ) -> tuple[Spreadsheet, Any]:
        """Run a write on a clone; commit it only if nothing raised."""
        current = self._book(spreadsheet_id)
        clone = current.clone()
        result = operation(self._context(clone))
        protection.check_locked(current, clone)
        clone.modified = self._now()
        self._books[spreadsheet_id] = clone
        return clone, result

    def _handlers(self) -> dict[str, Callable[[Route, Request], tuple[int, Any]]]:
        return {
            "spreadsheets.create": self._create,
            "spreadsheets.get": self._get,
            "spreadsheets.batchUpdate": self._batch_update,
            "values.get": self._values_get,
            "values.batchGet": self._values_batch_get,
            "values.update": self._values_update,
            "values.batchUpdate": self._values_batch_update,
            "values.append": self._values_append,
            "values.clear": self._values_clear,
            "values.batchClear": self._values_batch_clear,
            "developerMetadata.search": self._metadata_search,
            "developerMetadata.get": self._metadata_get,
            "drive.files.create": self._drive_create,
            "drive.files.delete": self._drive_delete,
            "drive.files.get": self._drive_get,
            "drive.files.list": self._drive_list,
        }

    # -- Sheets handlers ---------------------------------------------------------------------
    def _create(self, target: Route, request: Request) -> tuple[int, Any]:
        book = self._new_book(request.json())
        return 200, spreadsheet_json(self._renderer(book), tree=None, include_grid=False, ranges=[])

    def _get(self, target: Route, request: Request) -> tuple[int, Any]:
        book = self._book(target.spreadsheet_id)
        fields = request.param("fields")
        return 200, spreadsheet_json(
            self._renderer(book),
            tree=_mask(fields) if fields else None,
            include_grid=values.truthy(request.param("includeGridData")),
            ranges=request.query.get("ranges", []),
        )

    def _batch_update(self, target: Route, request: Request) -> tuple[int, Any]:
        body = request.json()
        book, replies = self._write(target.spreadsheet_id, lambda ctx: batch.apply_batch(ctx, body))
        out: dict[str, Any] = {"spreadsheetId": book.id, "replies": replies}
        if isinstance(body, dict) and body.get("includeSpreadsheetInResponse"):
            out["updatedSpreadsheet"] = spreadsheet_json(
                self._renderer(book),
                tree=None,
                include_grid=bool(body.get("responseIncludeGridData")),
                ranges=list(body.get("responseRanges") or []),
            )
        return 200, out

    def _values_get(self, target: Route, request: Request) -> tuple[int, Any]:
        book = self._book(target.spreadsheet_id)
        return 200, values.get(self._renderer(book), target.range, request.param)

    def _values_batch_get(self, target: Route, request: Request) -> tuple[int, Any]:
        book = self._book(target.spreadsheet_id)
        ranges = request.query.get("ranges", [])
        return 200, values.batch_get(self._renderer(book), ranges, request.param)

    def _values_update(self, target: Route, request: Request) -> tuple[int, Any]:
        body = request.json()
        book, written = self._write(
            target.spreadsheet_id, lambda ctx: values.update(ctx, target.range, request.param, body)
        )
        return 200, values.update_response(written, self._renderer(book), request.param)

    def _values_batch_update(self, target: Route, request: Request) -> tuple[int, Any]:
        body = request.json()
        book, (results, parsed) = self._write(
            target.spreadsheet_id, lambda ctx: values.batch_update(ctx, body)
        )
        return 200, values.batch_update_response(results, parsed, self._renderer(book))

    def _values_append(self, target: Route, request: Request) -> tuple[int, Any]:
        body = request.json()
        book, (written, table) = self._write(
            target.spreadsheet_id, lambda ctx: values.append(ctx, target.range, request.param, body)
        )
        return 200, values.append_response(written, table, self._renderer(book), request.param)

    def _values_clear(self, target: Route, request: Request) -> tuple[int, Any]:
        book, cleared = self._write(
            target.spreadsheet_id, lambda ctx: values.clear(ctx, target.range)
        )
        return 200, {"spreadsheetId": book.id, "clearedRange": cleared}

    def _values_batch_clear(self, target: Route, request: Request) -> tuple[int, Any]:
        body = request.json()
        book, cleared = self._write(
            target.spreadsheet_id, lambda ctx: values.batch_clear(ctx, body)
        )
        out: dict[str, Any] = {"spreadsheetId": book.id}
        if cleared:
            out["clearedRanges"] = cleared
        return 200, out

    def _metadata_search(self, target: Route, request: Request) -> tuple[int, Any]:
        book = self._book(target.spreadsheet_id)
        return 200, metadata.search(book, request.json())

    def _metadata_get(self, target: Route, request: Request) -> tuple[int, Any]:
        book = self._book(target.spreadsheet_id)
        try:
            md_id = int(target.item)
        except ValueError:
            raise bad_request(
                f"Invalid value at 'metadata_id' (TYPE_INT32), \"{target.item}\""
            ) from None
        md = book.metadata.get(md_id)
        if md is None:
            raise not_found()
        return 200, metadata.metadata_json(md)

    # -- Drive handlers ----------------------------------------------------------------------
    def _drive_create(self, target: Route, request: Request) -> tuple[int, Any]:
        body = request.json() or {}
        mime = body.get("mimeType")
        if mime != SPREADSHEET_MIME:
            raise bad_request(
                f"The emulator's Drive only creates spreadsheets ({SPREADSHEET_MIME})."
            )
        name = str(body.get("name") or "Untitled spreadsheet")
        book = self._new_book({"properties": {"title": name}})
        return 200, {"kind": "drive#file", "id": book.id, "name": book.title, "mimeType": mime}

    def _drive_file(self, file_id: str) -> Spreadsheet:
        book = self._books.get(file_id)
        if book is None or not book.shared:
            raise DriveError(404, f"File not found: {file_id}.")
        return book

    def _drive_delete(self, target: Route, request: Request) -> tuple[int, Any]:
        self._drive_file(target.item)
        del self._books[target.item]
        return 204, None

    def _drive_get(self, target: Route, request: Request) -> tuple[int, Any]:
        book = self._drive_file(target.item)
        return 200, drive_json(book, request.param("fields"))

    def _drive_list(self, target: Route, request: Request) -> tuple[int, Any]:
        query = request.param("q") or ""
        files = [b for b in self._books.values() if b.shared and query_matches(b, query)]
        body: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [drive_json(b, None, full=True) for b in files],
        }
        fields = request.param("fields")
        return 200, project(body, _mask(fields)) if fields else body


def _mask(fields: str) -> Any:
    try:
        return mask(fields)
    except ValueError as exc:
        raise bad_request(f"Invalid field selection: {exc}") from None
