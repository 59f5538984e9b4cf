"""The shipped example mappings load, pass the online check against the Pardot emulator's
catalogue, and read from it; together they show every key of the format."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.mapping import Column, Mapping, Source, check_fields, load_mappings
from sheetsync.pardot import PardotClient
from sheetsync.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "mappings"
START = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator(prospects=300, seed=7, start=START) as emu:
        yield emu


@pytest.fixture
def client(
    emulator: PardotEmulator, monkeypatch: pytest.MonkeyPatch, clean_env: Any
) -> Iterator[PardotClient]:
    for name, value in emulator.settings_env("jwt").items():
        monkeypatch.setenv(name, value)
    with PardotClient(Settings.load().pardot()) as client:
        yield client


@pytest.fixture(scope="module")
def examples() -> dict[str, Mapping]:
    return {m.name: m for m in load_mappings(EXAMPLES)}


def test_the_examples_and_their_fixed_spreadsheet_ids(examples: dict[str, Mapping]) -> None:
    assert sorted(examples) == ["campaigns", "hot-prospects"]
    hot, campaigns = examples["hot-prospects"], examples["campaigns"]
    assert hot.spreadsheet_id == "1SheetSyncDemoHotProspects000000000000000000"
    assert campaigns.spreadsheet_id == "1SheetSyncDemoCampaigns000000000000000000000"
    assert len(hot.spreadsheet_id) == len(campaigns.spreadsheet_id) == 44


def test_hot_prospects_shows_what_the_issue_asks_for(examples: dict[str, Mapping]) -> None:
    hot = examples["hot-prospects"]
    assert hot.source.object == "prospects"
    assert hot.source.lists == ["Hot Prospects"]
    assert [str(c) for c in hot.source.where] == ["score >= 50"]
    assert hot.on_delete == "mark"
    fields = {c.field: c for c in hot.columns}
    assert {"assignedTo.email", "campaign.name", "hobby__c", "industrySegment__c"} <= set(fields)
    assert fields["email"].placeholders == ("id",)
    assert fields["lastActivityAt"].type == "datetime"


def test_the_examples_pass_the_online_check(
    examples: dict[str, Mapping], client: PardotClient
) -> None:
    for mapping in examples.values():
        check_fields(mapping, client.catalogue(mapping.source.object))


def test_the_emulator_serves_every_field_the_examples_read(
    examples: dict[str, Mapping], client: PardotClient
) -> None:
    for mapping in examples.values():
        catalogue = client.catalogue(mapping.source.object)
        records = list(client.query(mapping.source.object, mapping.fields_to_read, limit=1000))
        assert records and set(records[0]) == set(mapping.fields_to_read)
        assert any(mapping.record_matches(r, catalogue) for r in records)
    names = {r["name"] for r in client.query("lists", ["id", "name"])}
    assert "Hot Prospects" in names


def test_together_the_examples_show_every_key() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml")))
    keys = [
        *(k for k in Mapping.model_fields if k not in ("name", "path")),
        *Source.model_fields,
        *Column.model_fields,
    ]
    missing = [k for k in keys if f"{k}:" not in text]
    assert missing == []
