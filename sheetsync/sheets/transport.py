"""gspread's HTTP client, subclassed: base-URL rewrite, compact JSON, counting, pacing, a timeout.

Every request gspread or the gateway sends goes through :meth:`GatewayHTTPClient.request`, so
this is the one place that counts requests and bytes (nothing escapes the count), the one place
that paces them under Google's per-minute quotas (retries included), and the one place that
points gspread at an emulator (patching ``gspread.urls`` does not work: gspread copied the
constants at import time).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import quote

from google.auth.credentials import Credentials
from gspread.http_client import FileType, HTTPClient, ParamsType
from gspread.urls import SPREADSHEET_VALUES_URL
from requests import Response, Session

from .. import jsonfast
from .batch import compact_json
from .counting import Counters, request_kind
from .pacing import Pacer, quota_kind

log = logging.getLogger(__name__)

#: Google origins gspread builds URLs from (Sheets v4 and, for a few calls, Drive).
GOOGLE_ORIGINS = ("https://sheets.googleapis.com", "https://www.googleapis.com")

#: (connect, read) seconds. The read timeout is a little above Google's 180 s processing limit,
#: so a slow batch is not abandoned while Google may still be applying it.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 190.0)


class GatewayHTTPClient(HTTPClient):
    """``gspread.Client(auth, http_client=GatewayHTTPClient)``; then set :attr:`base_url`."""

    def __init__(self, auth: Credentials, session: Session | None = None) -> None:
        super().__init__(auth, session)
        #: origin (and optional path prefix) replacing Google's, e.g. an emulator on loopback
        self.base_url: str | None = None
        self.counters = Counters()
        self.timeout = DEFAULT_TIMEOUT
        #: quota pacing (usually the process's shared pacer); ``None``: requests go at once
        self.pacer: Pacer | None = None

    def url_for(self, endpoint: str) -> str:
        if self.base_url is None:
            return endpoint
        for origin in GOOGLE_ORIGINS:
            if endpoint.startswith(origin):
                return self.base_url.rstrip("/") + endpoint[len(origin) :]
        return endpoint

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> Response:
        url = self.url_for(endpoint)
        if json is not None and data is None and files is None:
            data = compact_json(json)
            headers = dict(headers or {})
            headers.setdefault("Content-Type", "application/json")
            json = None
        kind = request_kind(method, url)
        self._pace(kind)
        self.counters.count(kind, len(data) if data else 0)
        return super().request(
            method, url, params=params, data=data, json=json, files=files, headers=headers
        )

    def values_get(self, id: str, range: str, params: ParamsType | None = None) -> Any:
        """gspread's ``values_get``, with the answer parsed by orjson: a whole worksheet of a
        large account is tens of MB of JSON, and it is read on every run."""
        url = SPREADSHEET_VALUES_URL % (id, quote(range))
        return jsonfast.loads(self.request("get", url, params=params).content)

    def _pace(self, kind: str) -> None:
        """Wait, if the quota of ``kind`` needs it, before the request is sent."""
        quota = quota_kind(kind)
        if self.pacer is None or quota is None:
            return
        waited = self.pacer.acquire(quota)
        if waited > 0:
            self.counters.record_wait(waited)
            log.debug("quota pacing: %s waited %.1f s for the Sheets %s quota", kind, waited, quota)
