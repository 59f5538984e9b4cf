"""Loading valid mappings: values, defaults and the helpers the engine uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from sheetsync.mapping import Column, Condition, Mapping, Source
from tests.mapping.conftest import MINIMAL, SHEET_ID, Problems

Load = Callable[..., Mapping]

FULL = f"""\
spreadsheet: https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0
worksheet: Hot prospects
header_row: 3
source:
  object: prospects
  lists: [Hot Prospects, 20001]
  where:
    - score >= 50
    - optedOut = false
    - grade in [A+, A, B]
    - country is not empty
    - {{field: zip, op: "!=", value: 01234}}
  include_deleted: true
key: email
on_delete: mark
status_header: State
time_zone: Europe/Paris
schedule: "*/15 7-19 * * MON-FRI"
full_sync_every_hours: 12
max_remove_percent: 5
columns:
  - field: id
  - field: email
    header: Email
    link: https://pi.pardot.com/prospect/read?id={{id}}&owner={{assignedTo.email}}
  - field: grade
    header: Temperature
    values: {{A+: Hot, A: Hot, B: Warm, NO: Norway}}
    default: Cold
  - field: lastActivityAt
    header: Last activity
    type: datetime
    format: yyyy-mm-dd hh:mm
    time_zone: America/New_York
  - hobby__c
