"""The Salesforce OAuth token endpoint (``POST /services/oauth2/token``) and access tokens.

Grants: JWT bearer (RS256, checked against the emulator's public key), ``refresh_token``,
``client_credentials`` and ``password``; client credentials may come in the form or as HTTP Basic.
Success answers like Salesforce (no ``expires_in``); each call issues a new random token that
lives ``token_lifetime_seconds`` on the emulator clock (None = forever) or until
:meth:`TokenService.expire_all`.

JWT checks, in order: three base64url parts with ``alg`` RS256 and a valid signature ("invalid
assertion"), ``iss`` = client id ("client identifier invalid"), ``sub`` = username ("user hasn't
approved this consumer"), ``aud`` = the emulator's origin ("audience is invalid"), ``exp`` in the
future and at most 3 minutes ahead, with 5 seconds of skew ("expired assertion" / "invalid
assertion: exp is more than 3 minutes ahead"). Decision: ``exp`` passes when it is valid on the
emulator clock **or** on real time, so a client that signs with its own clock keeps working after
a test moves the emulator clock (e.g. to expire access tokens); when both fail, the reason comes
from the clock closer to ``exp``. All JWT failures are HTTP 400 ``invalid_grant``.

The RSA key pair (2048 bits) is generated once per process and shared by all emulators.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..httpbase import Clock, Request, Response
from .config import PardotEmulatorConfig

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ORG_ID = "00D5e000000TESTEAA"
USER_ID = "0055e000000INTGUSR"
MAX_EXP_AHEAD = 180
SKEW = 5
BEARER = "Bearer"  # the token type of every access token issued


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    username: str
    password: str
    refresh_token: str
    private_key_pem: str
    public_key_pem: str

    def __repr__(self) -> str:  # never print secrets
        return f"Credentials(client_id={self.client_id!r}, username={self.username!r}, ...)"


@functools.cache
def key_pair() -> tuple[str, str]:
    """``(private PKCS8 PEM, public SubjectPublicKeyInfo PEM)``, made once per process."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def make_credentials() -> Credentials:
    private, public = key_pair()
    return Credentials(
        client_id="3MVG9" + secrets.token_urlsafe(60).replace("-", "A").replace("_", "B"),
        client_secret=secrets.token_hex(32).upper(),
        username="integration@sheetsync.example",
        password="emulator-" + secrets.token_urlsafe(12),
        refresh_token="5Aep861" + secrets.token_urlsafe(60).replace("-", ".").replace("_", "."),
        private_key_pem=private,
        public_key_pem=public,
    )


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> Response:
        body = {"error": self.error, "error_description": self.description}
        return Response.json(self.status, body)


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class TokenService:
    def __init__(
        self,
        credentials: Credentials,
        clock: Clock,
        config: PardotEmulatorConfig,
        base_url: Callable[[], str],
    ) -> None:
        self.credentials = credentials
        self.clock = clock
        self.config = config  # token_lifetime_seconds is read at each issue
        self._base_url = base_url
        self._lock = threading.Lock()
        self._tokens: dict[str, float | None] = {}  # token -> expiry (emulator epoch) or None
        public_key = serialization.load_pem_public_key(credentials.public_key_pem.encode())
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise ValueError("the emulator's public key must be an RSA key")
        self._public_key = public_key
        self.issued = 0

    # -- access tokens -----------------------------------------------------------------------
    def is_valid(self, token: str) -> bool:
        with self._lock:
            if token not in self._tokens:
                return False
            expiry = self._tokens[token]
        return expiry is None or self.clock.now().timestamp() < expiry

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
        return count

    def _issue(self) -> dict[str, Any]:
        now = self.clock.now().timestamp()
        token = f"{ORG_ID[:15]}!AQ" + secrets.token_urlsafe(72)
        lifetime = self.config.token_lifetime_seconds
        expiry = None if lifetime is None else now + lifetime
        with self._lock:
            self._tokens[token] = expiry
            self.issued += 1
        base = self._base_url()
        identity = f"{base}/id/{ORG_ID}/{USER_ID}"
        issued_at = str(int(now * 1000))
        signature = hmac.new(
            self.credentials.client_secret.encode(),
            (identity + issued_at).encode(),
            hashlib.sha256,
        ).digest()
        return {
            "access_token": token,
            "instance_url": base,
            "id": identity,
            "token_type": BEARER,
            "issued_at": issued_at,
            "signature": base64.b64encode(signature).decode(),
            "scope": "pardot_api",
        }

    # -- endpoint ----------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.method != "POST":
            return OAuthError("invalid_request", "must use HTTP POST", 405).response()
        form = {k: v[-1] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        self._basic_auth(request, form)
        try:
            grant = form.get("grant_type")
            if grant == JWT_GRANT:
                self._jwt(form.get("assertion", ""))
            elif grant == "refresh_token":
                self._client(form)
                if not hmac.compare_digest(
                    form.get("refresh_token", ""), self.credentials.refresh_token
                ):
                    raise OAuthError("invalid_grant", "expired access/refresh token")
            elif grant == "client_credentials":
                self._client(form)
            elif grant == "password":
                self._client(form)
                same_user = form.get("username") == self.credentials.username
                same_password = hmac.compare_digest(
                    form.get("password", ""), self.credentials.password
                )
                if not (same_user and same_password):
                    raise OAuthError("invalid_grant", "authentication failure")
            else:
                raise OAuthError("unsupported_grant_type", "grant type not supported")
        except OAuthError as exc:
            return exc.response()
        return Response.json(200, self._issue(), {"Cache-Control": "no-cache,must-revalidate"})

    @staticmethod
    def _basic_auth(request: Request, form: dict[str, str]) -> None:
        header = request.header("authorization") or ""
        if not header.lower().startswith("basic "):
            return
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return
        client_id, _, client_secret = decoded.partition(":")
        form.setdefault("client_id", client_id)
        form.setdefault("client_secret", client_secret)

    def _client(self, form: dict[str, str]) -> None:
        if form.get("client_id") != self.credentials.client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if not hmac.compare_digest(form.get("client_secret", ""), self.credentials.client_secret):
            raise OAuthError("invalid_client", "invalid client credentials")

    def _jwt(self, assertion: str) -> None:
        invalid = OAuthError("invalid_grant", "invalid assertion")
        parts = assertion.split(".")
        if len(parts) != 3:
            raise invalid
        try:
            header = json.loads(_b64url(parts[0]))
            claims = json.loads(_b64url(parts[1]))
            signature = _b64url(parts[2])
        except (ValueError, binascii.Error):
            raise invalid from None
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            raise invalid
        if not isinstance(claims, dict):
            raise invalid
        try:
            self._public_key.verify(
                signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            raise invalid from None
        if claims.get("iss") != self.credentials.client_id:
            raise OAuthError("invalid_grant", "client identifier invalid")
        if claims.get("sub") != self.credentials.username:
            raise OAuthError("invalid_grant", "user hasn't approved this consumer")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        own = self._base_url().rstrip("/")
        if not any(isinstance(a, str) and a.rstrip("/") == own for a in audiences):
            raise OAuthError("invalid_grant", "audience is invalid")
        self._check_exp(claims.get("exp"))

    def _check_exp(self, exp: Any) -> None:
        if isinstance(exp, bool) or not isinstance(exp, int | float):
            raise OAuthError("invalid_grant", "invalid assertion: exp is missing")
        clocks = (self.clock.now().timestamp(), time.time())
        reasons: list[tuple[float, str]] = []
        for now in clocks:
            if exp <= now - SKEW:
                reasons.append((abs(exp - now), "expired assertion"))
            elif exp > now + MAX_EXP_AHEAD + SKEW:
                reasons.append(
                    (abs(exp - now), "invalid assertion: exp is more than 3 minutes ahead")
                )
            else:
                return
        raise OAuthError("invalid_grant", min(reasons)[1])
