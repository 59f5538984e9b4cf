"""The emulator answers the requests behind the recorded real responses in the same shape.

Only this test reads the recordings (the emulator never does). For each file we send the request
the fixtures README names and compare status, keys (and their order), the JSON type of each value,
nulls, the next-page keys and URL form, and the exact error envelope.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sheetsync.emulator.pardot import PardotEmulator

from .conftest import START, Api

# The shared reference folder sits beside the repository (../shared from its root).
_CANDIDATES = (
    os.environ.get("SHEETSYNC_PARDOT_FIXTURES", ""),
    str(Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "pardot-recorded"),
)
FIXTURES = next((Path(p) for p in _CANDIDATES if p and Path(p).is_dir()), None)
pytestmark = pytest.mark.skipif(FIXTURES is None, reason="recorded Pardot fixtures not found")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
EMAIL_FIELDS = "id,name,subject,clientType,prospectId,listEmailId,updatedAt"


def recorded(name: str) -> Any:
    assert FIXTURES is not None
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def small() -> Iterator[Api]:
    """Few enough prospects that one default page holds them all, as in the recording."""
    with PardotEmulator(prospects=120, seed=7, start=START) as emulator:
        client = Api(emulator)
        yield client
        client.close()


def json_type(value: Any) -> str:
    return type(value).__name__


def assert_same_shape(real: dict[str, Any], ours: dict[str, Any]) -> None:
    """Same keys in the same order; same JSON type where the recording is not null."""
    assert list(ours) == list(real)
    for key, value in real.items():
        if value is not None and ours[key] is not None:
            assert json_type(ours[key]) == json_type(value), key


def test_query_prospects_with_custom_fields(small: Api) -> None:
    real = recorded("query-prospects-custom-fields.json")
    response = small.query("prospects", fields="id,email,firstName,lastName,biography__c,hobby__c")
    assert response.status_code == 200
    ours = response.json()
    assert list(ours) == list(real)
    assert ours["nextPageToken"] is None and ours["nextPageUrl"] is None
    for record in ours["values"]:
        assert_same_shape(real["values"][0], record)
    # the recording has null custom fields and a set one: the emulator's data has both
    assert any(r["biography__c"] is None for r in ours["values"])
    assert any(r["hobby__c"] is None for r in ours["values"])
    assert any(isinstance(r["hobby__c"], str) for r in ours["values"])
    assert all(isinstance(r["id"], int) and isinstance(r["email"], str) for r in ours["values"])


def test_query_custom_fields(small: Api) -> None:
    real = recorded("query-custom-fields.json")
    response = small.query("custom-fields", fields="id,fieldId,isRequired,name,type")
    assert response.status_code == 200
    ours = response.json()
    assert list(ours) == list(real)
    assert ours["nextPageToken"] is None and ours["nextPageUrl"] is None
    for record in ours["values"]:
        assert_same_shape(real["values"][0], record)
        assert record["type"] == record["type"].lower()
    for definition in real["values"]:  # the recorded definitions exist as recorded
        assert definition in ours["values"]


def test_query_emails_first_page_and_chain_end(small: Api) -> None:
    first_real = recorded("query-emails-first-page.json")
    last_real = recorded("query-emails-last-page.json")
    response = small.query("emails", fields=EMAIL_FIELDS, limit=2)
    assert response.status_code == 200
    first = response.json()
    assert list(first) == list(first_real)
    assert isinstance(first["nextPageToken"], str) and first["nextPageToken"]
    url = urlsplit(first["nextPageUrl"])
    assert f"{url.scheme}://{url.netloc}" == small.emu.url
    assert url.path == "/api/v5/objects/emails"
    params = parse_qs(url.query)
    assert set(params) == {"fields", "nextPageToken"}
    assert params["fields"] == [EMAIL_FIELDS]
    assert params["nextPageToken"] == [first["nextPageToken"]]
    assert "fields=" + EMAIL_FIELDS + "&" in first["nextPageUrl"]  # commas not escaped
    assert len(first["values"]) == len(first_real["values"])
    for real_record, record in zip(first_real["values"], first["values"], strict=True):
        assert_same_shape(real_record, record)
        assert DATETIME.match(record["updatedAt"])
        assert record["prospectId"] is None and record["listEmailId"] is None
        for key in ("id", "name", "subject", "clientType"):
            assert record[key] == real_record[key]
    pages = small.pages("emails", fields=EMAIL_FIELDS, limit=2)
    assert pages[-1].json() == last_real


def test_missing_business_unit_header(small: Api) -> None:
    real = recorded("error-400-missing-business-unit-header.json")
    response = small.http.get(
        "/api/v5/objects/emails",
        params={"fields": EMAIL_FIELDS},
        headers={"Authorization": f"Bearer {small.token}"},
    )
    assert response.status_code == 400
    assert response.json() == real


def test_missing_fields(small: Api) -> None:
    real = recorded("error-400-missing-fields.json")
    response = small.query("emails")
    assert response.status_code == 400
    assert response.json() == real


def test_delete_of_unknown_id(small: Api) -> None:
    real = recorded("error-404-not-found.json")
    response = small.delete("/api/v5/objects/prospects/1")
    assert response.status_code == 404
    assert response.json() == real
