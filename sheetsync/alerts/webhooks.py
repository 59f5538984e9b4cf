"""Posting alert messages to Slack and Teams incoming webhooks.

A webhook URL is a secret (whoever has it can post to the channel). A mapping names it by a
setting: ``webhook: SALES_SLACK`` reads ``SHEETSYNC_WEBHOOK_SALES_SLACK``, or the file named by
``SHEETSYNC_WEBHOOK_SALES_SLACK_FILE`` (a Secret Manager mount), from the environment or the
``.env`` file. The URL is kept as a ``SecretStr``, never logged, never in a report or an error:
messages name the variable. httpx logs request URLs at INFO, so the URL is registered with
``sheetsync.logsafety``, whose filter replaces it with the variable's name.

Delivery retries a dropped connection, a timeout, 429 and 5xx with exponential backoff (tenacity;
``Retry-After`` honoured up to the cap), within a short total budget; any other answer is final.
A failed delivery is reported, never raised: it must not fail (or repeat) the sync.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

from sheetsync import logsafety
from sheetsync.mapping.alerts import WEBHOOK_ENV_PREFIX, Destination
from sheetsync.mapping.errors import Problem

if TYPE_CHECKING:
    from sheetsync.mapping.models import Mapping as SyncMapping

log = logging.getLogger("sheetsync.alerts")

ATTEMPTS = 4
BUDGET_SECONDS = 20.0  # all attempts of one message, waits included
TIMEOUT_SECONDS = 5.0
FIRST_WAIT = 0.5
MAX_WAIT = 4.0


class WebhookSettingError(Exception):
    """A destination's setting is missing or unusable; the message names the variable only."""


class _Retryable(Exception):
    def __init__(self, why: str, wait: float | None = None) -> None:
        super().__init__(why)
        self.wait = wait


@dataclass(frozen=True)
class Delivery:
    ok: bool
    attempts: int
    error: str | None = None


def _remember(url: str, variable: str) -> None:
    logsafety.remember_secret(url, variable)
    path = urlsplit(url).path
    if path.strip("/"):
        logsafety.remember_secret(path, variable)


# -- settings ------------------------------------------------------------------------------------
def _dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def webhook_environ(env_file: Path | None = Path(".env")) -> dict[str, str]:
    """The ``SHEETSYNC_WEBHOOK_*`` settings: the environment over the ``.env`` file."""
    merged = _dotenv(env_file) if env_file is not None else {}
    merged.update(os.environ)
    return {k: v for k, v in merged.items() if k.startswith(WEBHOOK_ENV_PREFIX)}


def webhook_problems(mappings: Iterable[SyncMapping], environ: Mapping[str, str]) -> list[Problem]:
    """Every alert destination whose webhook setting a sync could not use, at its
    ``webhook:`` line. Checked before any alert is due because a missing one drops the alert,
    and alerts are sent at most once. Messages name the variable, never the URL."""
    problems: list[Problem] = []
    for mapping in mappings:
        if mapping.alerts is None:
            continue
        for name, destination in mapping.alerts.destinations.items():
            try:
                webhook_url(destination.variable, environ)
            except WebhookSettingError as exc:
                line, key = mapping.locate(("alerts", "destinations", name, "webhook"))
                why = f"{exc}; alerts to '{name}' cannot be delivered"
                problems.append(Problem(mapping.file, line, key, why))
    return problems


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url(variable: str, environ: Mapping[str, str]) -> SecretStr:
    """The URL in ``variable`` (or in the file ``variable_FILE`` names)."""
    value = environ.get(variable)
    file_name = environ.get(variable + "_FILE")
    if value and file_name:
        raise WebhookSettingError(f"{variable} and {variable}_FILE are both set; set only one")
    if not value and file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise WebhookSettingError(
                f"{variable}_FILE names a file that cannot be read "
                f"({exc.strerror or type(exc).__name__})"
            ) from None
    if not value:
        raise WebhookSettingError(f"{variable} (or {variable}_FILE) is not set")
    value = value.strip()
    parts = urlsplit(value)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and _loopback(host))
    if not secure or not host:
        raise WebhookSettingError(
            f"{variable} is not an https:// URL (plain http is accepted on loopback only)"
        )
    _remember(value, variable)
    return SecretStr(value)


# -- delivery ------------------------------------------------------------------------------------
class WebhookSender:
    """Posts JSON messages to the webhooks mappings name. Built once per engine."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        attempts: int = ATTEMPTS,
        budget_seconds: float = BUDGET_SECONDS,
        timeout_seconds: float = TIMEOUT_SECONDS,
        env_file: Path | None = Path(".env"),
    ) -> None:
        if environ is None:
            environ = webhook_environ(env_file)
        self.environ = {k: v for k, v in environ.items() if k.startswith(WEBHOOK_ENV_PREFIX)}
        self.sleep = sleep
        self.attempts = attempts
        self.budget_seconds = budget_seconds
        self.timeout_seconds = timeout_seconds

    def url(self, destination: Destination) -> SecretStr:
        return webhook_url(destination.variable, self.environ)

    def send(self, destination: Destination, body: Mapping[str, Any]) -> Delivery:
        """Post ``body``; never raises. The error names the variable, never the URL."""
        try:
            url = self.url(destination)
        except WebhookSettingError as exc:
            return Delivery(False, 0, str(exc))
        attempts = 0

        def post() -> None:
            nonlocal attempts
            attempts += 1
            try:
                with httpx.Client(timeout=self.timeout_seconds, follow_redirects=False) as client:
                    answer = client.post(url.get_secret_value(), json=body)
            except httpx.TimeoutException:
                raise _Retryable("timed out") from None
            except httpx.TransportError as exc:
                raise _Retryable(f"connection failed ({type(exc).__name__})") from None
            if answer.status_code == 429 or answer.status_code >= 500:
                raise _Retryable(f"HTTP {answer.status_code}", _retry_after(answer))
            if not 200 <= answer.status_code < 300:
                raise _Final(f"HTTP {answer.status_code} {_reason(answer)}".strip())

        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(self.attempts) | stop_after_delay(self.budget_seconds),
            wait=_wait,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            retrying(post)
        except _Retryable as exc:
            why = f"{destination.variable}: {exc} after {attempts} attempt(s)"
            return Delivery(False, attempts, why)
        except _Final as exc:
            return Delivery(False, attempts, f"{destination.variable}: {exc}")
        return Delivery(True, attempts)


class _Final(Exception):
    """An answer a retry cannot change (a 4xx other than 429)."""


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome is not None else None
    asked = exc.wait if isinstance(exc, _Retryable) else None
    backoff = FIRST_WAIT * 2 ** (state.attempt_number - 1)
    return min(asked if asked is not None else backoff, MAX_WAIT)


def _retry_after(answer: httpx.Response) -> float | None:
    try:
        return max(float(answer.headers.get("retry-after", "")), 0.0)
    except ValueError:
        return None


def _reason(answer: httpx.Response) -> str:
    """Slack and Teams explain a refusal in a short text body (``invalid_token``, ...)."""
    text = answer.text.strip().splitlines()[0] if answer.text.strip() else ""
    return f"({text[:80]})" if text and "://" not in text else ""
