"""Odd values from Pardot: each lands in the sheet as faithfully as Sheets allows, or stops the
run naming the prospect and the field, with nothing written. An unchanged odd value never makes
the next run write again."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from sheetsync.engine import Engine
from sheetsync.pardot import PardotClient
from sheetsync.selection import select
from sheetsync.transform import ColumnSpec, TransformError, serial
from tests.engine.conftest import BASIC, World

from .conftest import Guard, cli


def _row_of(world: World, prospect_id: int) -> list[Any]:
    return next(row for row in world.grid("Prospects")[1:] if row[0] == prospect_id)


def _cell(world: World, prospect_id: int, column: str) -> dict[str, Any]:
    cells = world.cells("Prospects")
    row = next(k[1:] for k, c in cells.items() if k[0] == "A" and c.get("value") == prospect_id)
    return cells.get(f"{column}{row}", {})


def _change(world: World, prospect_id: int, **values: Any) -> None:
    world.pardot_emu.clock.advance(60)
    world.pardot_emu.store.update_prospect(prospect_id, **values)


def _synced(world: World) -> tuple[Any, int]:
    mapping = world.mapping(BASIC)
    assert world.run(mapping).status == "ok"
    return mapping, world.pardot_emu.store.ids("prospects")[3]


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("Acme\x00 Corp\x07\x1b", "Acme Corp"),  # control characters: Sheets refuses them
        ("Tab\tand\nnewline", "Tab\tand\nnewline"),  # ... except tab and newline
        ("half \ud83d a pair", "half \ufffd a pair"),  # a lone surrogate: U+FFFD, as read back
        ("0012345", "0012345"),  # leading zeros
        ("123456789012345678", "123456789012345678"),  # 18 digits: no rounding
        ("+81 3 1234 5678", "+81 3 1234 5678"),
    ],
    ids=["control-characters", "tab-newline", "lone-surrogate", "zeros", "18-digits", "plus"],
)
def test_odd_text_lands_as_text_and_is_not_rewritten(world: World, sent: str, shown: str) -> None:
    mapping, prospect = _synced(world)
    _change(world, prospect, company=sent)
    assert world.run(mapping).status == "ok"
    assert _cell(world, prospect, "C") == {"value": shown, "type": "string"}
    world.pardot_emu.clock.advance(60)
    again = world.run(mapping, full=True)
    assert again.status == "ok" and again.cells_written == 0


def test_60000_characters_are_cut_with_a_marker_naming_prospect_and_field(world: World) -> None:
    mapping, prospect = _synced(world)
    _change(world, prospect, company="é🚀" * 30_000)  # 90,000 UTF-16 units
    report = world.run(mapping)
    assert report.status == "ok"
    assert any(
        "over Google's 50,000-character cell limit were cut" in w
        and f"prospect {prospect} (company)" in w
        for w in report.warnings
    ), report.warnings
    value = _cell(world, prospect, "C")["value"]
    assert value.endswith(" …[truncated by sheetsync: 90000 characters]")
    assert len(value.encode("utf-16-le")) // 2 <= 50_000
    assert "\ud83d" not in value and value.startswith("é🚀é🚀")  # no pair split
    assert len(world.grid("Prospects")) - 1 == len(world.pardot_emu.store.ids("prospects"))
    world.pardot_emu.clock.advance(60)
    assert world.run(mapping, full=True).cells_written == 0  # compared as cut


def test_the_cut_warning_is_printed_whole_by_the_cli(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, prospect = _synced(world)
    _change(world, prospect, company="x" * 60_000)
    result = cli(world, monkeypatch, "sync")
    assert result.code == 0, result.out
    # The marker's brackets are text, not terminal markup.
    assert (
        "test warning: 1 value(s) over Google's 50,000-character cell limit were cut; they end "
        f"with '…[truncated by sheetsync: N characters]': prospect {prospect} (company)\n"
    ) in result.out


def test_an_integer_past_64_bits_keeps_every_digit(world: World) -> None:
    mapping, prospect = _synced(world)
    huge = 123456789012345678901234567890
    _change(world, prospect, company=huge, score=huge)
    assert world.run(mapping).status == "ok"
    # Text stays the digits; a number column keeps them as text rather than round them.
    assert _cell(world, prospect, "C") == {"value": str(huge), "type": "string"}
    assert _cell(world, prospect, "D") == {"value": str(huge), "type": "string"}
    world.pardot_emu.clock.advance(60)
    assert world.run(mapping, full=True).cells_written == 0


class _OnTheWire(httpx.BaseTransport):
    """Real HTTP to the emulator, with one literal of the answers rewritten: Pardot can send
    JSON that no Python value serialises to (a number past a double's range)."""

    def __init__(self, old: bytes, new: bytes) -> None:
        self.inner = httpx.HTTPTransport()
        self.old, self.new = old, new

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.inner.handle_request(request)
        body = answer.read().replace(self.old, self.new)
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"]
        return httpx.Response(answer.status_code, headers=kept, content=body, request=request)

    def close(self) -> None:
        self.inner.close()


def test_a_number_past_a_doubles_range_keeps_its_text(world: World) -> None:
    mapping, prospect = _synced(world)
    _change(world, prospect, company="HUGE-NUMBER", score="HUGE-NUMBER")
    http = httpx.Client(transport=_OnTheWire(b'"HUGE-NUMBER"', b"1e400"))
    pardot = PardotClient(world.settings.pardot(), http=http, sleep=lambda _: None)
    engine = Engine(pardot, world.sheets, world.settings, clock=world.pardot_emu.clock.now)
    report = engine.run(mapping)
    assert report.status == "ok", report.message
    # Neither infinity nor an error: the digits as Pardot sent them, in both columns.
    assert _cell(world, prospect, "C") == {"value": "1e400", "type": "string"}
    assert _cell(world, prospect, "D") == {"value": "1e400", "type": "string"}
    world.pardot_emu.clock.advance(60)
    assert engine.run(mapping, full=True).cells_written == 0
    pardot.close()


def test_an_integer_past_a_double_but_within_64_bits_is_kept_as_text(world: World) -> None:
    mapping, prospect = _synced(world)
    _change(world, prospect, score=2**53 + 1)
    assert world.run(mapping).status == "ok"
    assert _cell(world, prospect, "D") == {"value": str(2**53 + 1), "type": "string"}


TYPE_HINT = "; correct the value in Pardot, or show the column as text (type: text)"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"company": {"name": "Acme", "id": 7}},
            'field \'company\': Pardot sent an object ({"name": "Acme", "id": 7}) where a '
            "single value was expected; map one of its fields with dot notation (e.g. "
            "campaign.name)",
        ),
        (
            {"score": "eleven"},
            "field 'score': column 'Score': 'eleven' is not a number" + TYPE_HINT,
        ),
        (
            {"score": {"value": 3}},
            "field 'score': Pardot sent an object ({\"value\": 3}) where a single value was "
            "expected; map one of its fields with dot notation (e.g. campaign.name)",
        ),
        ({"score": [1, 2]}, "field 'score': column 'Score': [1, 2] is not a number" + TYPE_HINT),
        (
            {"score": "x" * 60_000},
            "field 'score': column 'Score': '" + "x" * 76 + "... is not a number" + TYPE_HINT,
        ),
        (
            {"score": "Infinity"},
            "field 'score': column 'Score': 'Infinity' is not a finite number" + TYPE_HINT,
        ),
    ],
    ids=[
        "object-for-text",
        "text-for-number",
        "object-for-number",
        "list-for-number",
        "long-text-for-number",
        "infinity-for-number",
    ],
)
def test_a_value_that_cannot_be_shown_names_the_prospect_and_writes_nothing(
    world: World, values: dict[str, Any], expected: str
) -> None:
    mapping, prospect = _synced(world)
    other = world.pardot_emu.store.ids("prospects")[5]
    _change(world, other, company="Fine Co")  # a good change in the same run: not half-written
    _change(world, prospect, **values)
    guard = Guard(world)
    report = world.run(mapping)
    assert report.status == "failed"
    assert report.message == f"prospect {prospect}, {expected}. Nothing was written"
    guard.assert_untouched()


