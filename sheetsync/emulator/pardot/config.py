"""Settings of one Pardot emulator instance (what the constructor takes)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BUSINESS_UNIT_ID = "0Uv5e000000TEST01A"


@dataclass
class PardotEmulatorConfig:
    prospects: int = 1000
    seed: int = 7
    daily_limit: int | None = None
    token_lifetime_seconds: float | None = 7200
    page_token_ttl_seconds: float = 4 * 3600
    chain_cap: int = 100_000
    timezone: str = "America/Los_Angeles"
    max_concurrent: int = 5
    export_polls_until_complete: int = 2
    export_rows_per_file: int = 50_000
    business_unit_id: str = DEFAULT_BUSINESS_UNIT_ID
    # list-memberships filters by listId and prospectId (UNCONFIRMED in the spec): False makes
    # them unknown filters, refused with code 51 like any other.
    membership_filters: bool = True
