"""The Cloud Function's logic, kept out of ``cloudfunction/main.py`` (which only adapts Flask).

A call is a :class:`Call` (method, headers, body); the answer an :class:`Answer` (status code,
JSON body). No web framework is imported here.

- ``GET``: health and version (never a secret, never a secret setting's value).
- ``POST`` with ``{"mapping": NAME | null, "full": bool, "dry_run": bool}`` (every key
  optional; an empty body syncs every mapping incrementally): syncs and answers
  ``{"status", "retry", "message", "reports": [run report, ...]}``.

Status codes steer Cloud Scheduler's retries:

====  =====================================================================================
200   every run ok; or failed in a way a retry cannot fix today (Pardot's daily limit, a
      refused plan, a bad mapping, bad settings): ``status`` says so, logged at ERROR
503   a retry can fix it (Google 5xx or quota, Pardot 66/183 after the client's retries, a
      version-guard conflict, the call's deadline, Cloud Storage unavailable)
400   the body is not a valid request (nothing runs)
401   the shared secret is configured and the X-Sheetsync-Secret header is missing
403   the X-Sheetsync-Secret header is wrong
405   a method other than GET or POST
500   a bug: the traceback is logged (Error Reporting picks it up)
====  =====================================================================================

Cloud Scheduler deliveries: with ``X-CloudScheduler-JobName`` and
``X-CloudScheduler-ScheduleTime`` the run is tagged ``job@scheduleTime`` and the engine keeps
that tag in the sheet's state with the data it writes, so a repeated delivery of a run that
wrote is not synced twice. A delivery whose run had nothing to write leaves no tag: a repeat
re-reads and, nothing having changed, again writes nothing. Dry runs ignore the headers.

Deadline: a call stops cleanly (between Pardot pages, between write batches) when its budget
is spent: ``SHEETSYNC_DEADLINE_SECONDS``, else ``CLOUD_RUN_TIMEOUT_SECONDS`` minus a margin,
else :data:`DEFAULT_BUDGET_SECONDS` (for ``--timeout=1800s``). Rows written are whole, the
watermark does not move, the answer is 503 and the next call continues.

Logs: one JSON line per event on stdout (``severity``, ``message``, the run report under
``report``, ``logging.googleapis.com/trace`` from ``X-Cloud-Trace-Context``); Python log
records of sheetsync and the libraries become the same JSON lines, tracebacks in ``message``.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import platform
import re
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TextIO

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from sheetsync import __version__, logsafety
from sheetsync.engine import Engine
from sheetsync.mapping import Mapping as SyncMapping
from sheetsync.mapping import MappingError
from sheetsync.mapping_source import MappingsUnavailable
from sheetsync.pardot import DailyLimitReached
from sheetsync.report import Mode, RunReport, Status
from sheetsync.runtime import build_runtime, mappings_from
from sheetsync.settings import Settings, SettingsError
from sheetsync.sheets import SheetsError

SECRET_HEADER = "X-Sheetsync-Secret"  # nosec B105  # the header's name; the secret is a setting
JOB_HEADER = "X-CloudScheduler-JobName"
SCHEDULE_TIME_HEADER = "X-CloudScheduler-ScheduleTime"
TRACE_HEADER = "X-Cloud-Trace-Context"

#: The run budget when neither SHEETSYNC_DEADLINE_SECONDS nor CLOUD_RUN_TIMEOUT_SECONDS is set:
#: 3 minutes under a 30-minute function timeout (and Cloud Scheduler's longest attempt deadline).
DEFAULT_BUDGET_SECONDS = 1620.0
MAX_DELIVERY_LENGTH = 300
ERROR_EVENT = "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent"
STATUS_ORDER: tuple[Status, ...] = ("ok", "refused", "conflict", "failed")
METADATA_PROJECT = "http://metadata.google.internal/computeMetadata/v1/project/project-id"


# -- calls and answers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One HTTP call: method, headers (names lower-cased) and the raw body."""

    method: str
    headers: Mapping[str, str]
    body: bytes = b""

    @classmethod
    def of(cls, method: str, headers: Iterable[tuple[str, str]], body: bytes = b"") -> Call:
        return cls(method.upper(), {k.lower(): v for k, v in headers}, body)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "").strip()


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]

    def text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False, default=str)


class SyncRequest(BaseModel):
    """The POST body."""

    model_config = ConfigDict(extra="forbid", strict=True)

    mapping: str | None = Field(default=None, min_length=1)
    full: bool = False
    dry_run: bool = False


