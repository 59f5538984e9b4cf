"""The Cloud Function under test: ``cloudfunction/main.py`` loaded by functions-framework's own
``create_app`` and called through its Flask test client, against both emulators (the engine
tests' world) with ``SHEETSYNC_*`` pointing at them, the way the function runs deployed."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from functions_framework import _function_registry, create_app
from werkzeug.test import TestResponse

from ..engine.conftest import BASIC, World, make_world

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "cloudfunction" / "main.py"
TARGET = "sync_http"
PROJECT = "sheetsync-test"
SCHEDULER = {
    "X-CloudScheduler": "true",
    "X-CloudScheduler-JobName": "sheetsync-test",
    "X-CloudScheduler-ScheduleTime": "2026-11-02T17:00:00Z",
}
SEVERITIES = {"DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL"}


@pytest.fixture
def isolated_framework(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``create_app`` imports main.py as the module ``main``, appends its folder to sys.path,
    registers the function in a module-global map and sets FUNCTION_* variables; main.py adds a
    JSON log handler to the root logger. All of it is undone after the test."""
    monkeypatch.setattr(_function_registry, "REGISTRY_MAP", {})
    monkeypatch.setattr(_function_registry, "ASGI_FUNCTIONS", set())
    monkeypatch.setenv("FUNCTION_TARGET", TARGET)
    monkeypatch.setenv("FUNCTION_SIGNATURE_TYPE", "http")
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("K_SERVICE", "K_REVISION", "CLOUD_RUN_TIMEOUT_SECONDS", "LOG_EXECUTION_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)
    previous_main = sys.modules.pop("main", None)
    root = logging.getLogger()
    handlers = list(root.handlers)
    level = logging.getLogger("sheetsync").level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    logging.getLogger("sheetsync").setLevel(level)
    sys.modules.pop("main", None)
    if previous_main is not None:
        sys.modules["main"] = previous_main


def function_client() -> FlaskClient:
    return create_app(TARGET, str(SOURCE)).test_client()


@dataclass
class FunctionWorld:
    """Both emulators (``world``), a mapping ``test`` (BASIC) and the function's test client."""

    world: World
    client: FlaskClient

    def post(
        self, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> TestResponse:
        return self.client.post(
            "/", json={"mapping": "test"} if body is None else body, headers=headers or {}
        )

    def get(self) -> TestResponse:
        return self.client.get("/")


@pytest.fixture
def fn(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: Path,
    isolated_framework: None,
) -> Iterator[FunctionWorld]:
    for world in make_world(tmp_path, monkeypatch):
        monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(world.folder))
        world.mapping(BASIC)
        yield FunctionWorld(world, function_client())


def log_lines(text: str) -> list[dict[str, Any]]:
    """Every line the function wrote to stdout, each parsed as one JSON object."""
    entries = []
    for line in text.splitlines():
        if line.strip():
            entry = json.loads(line)
            assert isinstance(entry, dict), line
            entries.append(entry)
    return entries


def secrets_of(world: World, *extra: str) -> list[str]:
    """The emulator's credentials and every access token it issued, plus ``extra``."""
    creds = world.pardot_emu.credentials
    key_lines = [line for line in creds.private_key_pem.splitlines() if "-----" not in line]
    tokens = list(world.pardot_emu.app.tokens._tokens)
    return [creds.client_secret, *key_lines[1:4], *tokens, *extra]