"""


def test_every_key_is_read(load: Load) -> None:
    mapping = load(FULL)
    assert mapping.name == "hot"
    assert mapping.path == "mappings/hot.yaml"
    assert mapping.spreadsheet_id == SHEET_ID
    assert mapping.header_row == 3
    assert mapping.source == Source(
        object="prospects",
        lists=["Hot Prospects", 20001],
        where=[
            Condition(field="score", op=">=", value=50),
            Condition(field="optedOut", op="=", value=False),
            Condition(field="grade", op="in", value=["A+", "A", "B"]),
            Condition(field="country", op="is not empty"),
            Condition(field="zip", op="!=", value="01234"),  # leading zero: text, not octal
        ],
        include_deleted=True,
    )
    assert (mapping.key, mapping.on_delete, mapping.status_header) == ("email", "mark", "State")
    assert (mapping.time_zone, mapping.schedule) == ("Europe/Paris", "*/15 7-19 * * MON-FRI")
    assert (mapping.full_sync_every_hours, mapping.max_remove_percent) == (12, 5)
    assert mapping.headers == ["id", "Email", "Temperature", "Last activity", "hobby__c"]
    assert mapping.managed_headers == [*mapping.headers, "State"]
    assert mapping.key_column.header == "Email"
    grade = mapping.columns[2]
    assert grade.values == {"A+": "Hot", "A": "Hot", "B": "Warm", "NO": "Norway"}
    assert mapping.columns[3].time_zone == "America/New_York"
    assert str(mapping.column_zone(mapping.columns[3])) == "America/New_York"
    assert str(mapping.column_zone(mapping.columns[2])) == "Europe/Paris"
    assert mapping.columns[4] == Column(field="hobby__c", header="hobby__c")


def test_defaults(load: Load) -> None:
    mapping = load(MINIMAL)
    assert mapping.spreadsheet_id == SHEET_ID
    assert (mapping.header_row, mapping.key, mapping.on_delete) == (1, "id", "remove")
    assert (mapping.status_header, mapping.time_zone, mapping.schedule) == (
        "Sync status",
        "UTC",
        None,
    )
    assert mapping.full_sync_every_hours is None and mapping.max_remove_percent is None
    assert mapping.source.lists == [] and mapping.source.where == []
    assert mapping.source.include_deleted is False
    assert mapping.columns[0].header == "id"  # header defaults to the field
    assert mapping.managed_headers == ["id", "Email"]  # no status column without `mark`


def test_fields_to_read_covers_columns_links_conditions_and_key(load: Load) -> None:
    assert load(FULL).fields_to_read == [
        "id", "email", "assignedTo.email", "grade", "lastActivityAt", "hobby__c",
        "score", "optedOut", "country", "zip", "updatedAt", "isDeleted",
    ]  # fmt: skip


def test_single_list_and_single_condition_need_no_brackets(load: Load) -> None:
    text = MINIMAL.replace(
        "  object: prospects", "  object: prospects\n  lists: Hot Prospects\n  where: score > 5"
    )
    source = load(text).source
    assert source.lists == ["Hot Prospects"]
    assert source.where == [Condition(field="score", op=">", value=5)]


def test_enumerations_ignore_case(load: Load) -> None:
    text = MINIMAL.replace("object: prospects", "object: Prospects") + "on_delete: MARK\n"
    mapping = load(text)
    assert (mapping.source.object, mapping.on_delete) == ("prospects", "mark")


def test_yaml_12_scalars_keep_marketing_values_as_text(load: Load) -> None:
    text = MINIMAL + "    values: {NO: Norway, yes: Oui, 0123: x, true: Yes, 1:20: t}\n"
    values = load(text).columns[1].values
    assert values == {"NO": "Norway", "yes": "Oui", "0123": "x", "true": "Yes", "1:20": "t"}
    # Numbers are matched on their text, whole floats without ".0" (as JSON values are).
    assert load(MINIMAL + "    values: {1.0: one, 2.5: two}\n").columns[1].values == {
        "1": "one",
        "2.5": "two",
    }


def test_value_map_and_default() -> None:
    column = Column(field="grade", header="T", values={"A+": "Hot", "true": "Yes"}, default="Cold")
    assert column.map_value("A+") == "Hot"
    assert column.map_value("C") == "C"  # unlisted values pass unchanged
    assert column.map_value(True) == "Yes"  # matched on the value's text
    assert column.map_value(None) == "Cold"
    assert column.map_value("") == "Cold"
    assert Column(field="grade", header="T").map_value(None) is None


def test_link_rendering_encodes_values_but_not_a_leading_url() -> None:
    column = Column(
        field="email", header="E", link="https://x.example/p?id={id}&e={email}&o={assignedTo.email}"
    )
    assert column.placeholders == ("id", "email", "assignedTo.email")
    record = {"id": 7, "email": "a+b@example.com", "assignedTo": {"email": None}}
    assert column.render_link(record) == "https://x.example/p?id=7&e=a%2Bb%40example.com&o="
    website = Column(field="website", header="W", link="{website}")
    assert website.render_link({"website": "https://acme.example/a?b=c"}) == (
        "https://acme.example/a?b=c"
    )
    assert Column(field="id", header="I").render_link({"id": 1}) is None


def test_record_matches_uses_the_mapping_time_zone(load: Load) -> None:
    text = MINIMAL.replace(
        "  object: prospects",
        "  object: prospects\n  where: [lastActivityAt = 2026-01-01, score >= 50]",
    )
    paris = load(text + "time_zone: Europe/Paris\n")
    utc = load(text)
    # 23:30 UTC on Dec 31 is already Jan 1 in Paris.
    record = {"lastActivityAt": "2025-12-31T23:30:00+00:00", "score": 60}
    types = {"lastActivityAt": "datetime", "score": "integer"}

    class Types:
        def type_of(self, name: str) -> str | None:
            return types.get(name)

    assert paris.record_matches(record, Types())
    assert not utc.record_matches(record, Types())
    assert not paris.record_matches({**record, "score": 49}, Types())
    assert paris.source.where[0].value == date(2026, 1, 1)


def test_mapping_built_in_python_checks_cross_field_rules() -> None:
    with pytest.raises(ValidationError, match="no column shows 'id', the default key"):
        Mapping(
            name="x",
            spreadsheet=SHEET_ID,
            worksheet="W",
            source=Source(object="prospects"),
            columns=[Column(field="email", header="Email")],
        )
    mapping = Mapping(
        name="x",
        spreadsheet=SHEET_ID,
        worksheet="W",
        source=Source(object="prospects"),
        columns=[Column(field="id", header="Id")],
    )
    assert mapping.file == "x.yaml"
    assert mapping.locate(("columns", 0)) == (None, "columns[0]")


def test_locations_of_a_loaded_mapping(load: Load) -> None:
    mapping = load(FULL)
    assert mapping.locate(("columns", 3, "format")) == (33, "columns[3].format")
    assert mapping.locate(("source", "where", 1, "value")) == (9, "source.where[1]")
    assert mapping.locate(("source", "where", 4, "value")) == (12, "source.where[4].value")


def test_yml_suffix_and_path_objects(folder: Path) -> None:
    from sheetsync.mapping import load_mapping

    (folder / "campaign-costs.yml").write_text(MINIMAL, encoding="utf-8")
    assert load_mapping(folder / "campaign-costs.yml").name == "campaign-costs"


def test_parse_mapping_from_text_with_an_explicit_name() -> None:
    from sheetsync.mapping import parse_mapping

    mapping = parse_mapping(MINIMAL, "gs://bucket/mappings/hot.yaml", name="hot")
    assert (mapping.name, mapping.path) == ("hot", "gs://bucket/mappings/hot.yaml")


ANCHORED = (
    MINIMAL
    + """\
  - &date_column
    field: lastActivityAt
    type: datetime
    format: yyyy-mm-dd
  - <<: *date_column
    field: createdAt
    header: Created
"""
)


def test_yaml_anchors_and_merge_keys_share_column_settings(load: Load) -> None:
    created = load(ANCHORED).columns[3]
    assert (created.field, created.header, created.type, created.format) == (
        "createdAt",
        "Created",
        "datetime",
        "yyyy-mm-dd",
    )


def test_a_problem_in_merged_settings_points_at_the_anchor(problems: Problems) -> None:
    text = ANCHORED.replace("type: datetime", "type: datetim")
    assert problems(text) == [
        "mappings/hot.yaml:11: columns[2].type: must be one of text, number, integer, boolean, "
        "date, datetime (got 'datetim'); did you mean 'datetime'?",
        "mappings/hot.yaml:11: columns[3].type: must be one of text, number, integer, boolean, "
        "date, datetime (got 'datetim'); did you mean 'datetime'?",
    ]