class BadRequest(Exception):
    """The call cannot be run as sent; the message says what to send instead."""


EXAMPLE_BODY = '{"mapping": "hot-prospects", "full": false, "dry_run": false}'


def parse_request(body: bytes) -> SyncRequest:
    """The POST body as a :class:`SyncRequest`; an empty body means every mapping."""
    if not body.strip():
        return SyncRequest()
    try:
        return SyncRequest.model_validate_json(body)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()))
            kind = error.get("type", "")
            if kind == "json_invalid":
                problems.append("the body is not valid JSON")
            elif kind == "extra_forbidden":
                problems.append(f"unknown key {where!r} (allowed: mapping, full, dry_run)")
            elif kind == "model_type":
                problems.append("the body must be a JSON object")
            elif where == "mapping":
                problems.append("mapping must be a mapping's name (its file name) or null for all")
            else:
                problems.append(f"{where} must be true or false")
        raise BadRequest("; ".join(problems) + f"; send for example {EXAMPLE_BODY}") from None


# -- pure decisions ------------------------------------------------------------------------------
def check_secret(expected: SecretStr | None, call: Call) -> tuple[int, str] | None:
    """None when the call may run; else the status code and why (no secret in the text)."""
    if expected is None:
        return None
    given = call.header(SECRET_HEADER)
    if not given:
        return 401, f"this function needs the {SECRET_HEADER} header"
    if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        return 403, f"the {SECRET_HEADER} header is wrong"
    return None


def delivery_of(call: Call) -> str | None:
    """``job@scheduleTime`` for a Cloud Scheduler delivery; None for any other caller."""
    job, when = call.header(JOB_HEADER), call.header(SCHEDULE_TIME_HEADER)
    if not job or not when:
        return None
    delivery = f"{job}@{when}"
    if len(delivery) > MAX_DELIVERY_LENGTH:
        raise BadRequest("the Cloud Scheduler headers are too long to be a job name and a time")
    return delivery


def run_budget(settings: Settings, environ: Mapping[str, str]) -> float:
    """Seconds a call may spend before it stops cleanly."""
    if settings.deadline_seconds is not None:
        return settings.deadline_seconds
    try:
        timeout = float(environ.get("CLOUD_RUN_TIMEOUT_SECONDS", ""))
    except ValueError:
        timeout = 0.0
    if timeout > 0:
        # Room to answer, log and close after the last clean stopping point.
        return max(timeout - max(30.0, timeout * 0.1), timeout * 0.5)
    return DEFAULT_BUDGET_SECONDS


def worst_status(reports: Iterable[RunReport]) -> Status:
    return max((r.status for r in reports), key=STATUS_ORDER.index, default="ok")


def status_code(reports: Iterable[RunReport]) -> int:
    """503 when a retry can fix something; 200 otherwise (the body's status says the rest)."""
    return 503 if any(r.retryable for r in reports) else 200


def run_mappings(
    engine: Engine,
    mappings: Iterable[SyncMapping],
    request: SyncRequest,
    *,
    deadline: float,
    delivery: str | None,
) -> list[RunReport]:
    """Run each mapping against one deadline; after Pardot's daily limit, or once the deadline
    has passed, the rest are reported as not started (no calls spent on them)."""
    mode: Mode = "dry_run" if request.dry_run else "incremental"
    reports: list[RunReport] = []
    for mapping in mappings:
        if isinstance(engine.last_error, DailyLimitReached):
            reports.append(
                RunReport(
                    mapping=mapping.name,
                    mode=mode,
                    status="failed",
                    message="not started: Pardot's daily API limit was reached earlier in "
                    "this call; the first call after the limit resets runs it",
                )
            )
            continue
        if time.monotonic() >= deadline:
            skipped = RunReport(
                mapping=mapping.name,
                mode=mode,
                status="failed",
                message="not started: this call's deadline was reached; the next call runs it",
            )
            skipped.retryable = True
            reports.append(skipped)
            continue
        reports.append(
            engine.run(
                mapping,
                full=request.full,
                dry_run=request.dry_run,
                deadline=deadline,
                delivery=delivery,
            )
        )
    return reports


def summary(reports: list[RunReport]) -> str:
    if not reports:
        return "no mapping ran"
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.status] = counts.get(report.status, 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in counts.items())
    return f"{len(reports)} mapping(s): {parts}"