def test_datetimes_from_pardot_show_in_the_mapping_time_zone(world: World) -> None:
    mapping = world.mapping(BASIC + "time_zone: Asia/Tokyo\n")
    assert world.run(mapping).status == "ok"
    store = world.pardot_emu.store
    prospect = store.ids("prospects")[0]
    record = world.pardot.read("prospects", prospect, ["updatedAt"])
    assert record is not None
    sent = record["updatedAt"]  # ISO 8601 with the account's offset, as the API sends it
    assert isinstance(sent, str) and sent[-6] in "+-"
    moment = datetime.fromisoformat(sent)
    assert _row_of(world, prospect)[4] == serial(moment, ZoneInfo("Asia/Tokyo"))


def test_export_datetimes_without_an_offset_land_at_the_same_moment(world: World) -> None:
    # The Export API's CSV gives local times without an offset; the query gives offsets.
    mapping = world.mapping(BASIC + "time_zone: Asia/Tokyo\n")
    assert world.run(mapping).status == "ok"  # the query path: datetimes with an offset
    settings = world.settings.model_copy(
        update={"export_above": 1, "pardot_timezone": world.pardot_emu.store.timezone.key}
    )
    pardot = PardotClient(settings.pardot(), sleep=lambda _: None)
    engine = Engine(pardot, world.sheets, settings, clock=world.pardot_emu.clock.now)
    report = engine.run(mapping, full=True)
    pardot.close()
    assert report.status == "ok", report.message
    assert report.read_path.startswith("export")
    assert report.cells_written == 0  # every "Updated" serial is the same as from the offsets


