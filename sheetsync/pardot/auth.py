"""Salesforce OAuth 2.0 for a headless job: JWT bearer, refresh token, client credentials.

Salesforce token responses carry no ``expires_in`` (the lifetime follows the org's session
settings), so a token is cached until Pardot refuses it (code 184 or a bare 401); then the
client asks :class:`TokenManager` for a fresh one, once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from google.auth import crypt, jwt
from pydantic import SecretStr

from sheetsync.pardot.errors import ConfigurationError, TokenEndpointError, TransientError
from sheetsync.settings import PardotConfig

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Salesforce accepts an assertion whose exp is at most 3 minutes ahead.
JWT_LIFETIME_SECONDS = 170


class TokenFlow(Protocol):
    """Builds the form body of one token request."""

    @property
    def name(self) -> str: ...

    def form(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class JwtBearerFlow:
    """OAuth 2.0 JWT bearer flow: an RS256 assertion signed with the app's private key.

    ``aud`` is the Salesforce login (or test) URL, not the host the token is requested from.
    """

    client_id: str
    username: str
    private_key: SecretStr
    audience: str
    clock: Callable[[], float] = time.time
    name: str = "jwt"

    def form(self) -> dict[str, str]:
        try:
            signer = crypt.RSASigner.from_string(  # type: ignore[no-untyped-call]
                self.private_key.get_secret_value()
            )
        except (ValueError, TypeError, IndexError) as exc:
            raise ConfigurationError(
                "SHEETSYNC_PRIVATE_KEY is not a PEM RSA private key "
                f"({type(exc).__name__}); use the key whose certificate is uploaded to the "
                "connected app"
            ) from None
        claims = {
            "iss": self.client_id,
            "sub": self.username,
            "aud": self.audience,
            "exp": int(self.clock()) + JWT_LIFETIME_SECONDS,
        }
        assertion = jwt.encode(signer, claims)  # type: ignore[no-untyped-call]
        return {"grant_type": JWT_GRANT, "assertion": assertion.decode("ascii")}


@dataclass(frozen=True)
class RefreshTokenFlow:
    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr
    name: str = "refresh_token"

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "refresh_token",
            "refresh_token": self.refresh_token.get_secret_value(),
            "client_id": self.client_id,
            "client_secret": self.client_secret.get_secret_value(),
        }


@dataclass(frozen=True)
class ClientCredentialsFlow:
    """Needs the org's My Domain token URL and a "run as" user on the connected app."""

    client_id: str
    client_secret: SecretStr
    name: str = "client_credentials"

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret.get_secret_value(),
        }


def flow_for(config: PardotConfig) -> TokenFlow:
    """The token flow the settings choose (they were checked for completeness already)."""
    if config.auth_flow == "jwt":
        if not (config.username and config.private_key):
            raise ValueError("the jwt flow needs a username and a private key")
        return JwtBearerFlow(config.client_id, config.username, config.private_key, config.audience)
    if config.auth_flow == "refresh_token":
        if not (config.client_secret and config.refresh_token):
            raise ValueError("the refresh_token flow needs a client secret and a refresh token")
        return RefreshTokenFlow(config.client_id, config.client_secret, config.refresh_token)
    if not config.client_secret:
        raise ValueError("the client_credentials flow needs a client secret")
    return ClientCredentialsFlow(config.client_id, config.client_secret)


# Salesforce answers a concurrent refresh with invalid_grant and this text; it is worth a retry.
_RETRYABLE_GRANT_TEXT = ("already being processed",)


def _grant_hint(flow: str) -> str:
    """What to check when Salesforce answers ``invalid_grant`` to a flow."""
    if flow == "jwt":
        return (
            "check SHEETSYNC_USERNAME, that the certificate of SHEETSYNC_PRIVATE_KEY is uploaded "
            "to the connected app, that the user is pre-authorized, and "
            "SHEETSYNC_SALESFORCE_AUDIENCE (login vs test)"
        )
    if flow == "refresh_token":
        return "the refresh token is expired or revoked: issue a new one (SHEETSYNC_REFRESH_TOKEN)"
    if flow == "client_credentials":
        return "check the connected app's client credentials flow and its run-as user"
    return ""


def token_error(status: int, body: Mapping[str, object] | None, flow: str) -> Exception:
    """The exception for a refused token request (never includes secrets)."""
    error = str((body or {}).get("error", "")) or f"HTTP {status}"
    description = str((body or {}).get("error_description", ""))
    if status >= 500 or any(t in description for t in _RETRYABLE_GRANT_TEXT):
        return TransientError(f"token endpoint: {error} {description}".strip(), status=status)
    hint = {
        "invalid_client_id": "check SHEETSYNC_CLIENT_ID (the connected app's consumer key)",
        "invalid_client": "check SHEETSYNC_CLIENT_SECRET",
        "invalid_grant": _grant_hint(flow),
        "unsupported_grant_type": "the connected app does not allow this flow",
    }.get(error, "")
    text = f"Salesforce refused the {flow} token request: {error}"
    if description:
        text += f" ({description})"
    if hint:
        text += f" — {hint}"
    return TokenEndpointError(text, status=status, endpoint="token")


class TokenManager:
    """Caches the access token; refreshes it at most once per refusal, across threads."""

    def __init__(self, fetch: Callable[[], str]) -> None:
        self._fetch = fetch
        self._token: str | None = None
        self._lock = threading.Lock()
        self.fetches = 0

    def current(self) -> str:
        with self._lock:
            if self._token is None:
                self._token = self._fetch()
                self.fetches += 1
            return self._token

    def refresh(self, stale: str) -> str:
        """A new token unless another thread already replaced ``stale``."""
        with self._lock:
            if self._token is None or self._token == stale:
                self._token = self._fetch()
                self.fetches += 1
            return self._token
