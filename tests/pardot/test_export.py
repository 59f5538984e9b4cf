"""The Export API path gives the same records, in the same shape, as the query path."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sheetsync.emulator.pardot import PardotEmulator
from sheetsync.pardot.export import Exporter

from .conftest import ClientFactory, SleepRecorder

FIELDS = [
    "id",
    "email",
    "firstName",
    "score",
    "optedOut",
    "updatedAt",
    "createdAt",
    "lastActivityAt",
    "campaign.name",
    "assignedTo.email",
    "hobby__c",
    "budget__c",
    "externalId__c",
    "zip",
]


DATETIMES = {"updatedAt", "createdAt", "lastActivityAt"}


def ambiguous_local_time(stamp: str, tz: ZoneInfo) -> bool:
    local = datetime.fromisoformat(stamp).replace(tzinfo=None)
    return (
        local.replace(tzinfo=tz, fold=0).utcoffset() != local.replace(tzinfo=tz, fold=1).utcoffset()
    )


def test_export_matches_the_query_record_for_record(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    sleep = SleepRecorder()
    now = emu.clock.now()
    exporter = Exporter(client, sleep=sleep)
    exported = {
        r["id"]: r
        for r in client.export(
            "prospects",
            FIELDS,
            updated_after=now - timedelta(days=3 * 365),
            updated_before=now + timedelta(minutes=1),
            exporter=exporter,
        )
    }
    queried = {r["id"]: r for r in client.query("prospects", FIELDS, deleted="all")}
    assert exported.keys() == queried.keys()
    tz = ZoneInfo(emu.timezone)
    for prospect_id, record in queried.items():
        for name, value in record.items():
            got = exported[prospect_id][name]
            if got != value and name in DATETIMES:
                # Export files carry local times without an offset: a time in the hour that
                # repeats when daylight saving ends cannot say which of the two it was.
                assert ambiguous_local_time(got, tz) and got[:19] == value[:19], (name, got)
            else:
                assert got == value, (prospect_id, name)
    assert len(exporter.jobs) == 4  # a three-year range is four jobs of at most one year
    assert sleep.calls  # it polled with backoff
    stats = emu.server.stats()["requests"]
    assert stats["exports.create"] == 4
    assert stats["exports.download"] >= 1


def test_export_refuses_unknown_and_multi_valued_fields(
    emu: PardotEmulator, make_client: ClientFactory
) -> None:
    client = make_client()
    now = emu.clock.now()
    with pytest.raises(Exception, match="did you mean 'email'"):
        list(
            client.export(
                "prospects", ["emial"], updated_after=now - timedelta(days=1), updated_before=now
            )
        )
    assert emu.server.stats()["requests"].get("exports.create", 0) == 0
