"""gspread pointed at the emulator: an HTTPClient subclass that rewrites Google's origins.

Patching ``gspread.urls`` does not work (``http_client`` copied the constants at import), so
the rewrite happens per request. The plain HTTPClient is used on purpose: gspread 6.2.1's
BackOffHTTPClient retries 429/5xx forever.
"""

from __future__ import annotations

from typing import Any

import gspread
from google.auth.credentials import AnonymousCredentials
from gspread.http_client import HTTPClient

GOOGLE_ORIGINS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def rewrite(url: str, origin: str) -> str:
    for google in GOOGLE_ORIGINS:
        if url.startswith(google):
            return origin.rstrip("/") + url[len(google) :]
    return url


def emulator_http_client(origin: str) -> type[HTTPClient]:
    """An HTTPClient class whose requests go to ``origin`` instead of Google."""

    class EmulatorHTTPClient(HTTPClient):
        base_origin = origin

        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            return super().request(method, rewrite(endpoint, self.base_origin), *args, **kwargs)

    return EmulatorHTTPClient


def gspread_client(origin: str) -> gspread.Client:
    """A real gspread.Client talking to the emulator at ``origin``, without credentials."""
    credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
    return gspread.Client(auth=credentials, http_client=emulator_http_client(origin))
