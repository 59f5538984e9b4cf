"""Settings from the environment (prefix ``SHEETSYNC_``, ``.env`` supported).

Every secret is a ``SecretStr`` and is also accepted as ``…_FILE`` naming a file that holds it
(the way Secret Manager mounts secrets). Nothing here ever prints a secret: errors name the
variable, never its value.

Settings are loaded once, leniently: a command that needs Pardot calls :meth:`Settings.pardot`,
which checks that the chosen auth flow has everything it needs and fails naming the variables
that are missing or inconsistent. Commands that do not talk to Pardot never fail on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SHEETSYNC_"
AuthFlow = Literal["jwt", "refresh_token", "client_credentials"]

# Secret settings and the matching `<NAME>_FILE` variables.
SECRET_FIELDS = ("client_secret", "private_key", "refresh_token", "function_secret")

PRODUCTION_LOGIN = "https://login.salesforce.com"
SANDBOX_LOGIN = "https://test.salesforce.com"


class SettingsError(Exception):
    """A missing or inconsistent setting; the message names the variable(s)."""


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def default_audience(login_url: str) -> str:
    """The JWT ``aud`` Salesforce expects for a login URL.

    Salesforce wants ``https://login.salesforce.com`` for production (also when the token is
    requested from a My Domain host) and ``https://test.salesforce.com`` for sandboxes, never the
    token endpoint's own host. Any other host (an Experience Cloud site, or the local emulator)
    is its own audience.
    """
    host = (urlsplit(login_url).hostname or "").lower()
    if host == "test.salesforce.com" or host.endswith(".sandbox.my.salesforce.com"):
        return SANDBOX_LOGIN
    if host == "login.salesforce.com" or host.endswith(".my.salesforce.com"):
        return PRODUCTION_LOGIN
    return _origin(login_url)


@dataclass(frozen=True)
class PardotConfig:
    """Everything the Pardot client needs, checked for consistency."""

    pardot_url: str
    business_unit_id: str
    login_url: str
    audience: str
    auth_flow: AuthFlow
    client_id: str
    client_secret: SecretStr | None
    username: str | None
    private_key: SecretStr | None
    refresh_token: SecretStr | None
    max_calls_per_run: int | None
    timeout_seconds: float
    timezone: str | None

    @property
    def token_url(self) -> str:
        return self.login_url.rstrip("/") + "/services/oauth2/token"


class Settings(BaseSettings):
    """All ``SHEETSYNC_*`` settings. See the README's settings table for each one."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        hide_input_in_errors=True,
    )

    # Pardot (Account Engagement)
    pardot_url: str = "https://pi.pardot.com"
    pardot_business_unit_id: str | None = None
    pardot_max_calls_per_run: int | None = Field(default=5000, ge=1)
    pardot_timeout_seconds: float = Field(default=60.0, gt=0)
    pardot_timezone: str | None = None  # IANA name; used to read export CSV dates

    # Salesforce OAuth
    salesforce_login_url: str = PRODUCTION_LOGIN
    salesforce_audience: str | None = None
    auth_flow: AuthFlow = "jwt"
    client_id: str | None = None
    client_secret: SecretStr | None = None
    client_secret_file: Path | None = None
    username: str | None = None
    private_key: SecretStr | None = None
    private_key_file: Path | None = None
    refresh_token: SecretStr | None = None
    refresh_token_file: Path | None = None

    # Google Sheets
    google_credentials: Path | None = None
    sheets_url: str | None = None
    # Quota pacing: Sheets requests of each kind sent per minute at most (Google allows 60 per
    # user). Unset: 55 against Google, no pacing against an emulator; 0: no pacing.
    sheets_reads_per_minute: int | None = Field(default=None, ge=0)
    sheets_writes_per_minute: int | None = Field(default=None, ge=0)

    # Sync behaviour
    mappings: str = "mappings"
    lookback_minutes: int = Field(default=15, ge=0)
    full_sync_every_hours: float = Field(default=24.0, gt=0)
    max_remove_percent: float = Field(default=20.0, ge=0, le=100)
    # Full reads of more records than this use Pardot's Export API (0: never).
    export_above: int = Field(default=50_000, ge=0)

    # Cloud Function (cloudfunction/main.py) and `sheetsync resync`
    function_secret: SecretStr | None = None  # optional X-Sheetsync-Secret header value
    function_secret_file: Path | None = None
    function_url: str | None = None  # the deployed function, for `sheetsync resync`
    # Seconds a call may run before it stops cleanly (default: from CLOUD_RUN_TIMEOUT_SECONDS).
    deadline_seconds: float | None = Field(default=None, gt=0)

    @field_validator("auth_flow", mode="before")
    @classmethod
    def _flow_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("pardot_url", "salesforce_login_url", "salesforce_audience", "sheets_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://pi.pardot.com")
        return value.rstrip("/")

    @field_validator("pardot_business_unit_id")
    @classmethod
    def _business_unit(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value.startswith("0Uv") or len(value) not in (15, 18) or not value.isalnum():
            raise ValueError(
                "must be the 18-character business unit id starting with 0Uv "
                "(Salesforce Setup → Business Unit Setup)"
            )
        return value

    @field_validator("pardot_timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{value}' (use an IANA name such as Europe/Paris)"
            ) from None
        return value

    @model_validator(mode="after")
    def _secrets_from_files(self) -> Settings:
        for name in SECRET_FIELDS:
            path: Path | None = getattr(self, f"{name}_file")
            if path is None:
                continue
            if getattr(self, name) is not None:
                raise ValueError(
                    f"{env_name(name)} and {env_name(name + '_file')} are both set; set only one"
                )
            try:
                text = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValueError(
                    f"{env_name(name + '_file')} names a file that cannot be read "
                    f"({exc.strerror or type(exc).__name__}: {path})"
                ) from None
            if not text:
                raise ValueError(f"{env_name(name + '_file')} names an empty file: {path}")
            setattr(self, name, SecretStr(text))
        return self

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Load from the environment, turning validation errors into a :class:`SettingsError`."""
        try:
            return cls(**overrides)
        except ValidationError as exc:
            raise SettingsError(_describe(exc)) from None

    def pardot(self) -> PardotConfig:
        """The Pardot configuration, or a :class:`SettingsError` naming what is missing."""
        missing: list[str] = []
        if not self.pardot_business_unit_id:
            missing.append(env_name("pardot_business_unit_id"))
        if not self.client_id:
            missing.append(env_name("client_id"))
        flow = self.auth_flow
        needs: list[str] = []
        if flow == "jwt":
            if not self.username:
                needs.append(env_name("username"))
            if self.private_key is None:
                needs.append(f"{env_name('private_key')} (or {env_name('private_key_file')})")
        elif flow == "refresh_token":
            if self.refresh_token is None:
                needs.append(f"{env_name('refresh_token')} (or {env_name('refresh_token_file')})")
            if self.client_secret is None:
                needs.append(f"{env_name('client_secret')} (or {env_name('client_secret_file')})")
        elif self.client_secret is None:
            needs.append(f"{env_name('client_secret')} (or {env_name('client_secret_file')})")
        if missing or needs:
            parts = []
            if missing:
                parts.append("Pardot needs " + ", ".join(missing))
            if needs:
                parts.append(f"{env_name('auth_flow')}={flow} needs " + ", ".join(needs))
            raise SettingsError("missing settings: " + "; ".join(parts))
        if flow == "client_credentials":
            host = urlsplit(self.salesforce_login_url).hostname or ""
            if host in ("login.salesforce.com", "test.salesforce.com"):
                raise SettingsError(
                    f"{env_name('auth_flow')}=client_credentials needs your My Domain URL in "
                    f"{env_name('salesforce_login_url')} (https://<domain>.my.salesforce.com), "
                    f"not {self.salesforce_login_url}"
                )
        pardot_host = urlsplit(self.pardot_url).hostname or ""
        login_host = urlsplit(self.salesforce_login_url).hostname or ""
        if pardot_host == "pi.pardot.com" and login_host == "test.salesforce.com":
            raise SettingsError(
                f"{env_name('salesforce_login_url')} is a sandbox (test.salesforce.com) but "
                f"{env_name('pardot_url')} is production (pi.pardot.com): sandboxes use "
                "https://pi.demo.pardot.com"
            )
        # Type narrowing only: the checks above raised SettingsError for anything missing.
        if flow == "jwt":
            assert self.private_key is not None  # nosec B101
            _check_private_key(self.private_key)
        assert self.pardot_business_unit_id and self.client_id  # nosec B101
        return PardotConfig(
            pardot_url=self.pardot_url,
            business_unit_id=self.pardot_business_unit_id,
            login_url=self.salesforce_login_url,
            audience=self.salesforce_audience or default_audience(self.salesforce_login_url),
            auth_flow=flow,
            client_id=self.client_id,
            client_secret=self.client_secret,
            username=self.username,
            private_key=self.private_key,
            refresh_token=self.refresh_token,
            max_calls_per_run=self.pardot_max_calls_per_run,
            timeout_seconds=self.pardot_timeout_seconds,
            timezone=self.pardot_timezone,
        )


def _check_private_key(key: SecretStr) -> None:
    """Fail now, naming the setting, rather than at the first token request."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        loaded = load_pem_private_key(key.get_secret_value().encode(), password=None)
    except (ValueError, TypeError):
        loaded = None
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise SettingsError(
            f"{env_name('private_key')} (or {env_name('private_key_file')}) is not an unencrypted "
            "PEM RSA private key; use the key whose certificate is uploaded to the connected app "
            "(openssl req -x509 -newkey rsa:2048 -nodes ... writes one)"
        )


#: Pydantic's wording, in the words the mapping files' messages use.
_PLAIN = {
    "float_parsing": "must be a number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "greater_than_equal": "must be at least {ge:g}",
    "greater_than": "must be more than {gt:g}",
    "less_than_equal": "must be at most {le:g}",
    "less_than": "must be less than {lt:g}",
}


def _plain(error: Any, field: str | None) -> str:
    """One validation error in plain words, with the value typed unless it may be a secret."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        message = f"must be one of {expected}"
    elif kind in _PLAIN:
        message = _PLAIN[kind].format(**ctx)
    else:
        return str(error.get("msg", "invalid")).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float) and field not in SECRET_FIELDS:
        message += f" (got {str(value)[:60]!r})"
    return message


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part != "__root__"]
        message = _plain(error, loc[0] if loc else None)
        if loc:
            lines.append(f"{env_name(loc[0])}: {message}")
        else:
            lines.append(message)
    return "invalid settings: " + "; ".join(lines)
