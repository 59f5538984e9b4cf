"""``sheetsync resync``: ask the deployed Cloud Function to sync now, as the caller's Google
identity (the function is deployed with ``--no-allow-unauthenticated``: the caller needs
``roles/run.invoker`` on it).

The identity token comes from ``google.oauth2.id_token.fetch_id_token`` (a service-account key
in ``GOOGLE_APPLICATION_CREDENTIALS``, or the metadata server on Google Cloud), and, when that
cannot make one (a user's ``gcloud auth application-default login``), from
``gcloud auth print-identity-token``. The token goes only to the function's URL, which must be
https, or a loopback address for a local functions-framework (there a call without any Google
credentials goes without a token).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess  # nosec B404  # runs the user's gcloud CLI only (gcloud_identity_token)
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from sheetsync.function import SECRET_HEADER
from sheetsync.report import RunReport
from sheetsync.sheets.client import is_loopback

TokenSource = Callable[[str], str]
#: How long to wait for the function's answer: a long sync runs up to its deadline (30 min).
DEFAULT_TIMEOUT = 3600.0


class ResyncError(Exception):
    """The function could not be asked, or did not answer with run reports."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class ResyncAnswer:
    """What the function answered: its status code, overall status and the run reports."""

    http_status: int
    status: str
    message: str
    reports: list[RunReport] = field(default_factory=list)
    error: str | None = None  # settings | mappings | request | auth | internal

    @property
    def exit_code(self) -> int:
        """As ``sheetsync sync``: 0 all ok, 2 bad settings or mappings, 1 otherwise."""
        if self.error in ("settings", "mappings", "request"):
            return 2
        if self.error is not None or not self.reports:
            return 1
        return 0 if all(r.status == "ok" for r in self.reports) else 1


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.netloc:
        return url.rstrip("/")
    if parts.scheme == "http" and is_loopback(url):
        return url.rstrip("/")
    raise ResyncError(
        f"the function URL must be https:// (or http:// on this machine), not {url!r}", 2
    )


def fetch_id_token(audience: str) -> str:
    """An ID token for ``audience`` from google-auth (service account or metadata server)."""
    import google.auth.transport.requests
    import google.oauth2.id_token

    token = google.oauth2.id_token.fetch_id_token(  # type: ignore[no-untyped-call]
        google.auth.transport.requests.Request(), audience
    )
    return str(token)


def gcloud_identity_token(_audience: str) -> str:
    """The signed-in gcloud user's identity token (Cloud Run accepts it for invokers)."""
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        raise ResyncError("cannot run gcloud (it is not on the PATH)")
    try:
        result = subprocess.run(  # nosec B603  # fixed argv, no shell, gcloud found on PATH
            [gcloud, "auth", "print-identity-token"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ResyncError(f"cannot run gcloud ({type(exc).__name__})") from None
    token = result.stdout.strip()
    if result.returncode != 0 or not token:
        reason = (result.stderr.strip().splitlines() or ["no token printed"])[-1][:200]
        raise ResyncError(f"gcloud auth print-identity-token failed: {reason}")
    return token


def identity_token(
    audience: str,
    *,
    fetch: TokenSource | None = None,
    fallback: TokenSource | None = None,
) -> str:
    """An identity token for the function: google-auth first, then gcloud."""
    try:
        return (fetch or fetch_id_token)(audience)
    except Exception:  # google-auth raises several types; the fallback decides
        try:
            return (fallback or gcloud_identity_token)(audience)
        except ResyncError as exc:
            raise ResyncError(
                "no Google identity token: set GOOGLE_APPLICATION_CREDENTIALS to a service "
                f"account key, or sign in with `gcloud auth login` ({exc})"
            ) from None


def report_from_json(data: dict[str, Any]) -> RunReport:
    known = {f.name for f in dataclasses.fields(RunReport)}
    return RunReport(**{k: v for k, v in data.items() if k in known})


def request_sync(
    url: str,
    *,
    mapping: str | None = None,
    full: bool = False,
    dry_run: bool = False,
    secret: SecretStr | None = None,
    token_source: TokenSource | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ResyncAnswer:
    """POST a sync request to the function and read its answer."""
    url = check_url(url)
    headers: dict[str, str] = {}
    try:
        headers["Authorization"] = f"Bearer {(token_source or identity_token)(url)}"
    except ResyncError:
        if not is_loopback(url):
            raise
        # A local functions-framework checks no identity: go without one.
    if secret is not None:
        headers[SECRET_HEADER] = secret.get_secret_value()
    body = {"mapping": mapping, "full": full, "dry_run": dry_run}
    try:
        response = httpx.post(
            url, json=body, headers=headers, timeout=httpx.Timeout(timeout, connect=30.0)
        )
    except httpx.HTTPError as exc:
        raise ResyncError(f"cannot reach {url} ({type(exc).__name__})") from None
    return read_answer(response)


def read_answer(response: httpx.Response) -> ResyncAnswer:
    code = response.status_code
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list):
        raise ResyncError(_without_reports(code, response.text))
    return ResyncAnswer(
        http_status=code,
        status=str(data.get("status", "failed")),
        message=str(data.get("message", "")),
        reports=[report_from_json(r) for r in data["reports"] if isinstance(r, dict)],
        error=data.get("error") if isinstance(data.get("error"), str) else None,
    )


def _without_reports(code: int, text: str) -> str:
    """Why an answer that is not the function's own (Cloud Run's IAM, its queue) failed."""
    if code in (401, 403):
        why = (
            "the function refused your identity: you need roles/run.invoker on it "
            "(gcloud functions add-invoker-policy-binding), and the URL must be the function's"
        )
    elif code == 429:
        why = "the function is busy (a sync is probably running): try again in a minute"
    else:
        why = " ".join(text.split())[:200] or "no answer body"
    return f"the function answered {code}: {why}"
