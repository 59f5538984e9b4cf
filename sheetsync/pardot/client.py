"""The Pardot API v5 client: one object per run, built explicitly and passed in.

Every call (token calls included) is counted by endpoint and checked against the per-run cap
before it is sent; at most 5 requests are in flight (Pardot's concurrency limit). Errors are
decided on Pardot's ``code`` (see ``errors``): transient ones are retried with bounded
exponential backoff and jitter (tenacity), an expired token is refreshed once and the same
request retried, and a daily-limit answer stops every later call of the run before it leaves.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from sheetsync import logsafety
from sheetsync.pardot.auth import TokenFlow, TokenManager, flow_for, token_error
from sheetsync.pardot.catalogue import CustomFieldDef, FieldCatalogue, build_catalogue
from sheetsync.pardot.errors import (
    AUTH_EXPIRED,
    CallCapReached,
    ConfigurationError,
    DailyLimitReached,
    NotFound,
    PardotError,
    TransientError,
    classify,
)
from sheetsync.pardot.export import Exporter
from sheetsync.pardot.query import Deleted, OrderBy, Query, flatten
from sheetsync.pardot.standard_fields import HAS_CUSTOM_FIELDS
from sheetsync.settings import PardotConfig

log = logging.getLogger("sheetsync.pardot")

API_PREFIX = "/api/v5/objects/"
MAX_IN_FLIGHT = 5
CUSTOM_FIELD_FIELDS = ("id", "name", "fieldId", "apiFieldId", "type", "isRecordMultipleResponses")
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})


@dataclass
class CallStats:
    """Calls spent, by endpoint kind (``token``, ``prospects.query``, ...)."""

    by_endpoint: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    token_refreshes: int = 0
    api_usage: tuple[int, int | None] | None = None  # (used today, daily max) when reported

    @property
    def total(self) -> int:
        return sum(self.by_endpoint.values())


def endpoint_kind(method: str, url: str) -> str:
    """Classify a request the way the run report counts it (and the emulator does)."""
    path = urlsplit(url).path
    if path.endswith("/services/oauth2/token"):
        return "token"
    if path.startswith("/api/v5/exports"):
        rest = path[len("/api/v5/exports") :].strip("/").split("/")
        if not rest[0]:
            return "exports.create" if method == "POST" else "exports.query"
        return "exports.download" if len(rest) > 1 else "exports.read"
    if path.startswith(API_PREFIX):
        parts = path[len(API_PREFIX) :].strip("/").split("/")
        collection = parts[0]
        if "do" in parts:
            return f"{collection}.action"
        if len(parts) == 1:
            return {"GET": f"{collection}.query", "POST": f"{collection}.create"}.get(
                method, f"{collection}.other"
            )
        return {
            "GET": f"{collection}.read",
            "PATCH": f"{collection}.update",
            "DELETE": f"{collection}.delete",
        }.get(method, f"{collection}.other")
    return "other"


def _error_body(response: httpx.Response) -> tuple[int | None, str]:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip().replace("\n", " ")
        return None, (text[:200] or response.reason_phrase or f"HTTP {response.status_code}")
    if isinstance(body, dict):
        code = body.get("code")
        message = str(body.get("message") or body.get("error_description") or body)
        return (code if isinstance(code, int) else None), message
    return None, str(body)[:200]


_USAGE_NUMBERS = re.compile(r"\d+")


def parse_api_usage(header: str) -> tuple[int, int | None] | None:
    """Read ``X-Api-Usage`` (format undocumented): the first integer is calls used today, the
    second, when present, the daily maximum."""
    numbers = [int(n) for n in _USAGE_NUMBERS.findall(header)]
    if not numbers:
        return None
    return numbers[0], (numbers[1] if len(numbers) > 1 else None)


class PardotClient:
    """Synchronous Pardot API v5 client (httpx)."""

    def __init__(
        self,
        config: PardotConfig,
        *,
        flow: TokenFlow | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 6,
        backoff_max_seconds: float = 60.0,
        return_api_usage: bool = False,
        chain_cap: int = 100_000,
    ) -> None:
        logsafety.install()
        self.config = config
        self.stats = CallStats()
        self.chain_cap = chain_cap
        self._flow = flow or flow_for(config)
        self._http = http or httpx.Client(
            timeout=config.timeout_seconds,
            limits=httpx.Limits(max_connections=MAX_IN_FLIGHT),
            follow_redirects=False,
        )
        self.sleep = sleep
        self._max_attempts = max_attempts
        self._backoff_max = backoff_max_seconds
        self._return_api_usage = return_api_usage
        self._in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        self._lock = threading.Lock()
        self._stopped: PardotError | None = None
        self._run_base = 0  # calls spent before the current run (the cap is per run)
        self._tokens = TokenManager(self._fetch_token)
        base = urlsplit(config.pardot_url)
        self._origin = (base.scheme, base.netloc)
        self._catalogues: dict[str, FieldCatalogue] = {}

    # -- plumbing ------------------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PardotClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return self.config.pardot_url + path

    def is_pardot_url(self, url: str) -> bool:
        """True when ``url`` is on the configured Pardot origin (the token may go there)."""
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc) == self._origin

    def start_run(self) -> None:
        """A new run (one mapping's sync): the per-run cap counts again from zero, and a
        daily-limit stop from an earlier run is lifted (the next call finds out afresh)."""
        with self._lock:
            self._run_base = self.stats.total
            self._stopped = None

    def _admit(self, kind: str) -> None:
        """Count one call, or refuse it before it leaves."""
        with self._lock:
            if self._stopped is not None:
                raise DailyLimitReached(
                    f"not sent: {self._stopped.api_message}",
                    code=self._stopped.code,
                    endpoint=kind,
                )
            cap = self.config.max_calls_per_run
            if cap is not None and self.stats.total - self._run_base >= cap:
                raise CallCapReached(
                    f"this run has spent its {cap} Pardot calls "
                    "(SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN); stopping without sending more",
                    endpoint=kind,
                )
            self.stats.by_endpoint[kind] += 1

    def _send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        kind = endpoint_kind(method, url)
        self._admit(kind)
        started = time.monotonic()
        with self._in_flight:
            try:
                response = self._http.request(
                    method, url, params=params, json=json, data=data, headers=headers
                )
            except httpx.TimeoutException as exc:
                where = self._host_of(url, kind)
                raise self._transport_failure(method, kind, f"{where} timed out", exc) from None
            except httpx.TransportError as exc:
                where = self._host_of(url, kind)
                raise self._transport_failure(
                    method, kind, f"connection to {where} failed", exc
                ) from None
        log.debug(
            "pardot %s %s -> %s in %.2fs",
            method,
            urlsplit(url).path,  # never the query: it may carry page tokens
            response.status_code,
            time.monotonic() - started,
        )
        usage = response.headers.get("x-api-usage")
        if usage:
            self.stats.api_usage = parse_api_usage(usage)
        return response

    @staticmethod
    def _host_of(url: str, kind: str) -> str:
        """The origin only (a path or query may carry page tokens) and the setting naming it."""
        parts = urlsplit(url)
        setting = "SHEETSYNC_SALESFORCE_LOGIN_URL" if kind == "token" else "SHEETSYNC_PARDOT_URL"
        return f"{parts.scheme}://{parts.netloc} ({setting})"

    @staticmethod
    def _transport_failure(
        method: str, kind: str, what: str, exc: httpx.TransportError
    ) -> PardotError:
        detail = f"{what} ({type(exc).__name__})"
        # Retrying is safe unless a non-idempotent request may have reached the server.
        if method in _IDEMPOTENT or isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            return TransientError(detail, endpoint=kind)
        return PardotError(
            f"{detail}; not retried because the request may have been applied", endpoint=kind
        )

    def _fetch_token(self) -> str:
        response = self._send(
            "POST",
            self.config.token_url,
            headers={"Accept": "application/json"},
            data=self._flow.form(),
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            raise token_error(
                response.status_code, body if isinstance(body, dict) else None, self._flow.name
            )
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise ConfigurationError("the token endpoint answered without an access_token")
        return token

    def _headers(self, token: str) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {token}",
            "Pardot-Business-Unit-Id": self.config.business_unit_id,
            "Accept": "application/json",
        }
        if self._return_api_usage:
            headers["X-Return-Api-Usage"] = "true"
        return headers

    @staticmethod
    def _auth_expired(response: httpx.Response) -> bool:
        """Code 184 with any status, or a 401 whose body carries no other code."""
        if response.status_code < 400:
            return False
        code, _ = _error_body(response)
        return code == AUTH_EXPIRED or (response.status_code == 401 and code is None)

    def _authorized(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        token = self._tokens.current()
        response = self._send(method, url, headers=self._headers(token), **kwargs)
        if not self._auth_expired(response):
            return response
        fresh = self._tokens.refresh(token)
        self.stats.token_refreshes += 1
        response = self._send(method, url, headers=self._headers(fresh), **kwargs)
        if self._auth_expired(response):
            code, message = _error_body(response)
            raise classify(
                response.status_code, code or AUTH_EXPIRED, message, endpoint_kind(method, url)
            )
        return response

    def _raise_for_error(self, method: str, url: str, response: httpx.Response) -> None:
        if response.is_success:
            return
        code, message = _error_body(response)
        error = classify(response.status_code, code, message, endpoint_kind(method, url))
        if isinstance(error, DailyLimitReached):
            with self._lock:
                self._stopped = error
        raise error

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """One API call with auth, retries and error classification. Raises on errors."""
        url = path_or_url if "://" in path_or_url else self.url(path_or_url)
        if not self.is_pardot_url(url):
            raise PardotError(f"refusing to send the access token to another host: {url}")
        retrying = Retrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=wait_exponential_jitter(initial=1, max=self._backoff_max, jitter=1),
            retry=retry_if_exception_type(TransientError),
            sleep=self.sleep,
            before_sleep=self._note_retry,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._authorized(method, url, params=params, json=json)
                    self._raise_for_error(method, url, response)
                    return response
        except TransientError as exc:
            # No code and no status: the request never got an answer (host down or unreachable).
            hint = (
                "; check that address and this machine's network; the next run tries again"
                if exc.code is None and exc.status is None
                else ""
            )
            raise TransientError(
                f"{exc.api_message} (gave up after {self._max_attempts} attempts){hint}",
                code=exc.code,
                status=exc.status,
                endpoint=exc.endpoint,
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover - Retrying always returns/raises

    def _note_retry(self, state: Any) -> None:
        self.stats.retries += 1
        error = state.outcome.exception() if state.outcome else None
        log.info(
            "pardot: retrying after %s (attempt %d)",
            error if error is not None else "an error",
            state.attempt_number,
        )

    def get_json(self, path_or_url: str, params: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", path_or_url, params=params).json()

    # -- objects --------------------------------------------------------------------------------
    def query(
        self,
        collection: str,
        fields: Iterable[str],
        *,
        filters: Mapping[str, object] | None = None,
        order_by: OrderBy = "id",
        deleted: Deleted | None = None,
        limit: int = 1000,
    ) -> Query:
        """Iterate over every matching record, crossing the 100,000-record chain cap.

        Records are flat dicts keyed by the requested field names (``campaign.name``)."""
        return Query(
            self,
            collection,
            list(fields),
            filters=dict(filters or {}),
            order_by=order_by,
            deleted=deleted,
            limit=limit,
        )

    def read(
        self,
        collection: str,
        record_id: int,
        fields: Iterable[str],
        *,
        deleted: Deleted | None = None,
    ) -> dict[str, Any] | None:
        """One record by id, or None when it does not exist (code 109)."""
        names = list(fields)
        params = {"fields": ",".join(names)}
        if deleted is not None:
            params["deleted"] = deleted
        try:
            body = self.get_json(f"{API_PREFIX}{collection}/{record_id}", params)
        except NotFound:
            return None
        return flatten(body, names)

    def create(
        self, collection: str, values: Mapping[str, Any], fields: Iterable[str] = ("id",)
    ) -> dict[str, Any]:
        params = {"fields": ",".join(fields)}
        body = self.request("POST", f"{API_PREFIX}{collection}", params=params, json=values)
        result: dict[str, Any] = body.json()
        return result

    def update(
        self,
        collection: str,
        record_id: int,
        values: Mapping[str, Any],
        fields: Iterable[str] = ("id",),
    ) -> dict[str, Any]:
        params = {"fields": ",".join(fields)}
        response = self.request(
            "PATCH", f"{API_PREFIX}{collection}/{record_id}", params=params, json=values
        )
        result: dict[str, Any] = response.json() if response.content else {}
        return result

    def delete(self, collection: str, record_id: int) -> bool:
        """Delete (to the recycle bin where the object has one). False if it did not exist."""
        try:
            self.request("DELETE", f"{API_PREFIX}{collection}/{record_id}")
        except NotFound:
            return False
        return True

    def undelete_prospect(self, prospect_id: int) -> None:
        self.request("POST", f"{API_PREFIX}prospects/{prospect_id}/do/undelete")

    def custom_fields(self) -> list[CustomFieldDef]:
        return [
            CustomFieldDef.from_api(record)
            for record in self.query("custom-fields", CUSTOM_FIELD_FIELDS, limit=1000)
        ]

    def catalogue(self, collection: str, *, refresh: bool = False) -> FieldCatalogue:
        """Standard, custom and related fields of an object (custom fields read once, or again
        with ``refresh``)."""
        if refresh or collection not in self._catalogues:
            custom = self.custom_fields() if collection in HAS_CUSTOM_FIELDS else []
            self._catalogues[collection] = build_catalogue(collection, custom)
        return self._catalogues[collection]

    def account_timezone(self) -> tzinfo:
        """The account's time zone, for export CSV datetimes that carry no offset.

        SHEETSYNC_PARDOT_TIMEZONE when set; otherwise the offset of a datetime in one small
        query (a fixed offset: datetimes across a DST change may be an hour off, so set it)."""
        if self.config.timezone:
            return ZoneInfo(self.config.timezone)
        body = self.get_json(f"{API_PREFIX}prospects", {"fields": "id,updatedAt", "limit": "1"})
        for record in body.get("values") or []:
            stamp = record.get("updatedAt")
            if isinstance(stamp, str):
                moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                if moment.tzinfo is not None:
                    log.warning(
                        "pardot: SHEETSYNC_PARDOT_TIMEZONE is not set; reading export dates "
                        "at the fixed offset %s",
                        moment.strftime("%z"),
                    )
                    return moment.tzinfo
        return UTC

    def export(
        self,
        collection: str,
        fields: Iterable[str],
        *,
        updated_after: datetime,
        updated_before: datetime,
        deleted: str = "all",
        exporter: Exporter | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Records of an export job (several jobs when the range passes one year)."""
        runner = exporter or Exporter(self)
        return runner.export(
            collection,
            fields,
            updated_after=updated_after,
            updated_before=updated_before,
            deleted=deleted,
            catalogue=self.catalogue(collection),
            tz=self.account_timezone(),
        )

    def oldest_update(self, collection: str) -> datetime | None:
        """The oldest ``updatedAt`` of the object (recycle bin included): one small query."""
        params = {
            "fields": "id,updatedAt",
            "limit": "1",
            "orderBy": "updatedAt ASC",
            "deleted": "all",
        }
        body = self.get_json(f"{API_PREFIX}{collection}", params)
        for record in body.get("values") or []:
            stamp = record.get("updatedAt")
            if isinstance(stamp, str):
                return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return None


def build_pardot_client(config: PardotConfig, **kwargs: Any) -> PardotClient:
    return PardotClient(config, **kwargs)
