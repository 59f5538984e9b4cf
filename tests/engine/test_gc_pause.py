"""The engine does its work with the cyclic collector paused (see sheetsync.gcpause)."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from .conftest import BASIC, World


def test_an_engine_run_pauses_the_collector(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = world.pardot.query

    def query(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(world.pardot, "query", query)
    gc.enable()
    report = world.run(world.mapping(BASIC))
    assert report.status == "ok"
    assert seen and not any(seen)  # off while reading Pardot
    assert gc.isenabled()  # and back on after