SPEC_TZ = ZoneInfo("Europe/Paris")
DATE_SPECS = [
    ColumnSpec(header="Prospect ID", field="id", type="integer", tz=UTC),
    ColumnSpec(header="Seen", field="seenAt", type="datetime", tz=SPEC_TZ),
]


@pytest.mark.parametrize(
    ("sent", "local"),
    [
        ("2026-07-01T10:00:00+09:00", datetime(2026, 7, 1, 3, 0)),  # an offset: converted
        ("2026-07-01T10:00:00Z", datetime(2026, 7, 1, 12, 0)),
        ("2026-07-01T10:00:00", datetime(2026, 7, 1, 10, 0)),  # no offset: the column's zone
        ("2026-07-01", datetime(2026, 7, 1, 0, 0)),  # a plain date: midnight
    ],
    ids=["offset", "utc", "no-offset", "date-only"],
)
def test_datetimes_with_and_without_an_offset(sent: str, local: datetime) -> None:
    selection = select(
        [{"id": 1, "seenAt": sent}],
        DATE_SPECS,
        0,
        conditions=None,
        include_deleted=False,
        members=None,
        noun="prospect",
    )
    assert selection.desired["1"][1] == serial(local.replace(tzinfo=SPEC_TZ), SPEC_TZ)


def test_a_date_that_is_not_one_names_the_prospect_and_field() -> None:
    records = [{"id": 1, "seenAt": "2026-07-01T10:00:00Z"}, {"id": 2, "seenAt": "yesterday"}]
    with pytest.raises(TransformError) as info:
        select(
            records,
            DATE_SPECS,
            0,
            conditions=None,
            include_deleted=False,
            members=None,
            noun="prospect",
        )
    assert str(info.value) == (
        "prospect 2, field 'seenAt': column 'Seen': 'yesterday' is not a date or datetime"
        + TYPE_HINT
        + ". Nothing was written"
    )
