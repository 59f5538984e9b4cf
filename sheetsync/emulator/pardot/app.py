"""HTTP semantics of the Pardot API v5 emulator: routing, the checks every call goes through,
queries, single reads, writes, exports and the emulator-specific control paths.

Every API call is checked in this order: bearer token (49 without an ``Authorization`` header or
with a non-Bearer one, 184 for an unknown or expired token), business unit header (181 missing,
182 malformed, 201 another unit; the 15-character form of the unit's id is accepted), daily limit
(122, counted per day of the account time zone on the emulator clock), concurrency (66). Calls
that pass these count against the daily limit (token calls never do). Concurrency is decided
when a request arrives (see :class:`~sheetsync.emulator.pardot.emulator.PardotServer`): a request
that finds ``max_concurrent`` API requests in flight is refused and does not occupy a slot.

Further decisions: unknown collection or path -> 404 code 198 "Endpoint not found"; a method a
path does not support -> 405 code 60; a record action other than ``undelete`` -> 205. Writes need
``Content-Type: application/json`` (151), a body (152) of valid JSON (150); unknown and read-only
properties are 154 ``Invalid property in request: X`` (a wrong value type adds why); a missing
required one is 153; updating a recycle-bin record is 219. Prospect e-mails need not be unique
(as with AMPSEA). ``X-Return-Api-Usage: 1|true`` adds ``X-Api-Usage: <used today>/<daily limit>``
(``<used>/unlimited`` without a limit) to the answer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from ..httpbase import Clock, EmulatorApp, Fault, Request, Response
from .auth import OAuthError, TokenService
from .config import PardotEmulatorConfig
from .errors import PardotError, error_response, html_error, message_for, status_for
from .exports import Exports
from .fields import FieldNode, parse_paths, render_json, split_fields
from .generator import INTEGRATION_USER_ID, generate
from .query import PageTokens, bad_param, parse_deleted, parse_query, run_page
from .schema import Field, ObjectSchema
from .store import Record, Store, deleted_matches, is_deleted

TOKEN_PATH = "/services/oauth2/token"  # nosec B105  # a URL path, not a password
API_PREFIX = "/api/v5/"
CAP_WARNING = "203;Record count for nextPageToken sequence has been exceeded."
_BU_PATTERN = re.compile(r"^0Uv[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$")
_WRITE_DEFAULT_FIELDS = {
    "prospects": ["id", "email"],
    "list-memberships": ["id", "listId", "prospectId"],
}
_CREATE_ONLY = {"list-memberships": frozenset({"listId", "prospectId"})}
_MEMBERSHIP_FILTERS = frozenset({"listId", "prospectId"})
_TYPE_WORDS = {
    "int": "an integer",
    "float": "a number",
    "str": "a string",
    "bool": "a boolean",
    "list": "an array of strings",
    "datetime": "a datetime",
}


class PardotApp(EmulatorApp):
    name = "pardot"

    def __init__(
        self,
        config: PardotEmulatorConfig,
        clock: Clock,
        store: Store,
        tokens: TokenService,
        anchor: int,
    ) -> None:
        super().__init__(clock)
        self.config = config
        self.store = store
        self.tokens = tokens
        self.anchor = anchor
        self.base_url = ""  # set once the server is bound
        self.page_tokens = PageTokens()
        self.exports = Exports(store, config)
        self.warnings: Counter[str] = Counter()
        self.current_seed = (config.prospects, config.seed)
        self._usage: Counter[date] = Counter()
        self._usage_lock = threading.Lock()
        self._in_flight = 0
        self._flight_lock = threading.Lock()
        self._local = threading.local()

    # -- data ----------------------------------------------------------------------------------
    def seed_data(self, prospects: int, seed: int) -> None:
        data = generate(prospects, seed, self.anchor)
        self.store.load(data)
        self.page_tokens.clear()
        self.exports.clear()
        self.current_seed = (prospects, seed)

    def reset(self) -> None:
        """Data as generated at construction; no page tokens, exports, usage or warnings."""
        self.seed_data(self.config.prospects, self.config.seed)
        with self._usage_lock:
            self._usage.clear()
        self.warnings.clear()

    # -- usage and concurrency -----------------------------------------------------------------
    def today(self) -> date:
        return self.clock.now().astimezone(self.store.timezone).date()

    def calls_today(self) -> int:
        with self._usage_lock:
            return self._usage[self.today()]

    @property
    def in_flight_count(self) -> int:
        """API requests holding a concurrency slot right now."""
        with self._flight_lock:
            return self._in_flight

    def limits_concurrency(self, request: Request) -> bool:
        return request.path.startswith(API_PREFIX)

    @contextlib.contextmanager
    def in_flight(self) -> Iterator[bool]:
        """Hold a concurrency slot for the whole request if one is free (faults included)."""
        with self._flight_lock:
            admitted = self._in_flight < self.config.max_concurrent
            if admitted:
                self._in_flight += 1
        self._local.admitted = admitted
        try:
            yield admitted
        finally:
            self._local.admitted = True
            if admitted:
                with self._flight_lock:
                    self._in_flight -= 1

    # -- EmulatorApp hooks ---------------------------------------------------------------------
    def classify(self, request: Request) -> str:
        path, method = request.path, request.method
        if path == TOKEN_PATH:
            return "token"
        parts = path.strip("/").split("/")
        if parts[:2] != ["api", "v5"] or len(parts) < 3:
            return "other"
        rest = parts[2:]
        if rest[0] == "exports":
            if len(rest) == 1 and method == "POST":
                return "exports.create"
            if len(rest) == 2 and method == "GET":
                return "exports.read"
            if len(rest) == 4 and rest[2] == "results" and method == "GET":
                return "exports.download"
            return "other"
        if rest[0] != "objects" or len(rest) < 2 or rest[1] not in self.store.schemas:
            return "other"
        collection, tail = rest[1], rest[2:]
        if not tail:
            kind = {"GET": "query", "POST": "create"}.get(method)
        elif len(tail) == 1:
            kind = {"GET": "read", "PATCH": "update", "DELETE": "delete"}.get(method)
        elif "do" in tail[:2] and method == "POST":
            kind = "action"
        else:
            kind = None
        return f"{collection}.{kind}" if kind else "other"

    def fault_response(self, fault: Fault, request: Request) -> Response:
        if request.path == TOKEN_PATH:
            status = fault.status or (503 if fault.code is None else 400)
            if status >= 500:
                return html_error(status)
            error = fault.message or "invalid_grant"
            return OAuthError(error, "injected fault", status).response()
        if fault.code is None:
            return html_error(fault.status or 503)
        message = fault.message or message_for(fault.code)
        return error_response(fault.code, message, fault.status or status_for(fault.code))

    def control(self, action: str, request: Request) -> Response | None:
        if action == "seed" and request.method == "POST":
            body = request.json() or {}
            prospects = int(body.get("prospects", self.current_seed[0]))
            seed = int(body.get("seed", self.current_seed[1]))
            if prospects < 0:
                raise ValueError("prospects must be >= 0")
            self.seed_data(prospects, seed)
            return Response.json(200, {"prospects": prospects, "seed": seed})
        if action == "expire-tokens" and request.method == "POST":
            return Response.json(200, {"expired": self.tokens.expire_all()})
        if action == "info" and request.method == "GET":
            prospects, seed = self.current_seed
            info = {
                "url": self.base_url,
                "business_unit_id": self.config.business_unit_id,
                "timezone": self.config.timezone,
                "prospects": prospects,
                "seed": seed,
                "calls_today": self.calls_today(),
                "daily_limit": self.config.daily_limit,
            }
            return Response.json(200, info)
        return None

    def handle(self, request: Request) -> Response:
        if request.path == TOKEN_PATH:
            return self.tokens.handle(request)
        if not request.path.startswith(API_PREFIX):
            return error_response(198, status=404)
        counted = False
        try:
            self._authenticate(request)
            self._admit()
            counted = True
            response = self._route(request)
        except PardotError as exc:
            response = exc.response()
        if counted and _truthy(request.header("x-return-api-usage")):
            limit = self.config.daily_limit
            response.headers["X-Api-Usage"] = (
                f"{self.calls_today()}/{'unlimited' if limit is None else limit}"
            )
        return response

    # -- checks ------------------------------------------------------------------------------
    def _authenticate(self, request: Request) -> None:
        header = (request.header("authorization") or "").strip()
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise PardotError(49)
        if not self.tokens.is_valid(token.strip()):
            raise PardotError(184, "Inactive token")
        unit = request.header("pardot-business-unit-id")
        if unit is None or not unit.strip():
            raise PardotError(181, "Pardot-Business-Unit-Id header not found on request.")
        unit = unit.strip()
        if not _BU_PATTERN.match(unit):
            raise PardotError(182)
        expected = self.config.business_unit_id
        if unit != expected and not (len(unit) == 15 and expected.startswith(unit)):
            raise PardotError(201)

    def _admit(self) -> None:
        admitted = getattr(self._local, "admitted", True)
        limit = self.config.daily_limit
        with self._usage_lock:
            today = self.today()
            if limit is not None and self._usage[today] >= limit:
                raise PardotError(122)
            if not admitted:
                raise PardotError(66)
            self._usage[today] += 1

    # -- routing -----------------------------------------------------------------------------
    def _route(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")[2:]
        method = request.method
        if parts and parts[0] == "exports":
            return self._exports(request, parts[1:])
        if len(parts) < 2 or parts[0] != "objects" or parts[1] not in self.store.schemas:
            raise PardotError(198)
        collection, tail = parts[1], parts[2:]
        if not tail:
            if method == "GET":
                return self._query(request, collection)
            if method == "POST":
                return self._create(request, collection)
            raise PardotError(60)
        if tail[0] == "do":
            raise PardotError(205, "/".join(tail[1:]) or "(none)")
        record_id = _record_id(tail[0])
        if len(tail) == 1:
            if method == "GET":
                return self._read(request, collection, record_id)
            if method == "PATCH":
                return self._update(request, collection, record_id)
            if method == "DELETE":
                return self._delete(collection, record_id)
            raise PardotError(60)
        if len(tail) == 3 and tail[1] == "do" and method == "POST":
            return self._action(request, collection, record_id, tail[2])
        raise PardotError(198)

    # -- reads -------------------------------------------------------------------------------
    def _lookup(self, collection: str, record_id: int) -> Record | None:
        return self.store.tables[collection].records.get(record_id)

    def _fields(
        self, request: Request, collection: str, default: list[str] | None = None
    ) -> FieldNode:
        paths = split_fields(request.param("fields"))
        if not paths:
            if default is None:
                raise PardotError(13, "fields")
            paths = default
        return parse_paths(self.store.schemas, collection, paths)

    def _render(self, tree: FieldNode, record: Mapping[str, Any]) -> dict[str, Any]:
        return render_json(tree, record, self._lookup, self.store.timezone)

    def _query(self, request: Request, collection: str) -> Response:
        tree = self._fields(request, collection)
        multi = tree.multi_valued()
        if multi:
            raise PardotError(224, ", ".join(multi))
        query = request.query
        token = request.param("nextPageToken")
        now = self.clock.now().timestamp()
        ttl = self.config.page_token_ttl_seconds
        if token is not None:
            extra = sorted(set(query) - {"fields", "nextPageToken"})
            if extra:
                raise bad_param(extra[0], "Only fields may accompany nextPageToken.")
            state = self.page_tokens.resolve(token, collection, now, ttl)
            spec, resume, chain_count = state.spec, state.resume, state.chain_count
        else:
            spec = parse_query(self._query_schema(collection), query)
            resume, chain_count = None, 0
        with self.store.lock:
            page = run_page(
                self.store.table(collection),
                spec,
                resume=resume,
                chain_count=chain_count,
                chain_cap=self.config.chain_cap,
                tokens=self.page_tokens,
                now=now,
                ttl=ttl,
            )
            values = [self._render(tree, record) for record in page.records]
        next_url = None
        if page.token is not None:
            fields_param = quote(request.param("fields") or "", safe=",.")
            next_url = (
                f"{self.base_url}/api/v5/objects/{collection}"
                f"?fields={fields_param}&nextPageToken={page.token}"
            )
        headers: dict[str, str] = {}
        if page.cap_exceeded:
            headers["Pardot-Warning"] = CAP_WARNING
            self.warnings["203"] += 1
        body = {"nextPageToken": page.token, "nextPageUrl": next_url, "values": values}
        return Response.json(200, body, headers)

    def _query_schema(self, collection: str) -> ObjectSchema:
        """The schema a query is parsed with: without the membership filters when they are
        switched off (``membership_filters``), so that they are unknown filters (51)."""
        schema = self.store.schemas[collection]
        if collection != "list-memberships" or self.config.membership_filters:
            return schema
        kept = {k: v for k, v in schema.filters.items() if k not in _MEMBERSHIP_FILTERS}
        return dataclasses.replace(schema, filters=kept)

    def _read(self, request: Request, collection: str, record_id: int) -> Response:
        _only_params(request, {"fields", "deleted"})
        tree = self._fields(request, collection)
        deleted = parse_deleted(request.param("deleted"))
        with self.store.lock:
            record = self._lookup(collection, record_id)
            if record is None or not deleted_matches(record, deleted):
                raise PardotError(109)
            return Response.json(200, self._render(tree, record))

    # -- writes ------------------------------------------------------------------------------
    def _writable(self, collection: str) -> None:
        if collection not in _WRITE_DEFAULT_FIELDS:
            raise PardotError(60)

    def _create(self, request: Request, collection: str) -> Response:
        self._writable(collection)
        _only_params(request, {"fields"})
        tree = self._fields(request, collection, _WRITE_DEFAULT_FIELDS[collection])
        body = _json_object(request)
        with self.store.lock:
            values = self._validated(collection, body, creating=True)
            values["createdById"] = values["updatedById"] = INTEGRATION_USER_ID
            if collection == "prospects":
                if not values.get("email"):
                    raise PardotError(153, "email")
            else:
                self._check_new_membership(values)
            record_id = self.store.insert(collection, values)
            record = self.store.tables[collection].records[record_id]
            return Response.json(201, self._render(tree, record))

    def _check_new_membership(self, values: dict[str, Any]) -> None:
        for key in ("listId", "prospectId"):
            if values.get(key) is None:
                raise PardotError(153, key)
        memberships = self.store.tables["list-memberships"].records.values()
        for existing in memberships:
            if (
                existing.get("listId") == values["listId"]
                and existing.get("prospectId") == values["prospectId"]
                and not is_deleted(existing)
            ):
                raise PardotError(58)

    def _update(self, request: Request, collection: str, record_id: int) -> Response:
        self._writable(collection)
        _only_params(request, {"fields"})
        tree = self._fields(request, collection, _WRITE_DEFAULT_FIELDS[collection])
        body = _json_object(request)
        with self.store.lock:
            record = self._lookup(collection, record_id)
            if record is None:
                raise PardotError(109)
            if is_deleted(record):
                raise PardotError(219)
            values = self._validated(collection, body)
            values["updatedById"] = INTEGRATION_USER_ID
            record = self.store.write(collection, record_id, values)
            return Response.json(200, self._render(tree, record))

    def _delete(self, collection: str, record_id: int) -> Response:
        self._writable(collection)
        with self.store.lock:
            record = self._lookup(collection, record_id)
            if record is None or is_deleted(record):
                raise PardotError(109)
            self.store.write(
                collection, record_id, {"isDeleted": True, "updatedById": INTEGRATION_USER_ID}
            )
        return Response(204)

    def _action(self, request: Request, collection: str, record_id: int, action: str) -> Response:
        if collection != "prospects" or action != "undelete":
            raise PardotError(205, action)
        _only_params(request, {"fields"})
        tree = self._fields(request, collection, _WRITE_DEFAULT_FIELDS[collection])
        with self.store.lock:
            record = self._lookup(collection, record_id)
            if record is None:
                raise PardotError(109)
            if is_deleted(record):
                changes = {"isDeleted": False, "updatedById": INTEGRATION_USER_ID}
                record = self.store.write(collection, record_id, changes)
            return Response.json(200, self._render(tree, record))

    def _validated(
        self, collection: str, body: Mapping[str, Any], *, creating: bool = False
    ) -> dict[str, Any]:
        fields = self.store.schemas[collection].fields
        create_only = _CREATE_ONLY.get(collection, frozenset()) if creating else frozenset()
        out: dict[str, Any] = {}
        for name, value in body.items():
            spec = fields.get(name)
            if spec is None or (spec.read_only and name not in create_only):
                raise PardotError(154, name)
            if value is not None and not _type_ok(spec, value):
                raise PardotError(154, f"{name}. Expected {_TYPE_WORDS[spec.type]}")
            out[name] = value
        self._check_references(collection, out)
        return out

    def _check_references(self, collection: str, values: Mapping[str, Any]) -> None:
        if collection == "prospects" and "email" in values:
            email = values["email"]
            if not isinstance(email, str) or "@" not in email or " " in email.strip():
                raise PardotError(154, "email. Invalid email address")
        schema = self.store.schemas[collection]
        for relation in schema.relations.values():
            key = values.get(relation.key)
            if key is None or relation.key not in values:
                continue
            target = self._lookup(relation.target, key)
            if target is None or is_deleted(target):
                raise PardotError(154, f"{relation.key}. No such {relation.target} record: {key}")

    # -- exports -----------------------------------------------------------------------------
    def _exports(self, request: Request, tail: list[str]) -> Response:
        method = request.method
        if not tail:
            if method != "POST":
                raise PardotError(60)
            job = self.exports.create(_json_object(request))
            return Response.json(201, self.exports.public(job, self.base_url))
        export_id = _record_id(tail[0])
        if len(tail) == 1 and method == "GET":
            job = self.exports.read(export_id)
            return Response.json(200, self.exports.public(job, self.base_url))
        if len(tail) == 3 and tail[1] == "results" and method == "GET":
            data = self.exports.download(export_id, _record_id(tail[2]))
            return Response(200, data, {"Content-Type": "text/csv; charset=utf-8"})
        if len(tail) in (1, 3):
            raise PardotError(60)
        raise PardotError(198)


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true")


def _record_id(segment: str) -> int:
    try:
        value = int(segment)
    except ValueError:
        raise PardotError(109) from None
    if value <= 0:
        raise PardotError(109)
    return value


def _only_params(request: Request, allowed: set[str]) -> None:
    extra = sorted(set(request.query) - allowed)
    if extra:
        raise bad_param(extra[0], "It is not a parameter of this request.")


def _json_object(request: Request) -> dict[str, Any]:
    content_type = (request.header("content-type") or "").lower()
    if "application/json" not in content_type:
        raise PardotError(151)
    if not request.body.strip():
        raise PardotError(152)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise PardotError(150) from None
    if not isinstance(body, dict):
        raise PardotError(150)
    return body


def _type_ok(spec: Field, value: Any) -> bool:
    kind = spec.type
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "str":
        return isinstance(value, str)
    return False