# -- JSON log lines ------------------------------------------------------------------------------
#: Where the JSON lines go; None means sys.stdout (what Cloud Logging reads).
LOG_STREAM: TextIO | None = None
_TRACE: ContextVar[dict[str, Any] | None] = ContextVar("sheetsync_trace", default=None)
_WRITE = threading.Lock()
_metadata_project: list[str | None] = []  # cached answer of the metadata server
SEVERITY = {
    logging.DEBUG: "DEBUG",
    logging.INFO: "INFO",
    logging.WARNING: "WARNING",
    logging.ERROR: "ERROR",
    logging.CRITICAL: "CRITICAL",
}


def project_id(environ: Mapping[str, str]) -> str | None:
    """The Google Cloud project (for trace names): from the environment, else, on Cloud Run,
    from the metadata server (asked once)."""
    for name in ("GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "GCP_PROJECT"):
        if environ.get(name):
            return environ[name]
    if not environ.get("K_SERVICE"):
        return None
    if not _metadata_project:
        try:
            response = httpx.get(METADATA_PROJECT, headers={"Metadata-Flavor": "Google"}, timeout=2)
            found = response.text.strip() if response.status_code == 200 else None
        except httpx.HTTPError:
            found = None
        _metadata_project.append(found)
    return _metadata_project[0]


_TRACE_VALUE = re.compile(r"([0-9a-fA-F]{32})(?:/(\d{1,20}))?(?:;o=([01]))?")


def trace_fields(header: str, project: str | None) -> dict[str, Any]:
    """Cloud Logging's trace keys from ``X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1``."""
    found = _TRACE_VALUE.fullmatch(header.strip())
    if found is None or not project:
        return {}
    trace, span, sampled = found.groups()
    fields: dict[str, Any] = {
        "logging.googleapis.com/trace": f"projects/{project}/traces/{trace.lower()}"
    }
    if span is not None:
        fields["logging.googleapis.com/spanId"] = format(int(span) & (2**64 - 1), "016x")
    if sampled is not None:
        fields["logging.googleapis.com/trace_sampled"] = sampled == "1"
    return fields


def emit(severity: str, message: str, **fields: Any) -> None:
    """Write one structured log line to stdout (Cloud Logging reads it as jsonPayload)."""
    entry: dict[str, Any] = {"severity": severity, "message": message}
    entry.update(_TRACE.get() or {})
    entry.update(fields)
    line = json.dumps(entry, ensure_ascii=False, default=str)
    stream = LOG_STREAM or sys.stdout  # looked up per line: test runners swap sys.stdout
    with _WRITE:
        stream.write(line + "\n")
        stream.flush()


def error_event(environ: Mapping[str, str]) -> dict[str, Any]:
    """Keys that make Error Reporting take a log line without a traceback as an error."""
    return {
        "@type": ERROR_EVENT,
        "serviceContext": {
            "service": environ.get("K_SERVICE", "sheetsync"),
            "version": __version__,
        },
    }


def log_report(report: RunReport, delivery: str | None, environ: Mapping[str, str]) -> None:
    text = f"{report.mapping}: {report.status}"
    if report.message:
        text += f": {report.message}"
    fields: dict[str, Any] = {"report": report.to_json(), "mapping": report.mapping}
    if delivery is not None:
        fields["delivery"] = delivery
    if report.status == "ok":
        emit("INFO", text, **fields)
    elif report.retryable:
        emit("WARNING", text + " (a retry can fix this)", **fields)
    else:
        emit("ERROR", text, **fields, **error_event(environ))


class JsonLogHandler(logging.Handler):
    """Python log records as the same JSON lines (tracebacks in ``message``)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + "".join(traceback.format_exception(*record.exc_info))
            severity = SEVERITY.get(record.levelno, "DEFAULT")
            emit(severity, message, logger=record.name)
        except Exception:
            self.handleError(record)


class _WithoutEngineReportLines(logging.Filter):
    """The engine logs each run report as a plain line; the function logs it itself, with the
    call's context. Its tracebacks (internal errors) still pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "sheetsync.engine" and record.exc_info is None)


def configure_logging() -> JsonLogHandler:
    """Route Python logging to JSON lines on stdout (idempotent); sheetsync logs at INFO.

    Plain stream handlers on the root logger are removed, so that each record is one line:
    functions-framework installs one when ``LOG_EXECUTION_ID=true`` (it then still adds the
    execution id to every JSON line written to stdout during a call)."""
    logsafety.install()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    for handler in root.handlers:
        if isinstance(handler, JsonLogHandler):
            return handler
    handler = JsonLogHandler()
    handler.addFilter(_WithoutEngineReportLines())
    root.addHandler(handler)
    logging.getLogger("sheetsync").setLevel(logging.INFO)
    return handler


# -- the handler ---------------------------------------------------------------------------------
@dataclass
class _Context:
    environ: Mapping[str, str]
    started: float = field(default_factory=time.monotonic)


def handle(call: Call, environ: Mapping[str, str] | None = None) -> Answer:
    """Answer one call. Never raises: a bug answers 500 and logs its traceback."""
    env = os.environ if environ is None else environ
    token = _TRACE.set(trace_fields(call.header(TRACE_HEADER), project_id(env)))
    try:
        if call.method == "GET":
            return health(env)
        if call.method != "POST":
            return _refused(405, "use POST to sync and GET for health", "method")
        return _sync(call, _Context(env))
    except Exception:
        emit("ERROR", "internal error while handling a call\n" + traceback.format_exc())
        return Answer(
            500,
            {
                "status": "failed",
                "retry": False,
                "error": "internal",
                "message": "internal error; the traceback is in the function's log",
                "reports": [],
            },
        )
    finally:
        _TRACE.reset(token)


def _refused(code: int, message: str, error: str) -> Answer:
    emit("WARNING", f"call refused ({code}): {message}", http_status=code)
    return Answer(
        code,
        {"status": "failed", "retry": False, "error": error, "message": message, "reports": []},
    )


def _not_runnable(error: str, message: str, ctx: _Context, *, retry: bool = False) -> Answer:
    """Settings or mappings that stop every run: 200 (503 when a retry can fix it)."""
    if retry:
        emit("WARNING", f"nothing ran: {message}", error=error)
    else:
        emit("ERROR", f"nothing ran: {message}", error=error, **error_event(ctx.environ))
    return Answer(
        503 if retry else 200,
        {"status": "failed", "retry": retry, "error": error, "message": message, "reports": []},
    )


def _sync(call: Call, ctx: _Context) -> Answer:
    try:
        settings = Settings.load()
    except SettingsError as exc:
        return _not_runnable("settings", str(exc), ctx)
    refused = check_secret(settings.function_secret, call)
    if refused is not None:
        return _refused(*refused, "auth")
    try:
        request = parse_request(call.body)
        delivery = None if request.dry_run else delivery_of(call)
    except BadRequest as exc:
        return _refused(400, str(exc), "request")
    deadline = ctx.started + run_budget(settings, ctx.environ)
    emit(
        "INFO",
        f"sync requested: {request.mapping or 'every mapping'}"
        + (" (full)" if request.full else "")
        + (" (dry run)" if request.dry_run else ""),
        request=request.model_dump(),
        delivery=delivery,
    )
    try:
        mappings = mappings_from(settings, request.mapping)
    except MappingsUnavailable as exc:
        return _not_runnable("mappings", str(exc), ctx, retry=True)
    except MappingError as exc:
        return _not_runnable("mappings", str(exc), ctx)
    try:
        runtime = build_runtime(settings)
    except (SettingsError, SheetsError) as exc:
        return _not_runnable("settings", str(exc), ctx)
    try:
        reports = run_mappings(
            runtime.engine, mappings, request, deadline=deadline, delivery=delivery
        )
    finally:
        runtime.close()
    for report in reports:
        log_report(report, delivery, ctx.environ)
    code = status_code(reports)
    return Answer(
        code,
        {
            "status": worst_status(reports),
            "retry": code == 503,
            "message": summary(reports),
            "reports": [r.to_json() for r in reports],
        },
    )


def health(environ: Mapping[str, str]) -> Answer:
    """Version and configuration summary: what is set, never a secret's value."""
    body: dict[str, Any] = {
        "service": "sheetsync",
        "version": __version__,
        "python": platform.python_version(),
        "revision": environ.get("K_REVISION"),
    }
    problems: list[str] = []
    try:
        settings = Settings.load()
    except SettingsError as exc:
        problems.append(str(exc))
    else:
        body.update(
            auth_flow=settings.auth_flow,
            pardot_url=settings.pardot_url,
            mappings_location=settings.mappings,
            secret_header_required=settings.function_secret is not None,
            deadline_seconds=run_budget(settings, environ),
        )
        try:
            settings.pardot()
        except SettingsError as exc:
            problems.append(str(exc))
        try:
            body["mappings"] = [m.name for m in mappings_from(settings)]
        except MappingError as exc:
            problems.append(str(exc))
    body["status"] = "degraded" if problems else "ok"
    body["problems"] = problems
    return Answer(200, body)
