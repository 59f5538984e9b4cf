"""Building the objects a run needs from settings: one per outside system, passed explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sheetsync.engine import Engine
from sheetsync.mapping import Mapping, MappingError, Problem
from sheetsync.mapping_source import load_mappings_from
from sheetsync.pardot import PardotClient
from sheetsync.settings import Settings
from sheetsync.sheets import SheetsGateway, build_client


@dataclass
class Runtime:
    settings: Settings
    pardot: PardotClient
    sheets: SheetsGateway
    engine: Engine

    def close(self) -> None:
        self.pardot.close()


def build_runtime(
    settings: Settings, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Runtime:
    pardot = PardotClient(settings.pardot())
    sheets = SheetsGateway(build_client(settings))
    return Runtime(settings, pardot, sheets, Engine(pardot, sheets, settings, clock=clock))


def mappings_from(settings: Settings, name: str | None = None) -> list[Mapping]:
    """The mappings of SHEETSYNC_MAPPINGS, a folder or a ``gs://`` prefix (all, or the one
    named)."""
    mappings = load_mappings_from(settings.mappings, google_credentials=settings.google_credentials)
    if name is None:
        return mappings
    chosen = [m for m in mappings if m.name == name]
    if not chosen:
        known = ", ".join(m.name for m in mappings)
        raise MappingError(
            [
                Problem(
                    settings.mappings, None, "", f"no mapping named {name!r} (there are: {known})"
                )
            ]
        )
    return chosen
