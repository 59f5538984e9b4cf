"""Fixtures for the Pardot emulator tests: a small emulator and an httpx helper that talks to
it the way the real client does (bearer token + business unit header)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.emulator.pardot.pytest_plugin import pardot_emulator  # noqa: F401 - fixture

START = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


class Api:
    """Raw HTTP access to one emulator, authenticated with a client-credentials token."""

    def __init__(self, emu: PardotEmulator) -> None:
        self.emu = emu
        self.http = httpx.Client(base_url=emu.url, timeout=30)
        self.token = self.new_token()

    def new_token(self) -> str:
        creds = self.emu.credentials
        form = {
            "grant_type": "client_credentials",
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
        }
        response = self.http.post("/services/oauth2/token", data=form)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def headers(self, **extra: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Pardot-Business-Unit-Id": self.emu.business_unit_id,
            **extra,
        }

    def get(self, path: str, params: Any = None, **headers: str) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers(**headers))

    def query(self, collection: str, **params: Any) -> httpx.Response:
        return self.get(f"/api/v5/objects/{collection}", params)

    def post(self, path: str, body: Any, params: Any = None) -> httpx.Response:
        return self.http.post(path, json=body, params=params, headers=self.headers())

    def patch(self, path: str, body: Any, params: Any = None) -> httpx.Response:
        return self.http.patch(path, json=body, params=params, headers=self.headers())

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path, headers=self.headers())

    def pages(self, collection: str, **params: Any) -> list[httpx.Response]:
        """The whole token chain, following ``nextPageUrl`` verbatim."""
        responses = [self.query(collection, **params)]
        while responses[-1].status_code == 200 and responses[-1].json()["nextPageUrl"]:
            responses.append(
                self.http.get(responses[-1].json()["nextPageUrl"], headers=self.headers())
            )
            assert len(responses) < 10_000
        return responses

    def close(self) -> None:
        self.http.close()


def values(responses: list[httpx.Response]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for response in responses:
        assert response.status_code == 200, response.text
        out.extend(response.json()["values"])
    return out


def error(response: httpx.Response) -> tuple[int, int, str]:
    """(HTTP status, Pardot code, message) of an error answer."""
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert response.headers["content-type"].startswith("application/json")
    return response.status_code, body["code"], body["message"]


@pytest.fixture
def emu() -> Iterator[PardotEmulator]:
    with PardotEmulator(prospects=300, seed=7, start=START) as emulator:
        yield emulator


@pytest.fixture
def api(emu: PardotEmulator) -> Iterator[Api]:
    client = Api(emu)
    yield client
    client.close()
