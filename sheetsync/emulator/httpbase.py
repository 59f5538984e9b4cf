"""What both emulators share: a real HTTP/1.1 server on loopback, request counting, fault
injection and the ``/_emulator/`` control paths.

An emulator is an :class:`EmulatorApp` (routing and API semantics) served by an
:class:`EmulatorServer` (sockets, threads, faults, stats). The same controls are reachable over
HTTP on the emulator's own origin and from Python:

- ``GET  /_emulator/stats``  -> :meth:`EmulatorServer.stats`
- ``POST /_emulator/faults`` -> :meth:`EmulatorServer.add_faults` (one fault object or a list)
- ``DELETE /_emulator/faults`` -> :meth:`EmulatorServer.clear_faults`
- ``POST /_emulator/reset``  -> :meth:`EmulatorServer.reset`
- anything else under ``/_emulator/`` goes to :meth:`EmulatorApp.control`.

Control requests are not counted in the stats and never hit faults.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

FaultKind = Literal["error", "drop", "latency", "apply_then_error", "apply_then_drop"]
FAULT_KINDS: tuple[str, ...] = ("error", "drop", "latency", "apply_then_error", "apply_then_drop")
CONTROL_PREFIX = "/_emulator/"


@dataclass
class Fault:
    """One queued fault.

    ``target`` is an endpoint kind as counted in the stats (e.g. ``prospects.query``) or ``any``.
    The fault lets ``after`` matching requests through, then affects the next ``times`` ones.
    ``code`` means what the emulator makes of it: a Pardot error code, or an HTTP status for
    Google. ``status`` overrides the HTTP status where an emulator allows it. ``seconds`` is the
    delay of a ``latency`` fault (longer than the client's timeout makes a timeout).
    """

    kind: FaultKind
    target: str = "any"
    after: int = 0
    times: int = 1
    code: int | None = None
    status: int | None = None
    seconds: float = 0.0
    message: str | None = None
    seen: int = field(default=0, repr=False)
    fired: int = field(default=0, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        allowed = {"kind", "target", "after", "times", "code", "status", "seconds", "message"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}; allowed: {sorted(allowed)}")
        if data.get("kind") not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {list(FAULT_KINDS)}")
        fault = cls(**{k: v for k, v in data.items() if k in allowed})
        if fault.after < 0 or fault.times < 1:
            raise ValueError("fault 'after' must be >= 0 and 'times' >= 1")
        return fault

    def matches(self, kind: str) -> bool:
        return self.target in ("any", kind)

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data["remaining"] = self.times - self.fired
        return data


class Clock:
    """A clock tests can move. Runs with real time, shifted; can be frozen."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        if start is not None:
            self.set(start)
        if frozen:
            self.freeze()

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = when.astimezone(UTC)
            else:
                self._offset = when.astimezone(UTC) - datetime.now(UTC)
        return self.now()

    def freeze(self) -> datetime:
        now = self.now()
        with self._lock:
            self._frozen_at = now
        return now

    def unfreeze(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - datetime.now(UTC)
                self._frozen_at = None
        return self.now()

    def control(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Apply a ``POST /_emulator/clock`` body: ``advance_seconds``, ``set``, ``freeze``."""
        if "set" in body:
            self.set(datetime.fromisoformat(str(body["set"]).replace("Z", "+00:00")))
        if "advance_seconds" in body:
            self.advance(float(body["advance_seconds"]))
        if body.get("freeze") is True:
            self.freeze()
        if body.get("freeze") is False:
            self.unfreeze()
        return {"now": self.now().isoformat(), "frozen": self._frozen_at is not None}


@dataclass
class Request:
    method: str
    path: str  # percent-encoded, without the query string
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    raw_query: str = ""

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, data: Any, headers: Mapping[str, str] | None = None) -> Response:
        try:
            body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        except UnicodeEncodeError:
            # A lone surrogate cannot be UTF-8: escape it, as a Java or Go server's JSON would.
            body = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode()
        merged = {"Content-Type": "application/json; charset=UTF-8"}
        merged.update(headers or {})
        return cls(status, body, merged)


class EmulatorApp:
    """API semantics of one emulator. Subclasses implement the four hooks below."""

    name = "emulator"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()

    def classify(self, request: Request) -> str:
        """The endpoint kind used for stats and fault targeting (e.g. ``prospects.query``)."""
        raise NotImplementedError

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def fault_response(self, fault: Fault, request: Request) -> Response:
        """The error answer for an injected ``error`` or ``apply_then_error`` fault."""
        raise NotImplementedError

    def control(self, action: str, request: Request) -> Response | None:
        """Emulator-specific control paths (``/_emulator/<action>``); None means unknown."""
        return None

    def internal_error(self, exc: Exception) -> Response:
        """The answer when the emulator itself fails: the API's own error shape, status 500."""
        return Response.json(500, {"error": f"emulator failure: {type(exc).__name__}"})

    def reset(self) -> None:
        """Back to the initial state (data included)."""


class _Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self.requests: Counter[str] = Counter()
            self.bytes_received: Counter[str] = Counter()
            self.bytes_sent = 0
            self.faults: Counter[str] = Counter()
            self.statuses: Counter[str] = Counter()

    def count(self, kind: str, received: int) -> None:
        with self._lock:
            self.requests[kind] += 1
            self.bytes_received[kind] += received

    def answered(self, status: int, sent: int) -> None:
        with self._lock:
            self.statuses[str(status)] += 1
            self.bytes_sent += sent

    def fault(self, fault: Fault) -> None:
        with self._lock:
            label = fault.kind if fault.code is None else f"{fault.kind}:{fault.code}"
            self.faults[label] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self.requests),
                "total_requests": sum(self.requests.values()),
                "bytes_received": sum(self.bytes_received.values()),
                "bytes_received_by_kind": dict(self.bytes_received),
                "bytes_sent": self.bytes_sent,
                "statuses": dict(self.statuses),
                "faults_injected": dict(self.faults),
            }


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(body: bytes) -> bool:
    """True when a JSON body holds half a UTF-16 surrogate pair (``"\\ud83d"`` alone).

    Raw UTF-8 cannot carry one, so only bodies with a surrogate escape are parsed and looked
    at; json.loads joins a valid pair into one character and leaves a lone half as it is."""
    if _SURROGATE_ESCAPE.search(body) is None:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False  # not JSON: the handler reports that
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class _Drop(Exception):
    """Close the connection without answering."""


class EmulatorServer:
    """Serves an :class:`EmulatorApp` on ``127.0.0.1`` in a background thread.

    Use as a context manager, or call :meth:`start` / :meth:`stop`.
    """

    def __init__(self, app: EmulatorApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._faults: list[Fault] = []
        self._fault_lock = threading.Lock()
        self._stats = _Stats()
        self._httpd = _HTTPServer((host, port), _Handler, self)
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def clock(self) -> Clock:
        return self.app.clock

    def start(self) -> EmulatorServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"{self.app.name}-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- controls ----------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        self._stats.clear()

    def add_faults(self, *faults: Fault | Mapping[str, Any]) -> None:
        parsed = [f if isinstance(f, Fault) else Fault.from_json(f) for f in faults]
        with self._fault_lock:
            self._faults.extend(parsed)

    def clear_faults(self) -> None:
        with self._fault_lock:
            self._faults.clear()

    def pending_faults(self) -> list[dict[str, Any]]:
        with self._fault_lock:
            return [f.public() for f in self._faults]

    def reset(self) -> None:
        self.clear_faults()
        self._stats.clear()
        self.app.reset()

    def _take_fault(self, kind: str) -> Fault | None:
        with self._fault_lock:
            chosen: Fault | None = None
            for fault in self._faults:
                if not fault.matches(kind):
                    continue
                fault.seen += 1
                if chosen is None and fault.seen > fault.after:
                    chosen = fault
            if chosen is not None:
                chosen.fired += 1
                if chosen.fired >= chosen.times:
                    self._faults.remove(chosen)
            return chosen

    # -- request pipeline --------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        """Run one request through stats, faults and the app. Raises _Drop to hang up."""
        if request.path.startswith(CONTROL_PREFIX):
            return self._control(request)
        kind = self.app.classify(request)
        self._stats.count(kind, len(request.body))
        fault = self._take_fault(kind)
        if fault is None:
            return self.app.handle(request)
        self._stats.fault(fault)
        if fault.kind == "latency":
            time.sleep(fault.seconds)
            return self.app.handle(request)
        if fault.kind == "error":
            return self.app.fault_response(fault, request)
        if fault.kind == "drop":
            raise _Drop
        self.app.handle(request)  # apply, then fail to answer
        if fault.kind == "apply_then_error":
            return self.app.fault_response(fault, request)
        raise _Drop

    def record_answer(self, status: int, sent: int) -> None:
        self._stats.answered(status, sent)

    def _control(self, request: Request) -> Response:
        action = request.path[len(CONTROL_PREFIX) :].strip("/")
        try:
            if action == "stats" and request.method == "GET":
                return Response.json(200, self.stats())
            if action == "faults" and request.method == "POST":
                body = request.json()
                items = body if isinstance(body, list) else [body]
                self.add_faults(*items)
                return Response.json(200, {"faults": self.pending_faults()})
            if action == "faults" and request.method == "GET":
                return Response.json(200, {"faults": self.pending_faults()})
            if action == "faults" and request.method == "DELETE":
                self.clear_faults()
                return Response.json(200, {"faults": []})
            if action == "reset" and request.method == "POST":
                self.reset()
                return Response.json(200, {"reset": True})
            if action == "clock" and request.method == "GET":
                return Response.json(200, self.app.clock.control({}))
            if action == "clock" and request.method == "POST":
                return Response.json(200, self.app.clock.control(request.json() or {}))
            answer = self.app.control(action, request)
        except (ValueError, TypeError, KeyError) as exc:
            return Response.json(400, {"error": f"bad control request: {exc}"})
        if answer is None:
            return Response.json(404, {"error": f"unknown control path {request.path}"})
        return answer


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type, owner: EmulatorServer) -> None:
        self.owner = owner
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout, a killed process) is routine, as it is for
        Google; anything else is an emulator bug and keeps its traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # TCP_NODELAY: headers and body are separate writes
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the stats are the log

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw_query=parts.query,
        )
        request.headers = _CaseInsensitive(request.headers)
        owner = self.server.owner
        try:
            response = owner.dispatch(request)
        except _Drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except Exception as exc:  # an emulator bug must still answer like a server would
            response = owner.app.internal_error(exc)
        # Counted before it is sent: a client that has its answer finds it in the stats.
        owner.record_answer(response.status, len(response.body))
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


class _CaseInsensitive(dict[str, str]):
    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())
