"""The Pardot emulator as tests, the demo and ``sheetsync emulate`` use it.

    with PardotEmulator(prospects=1000, seed=7) as emu:
        emu.url, emu.business_unit_id, emu.credentials, emu.settings_env("jwt")
        emu.store.update_prospect(emu.store.ids()[0], firstName="Ann")
        emu.server.stats(), emu.clock.advance(3600), emu.expire_tokens()

One loopback HTTP server answers both the Salesforce token endpoint and the Pardot API.
``start=None`` (default) runs the clock from real time; the generated data is anchored at the
clock's start, so pass ``start=`` for data that is identical run after run.

Stats: besides the base keys, ``server.stats()`` has ``warnings`` (``{"203": n}``: chain-cap
warnings sent) and ``api_usage`` (``{"today": n, "daily_limit": x}``); ``emu.warnings_sent`` is
the same counter.

``membership_filters=False``: ``list-memberships`` queries refuse the ``listId`` and
``prospectId`` filters as unknown filters (code 51), as a Pardot without them would (the spec
lists only ``id``, ``createdAt`` and ``updatedAt`` filters there; the two are UNCONFIRMED).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..httpbase import Clock, EmulatorServer, Request, Response
from .app import PardotApp
from .auth import Credentials, TokenService, make_credentials
from .config import DEFAULT_BUSINESS_UNIT_ID, PardotEmulatorConfig
from .store import Store
from .timeutil import to_epoch, zone

AUTH_FLOWS = ("jwt", "refresh_token", "client_credentials")


class PardotServer(EmulatorServer):
    """An :class:`EmulatorServer` that holds a concurrency slot for each API request from its
    arrival to its answer, so that injected latency occupies a slot like a slow request does."""

    def __init__(self, app: PardotApp, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(app, host, port)
        self.pardot = app

    def dispatch(self, request: Request) -> Response:
        if not self.pardot.limits_concurrency(request):
            return super().dispatch(request)
        with self.pardot.in_flight():
            return super().dispatch(request)

    def stats(self) -> dict[str, Any]:
        data = super().stats()
        data["warnings"] = dict(self.pardot.warnings)
        data["api_usage"] = {
            "today": self.pardot.calls_today(),
            "daily_limit": self.pardot.config.daily_limit,
        }
        return data

    def reset_stats(self) -> None:
        super().reset_stats()
        self.pardot.warnings.clear()


class PardotEmulator:
    """Pardot API v5 + Salesforce token endpoint on ``127.0.0.1`` (free port by default)."""

    def __init__(
        self,
        prospects: int = 1000,
        seed: int = 7,
        daily_limit: int | None = None,
        token_lifetime_seconds: float | None = 7200,
        page_token_ttl_seconds: float = 4 * 3600,
        chain_cap: int = 100_000,
        timezone: str = "America/Los_Angeles",
        start: datetime | None = None,
        max_concurrent: int = 5,
        export_polls_until_complete: int = 2,
        export_rows_per_file: int = 50_000,
        business_unit_id: str = DEFAULT_BUSINESS_UNIT_ID,
        membership_filters: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if chain_cap < 1 or max_concurrent < 1 or export_rows_per_file < 1:
            raise ValueError("chain_cap, max_concurrent and export_rows_per_file must be >= 1")
        self.config = PardotEmulatorConfig(
            prospects=prospects,
            seed=seed,
            daily_limit=daily_limit,
            token_lifetime_seconds=token_lifetime_seconds,
            page_token_ttl_seconds=page_token_ttl_seconds,
            chain_cap=chain_cap,
            timezone=timezone,
            max_concurrent=max_concurrent,
            export_polls_until_complete=export_polls_until_complete,
            export_rows_per_file=export_rows_per_file,
            business_unit_id=business_unit_id,
            membership_filters=membership_filters,
        )
        self.clock = Clock(start)
        anchor = to_epoch(start) if start is not None else to_epoch(self.clock.now())
        self.credentials: Credentials = make_credentials()
        self.store = Store(self.clock, zone(timezone))
        self.app = PardotApp(
            self.config,
            self.clock,
            self.store,
            TokenService(
                self.credentials,
                self.clock,
                self.config,
                lambda: self.app.base_url,
            ),
            anchor,
        )
        self.server = PardotServer(self.app, host, port)
        self.app.base_url = self.server.url
        self.app.seed_data(prospects, seed)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> PardotEmulator:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> PardotEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- facts -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.server.url

    @property
    def business_unit_id(self) -> str:
        return self.config.business_unit_id

    @property
    def timezone(self) -> str:
        return self.config.timezone

    @property
    def warnings_sent(self) -> dict[str, int]:
        """Pardot-Warning headers sent, by code (``{"203": n}``)."""
        return dict(self.app.warnings)

    @property
    def api_calls_today(self) -> int:
        return self.app.calls_today()

    def settings_env(self, flow: str) -> dict[str, str]:
        """``SHEETSYNC_*`` variables for running sheetsync against this emulator."""
        if flow not in AUTH_FLOWS:
            raise ValueError(f"flow must be one of {', '.join(AUTH_FLOWS)}")
        creds = self.credentials
        env = {
            "SHEETSYNC_PARDOT_URL": self.url,
            "SHEETSYNC_SALESFORCE_LOGIN_URL": self.url,
            "SHEETSYNC_PARDOT_BUSINESS_UNIT_ID": self.business_unit_id,
            "SHEETSYNC_PARDOT_TIMEZONE": self.timezone,
            "SHEETSYNC_AUTH_FLOW": flow,
            "SHEETSYNC_CLIENT_ID": creds.client_id,
        }
        if flow == "jwt":
            env["SHEETSYNC_USERNAME"] = creds.username
            env["SHEETSYNC_PRIVATE_KEY"] = creds.private_key_pem
        elif flow == "refresh_token":
            env["SHEETSYNC_CLIENT_SECRET"] = creds.client_secret
            env["SHEETSYNC_REFRESH_TOKEN"] = creds.refresh_token
        else:
            env["SHEETSYNC_CLIENT_SECRET"] = creds.client_secret
        return env

    # -- controls ----------------------------------------------------------------------------
    def expire_tokens(self) -> int:
        """Invalidate every access token issued so far (API calls then get code 184)."""
        return self.app.tokens.expire_all()

    def seed(self, prospects: int | None = None, seed: int | None = None) -> None:
        """Regenerate all data (page tokens and exports are dropped)."""
        current_prospects, current_seed = self.app.current_seed
        self.app.seed_data(
            current_prospects if prospects is None else prospects,
            current_seed if seed is None else seed,
        )

    def reset(self) -> None:
        """Construction-time data; faults, stats, page tokens, exports and usage cleared."""
        self.server.reset()

    def iter_env_lines(self, flow: str) -> Iterator[str]:
        """``export NAME='value'`` lines (the private key stays multi-line inside quotes)."""
        for name, value in self.settings_env(flow).items():
            quoted = value.replace("'", "'\"'\"'")
            yield f"export {name}='{quoted}'"
