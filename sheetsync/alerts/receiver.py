"""A local webhook receiver: a real HTTP server on loopback that records what alerts post.

For tests, the demo and ``sheetsync emulate`` (nothing in a sync imports it). Every POST is
kept as a :class:`Received` and handed to ``on_post`` when given; the answers can be scripted
(``answers=[500, 200]``: the first POST gets a 500, later ones a 200) or fixed (``always=500``).

    with WebhookReceiver() as hook:
        os.environ["SHEETSYNC_WEBHOOK_SALES"] = hook.url("/sales")
        ...
        hook.received[0].json["text"]
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True)
class Received:
    path: str
    body: bytes
    content_type: str
    status: int  # what the receiver answered

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    def __init__(
        self,
        answers: Iterable[int] = (),
        *,
        always: int | None = None,
        on_post: Callable[[Received], None] | None = None,
    ) -> None:
        self._answers: deque[int] = deque(answers)
        self.always = always
        self.on_post = on_post
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> Self:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver._answer()
                received = Received(self.path, body, self.headers.get("Content-Type", ""), status)
                with receiver._lock:
                    receiver.received.append(received)
                reply = b"ok" if status < 400 else b"error"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                # After the answer, so whatever on_post does never delays the sender.
                if receiver.on_post is not None:
                    receiver.on_post(received)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: tests read `received`

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhook-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- use ----------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the receiver is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str = "/hook") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def answer_next(self, *statuses: int) -> None:
        with self._lock:
            self._answers.extend(statuses)

    def delivered(self, path: str | None = None) -> list[Received]:
        """Posts answered with a 2xx (on ``path`` when given)."""
        with self._lock:
            return [
                r
                for r in self.received
                if 200 <= r.status < 300 and (path is None or r.path == path)
            ]

    def _answer(self) -> int:
        with self._lock:
            if self._answers:
                return self._answers.popleft()
        return self.always if self.always is not None else 200
