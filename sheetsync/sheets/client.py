"""Build the gspread client: credentials, scope, emulator URL, timeout.

- ``SHEETSYNC_SHEETS_URL`` set: the client talks to that URL with anonymous credentials, so no
  Google token is ever sent anywhere but Google. Only a loopback URL (127.0.0.1, localhost,
  ::1) is accepted: an emulator runs locally; any other host is refused.
- else ``SHEETSYNC_GOOGLE_CREDENTIALS`` set: that service-account key file.
- else Application Default Credentials (Cloud Run / Cloud Functions service account, or
  ``gcloud auth application-default login``).

The scope is ``spreadsheets`` only: opening a sheet by id needs no Drive access.

Quota pacing (:mod:`sheetsync.sheets.pacing`): :func:`build_client` gives every client the
process's shared pacer for its account and URL, set from ``SHEETSYNC_SHEETS_READS_PER_MINUTE``
and ``SHEETSYNC_SHEETS_WRITES_PER_MINUTE``.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import google.auth
import gspread
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError
from google.oauth2 import service_account

from sheetsync.settings import Settings

from .errors import CredentialsError
from .pacing import Pacer, limits_from_settings, shared_pacer
from .transport import DEFAULT_TIMEOUT, GatewayHTTPClient

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_credentials(key_file: Path | None) -> Credentials:
    """Credentials from a key file, or Application Default Credentials; scope ``spreadsheets``."""
    if key_file is not None:
        if not key_file.is_file():
            raise CredentialsError(
                f"SHEETSYNC_GOOGLE_CREDENTIALS names a file that does not exist: {key_file}"
            )
        try:
            load = service_account.Credentials.from_service_account_file
            loaded = load(str(key_file), scopes=list(SCOPES))  # type: ignore[no-untyped-call]
        except (GoogleAuthError, ValueError, KeyError, OSError):
            # The library's text may quote the file: name the file, never its content.
            raise CredentialsError(
                f"SHEETSYNC_GOOGLE_CREDENTIALS ({key_file}) is not a usable Google key file: "
                "expected a service-account key (JSON with type, client_email, private_key)"
            ) from None
        return cast(Credentials, loaded)
    try:
        credentials, _project = google.auth.default(scopes=list(SCOPES))
    except DefaultCredentialsError:
        raise CredentialsError(
            "no Google credentials found: set SHEETSYNC_GOOGLE_CREDENTIALS to a service-account "
            "key file, or run where Application Default Credentials exist (Cloud Run or Cloud "
            "Functions, or after `gcloud auth application-default login`)"
        ) from None
    return credentials


def build_client(
    settings: Settings, *, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT
) -> gspread.Client:
    """A gspread client whose every request goes through :class:`GatewayHTTPClient`.

    Its requests are paced by the process's pacer for the account (one per Google user, shared
    by every client built for it: the quota is per user).
    """
    limits = limits_from_settings(
        settings.sheets_reads_per_minute,
        settings.sheets_writes_per_minute,
        emulator=bool(settings.sheets_url),
    )
    if settings.sheets_url:
        if not is_loopback(settings.sheets_url):
            raise CredentialsError(
                f"SHEETSYNC_SHEETS_URL={settings.sheets_url} is not a loopback address: it "
                "may only point at a local emulator (127.0.0.1, localhost or ::1), which gets no "
                "credentials; unset it to talk to Google"
            )
        pacer = shared_pacer(f"{settings.sheets_url} anonymous", limits)
        return client_for_url(settings.sheets_url, timeout=timeout, pacer=pacer)
    credentials = load_credentials(settings.google_credentials)
    client = gspread.Client(auth=credentials, http_client=GatewayHTTPClient)
    client.set_timeout(timeout)
    http = _gateway_http(client)
    http.pacer = shared_pacer(f"google {account_email(client) or 'default'}", limits)
    return client


def client_for_url(
    url: str,
    *,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    pacer: Pacer | None = None,
) -> gspread.Client:
    """An anonymous client for a loopback emulator URL (tests, ``sheetsync demo``).

    Requests go unpaced unless ``pacer`` is given.
    """
    if not is_loopback(url):
        raise CredentialsError(f"anonymous access is only allowed to a loopback URL, not {url}")
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = gspread.Client(auth=anonymous, http_client=GatewayHTTPClient)
    http = _gateway_http(client)
    http.base_url = url.rstrip("/")
    http.pacer = pacer
    client.set_timeout(timeout)
    return client


def _gateway_http(client: gspread.Client) -> GatewayHTTPClient:
    """The client's HTTP client, the counting one it was built with."""
    http = client.http_client
    if not isinstance(http, GatewayHTTPClient):  # gspread did not use the class it was given
        raise TypeError(f"gspread built a {type(http).__name__}, not a GatewayHTTPClient")
    return http


def account_email(client: gspread.Client) -> str | None:
    """The service account's e-mail, when the credentials know it (to say whom to share with)."""
    auth: Any = getattr(client.http_client, "auth", None)
    email = getattr(auth, "service_account_email", None)
    return email if isinstance(email, str) and "@" in email else None
