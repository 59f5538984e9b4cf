"""Online checks against the Pardot field catalogue: unknown and misspelt fields with
suggestions, multi-valued fields, type conversions, condition values; the effective type."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sheetsync.mapping import (
    Column,
    Mapping,
    MappingError,
    check_fields,
    effective_type,
    field_problems,
)
from sheetsync.pardot.catalogue import FieldCatalogue
from tests.mapping.conftest import MINIMAL

Load = Callable[..., Mapping]


def messages(mapping: Mapping, catalogue: FieldCatalogue) -> list[str]:
    with pytest.raises(MappingError) as info:
        check_fields(mapping, catalogue)
    return [str(p) for p in info.value.problems]


def test_a_valid_mapping_passes(load: Load, prospects: FieldCatalogue) -> None:
    text = MINIMAL.replace(
        "  object: prospects",
        "  object: prospects\n  where: [score >= 50, renewal__c < 2027-01-01]",
    ) + ("  - field: assignedTo.email\n  - field: hobby__c\n  - field: campaign.name\n")
    check_fields(load(text), prospects)
    assert field_problems(load(text), prospects) == []


def test_unknown_and_misspelt_fields_everywhere(load: Load, prospects: FieldCatalogue) -> None:
    text = (
        MINIMAL.replace("field: email", "field: emial")
        .replace(
            "  object: prospects",
            "  object: prospects\n  where:\n    - scor >= 50\n    - {field: Hobby, op: '=', "
            "value: chess}",
        )
        .replace("header: Email", "header: Email\n    link: 'https://x.example/{assignedTo.emal}'")
        + "  - field: nothingLikeThis\n"
    )
    assert messages(load(text), prospects) == [
        "mappings/hot.yaml:6: source.where[0]: unknown field 'scor'; did you mean 'score'?",
        "mappings/hot.yaml:7: source.where[1].field: unknown field 'Hobby'; did you mean "
        "'hobby__c'?",
        "mappings/hot.yaml:10: columns[1].field: unknown field 'emial'; did you mean 'email'?",
        "mappings/hot.yaml:12: columns[1].link: {assignedTo.emal}: unknown field "
        "'assignedTo.emal'; did you mean 'assignedTo.email'?",
        "mappings/hot.yaml:13: columns[2].field: unknown field 'nothingLikeThis' "
        "(`sheetsync fields prospects` lists every field you can use)",
    ]


def test_multi_valued_custom_fields_are_refused_with_the_reason(
    load: Load, prospects: FieldCatalogue
) -> None:
    text = MINIMAL + "  - field: languages__c\n  - field: eventsAttended__c\n"
    assert messages(load(text), prospects) == [
        "mappings/hot.yaml:9: columns[2].field: 'languages__c' is a multi-valued custom field "
        "(multi-select): the v5 prospects query cannot read multi-valued fields",
        "mappings/hot.yaml:10: columns[3].field: 'eventsAttended__c' is a multi-valued custom "
        "field (text): the v5 prospects query cannot read multi-valued fields",
    ]


def test_incompatible_types(load: Load, prospects: FieldCatalogue) -> None:
    text = MINIMAL + (
        "  - field: lastActivityAt\n    type: boolean\n"
        "  - field: email\n    header: Mail\n    type: boolean\n"
        "  - field: optedOut\n    type: date\n"
        "  - field: renewal__c\n    type: integer\n"
    )
    assert messages(load(text), prospects) == [
        "mappings/hot.yaml:10: columns[2].type: a boolean column cannot show 'lastActivityAt', "
        "a datetime field: use text, date, datetime",
        "mappings/hot.yaml:13: columns[3].type: a boolean column cannot show 'email', "
        "a string field: use text, number, integer",
        "mappings/hot.yaml:15: columns[4].type: a date column cannot show 'optedOut', "
        "a boolean field: use text, boolean",
        "mappings/hot.yaml:17: columns[5].type: an integer column cannot show 'renewal__c', "
        "a date field: use text, date, datetime",
    ]


@pytest.mark.parametrize(
    ("field", "column_type"),
    [
        ("score", "text"),
        ("optedOut", "text"),
        ("lastActivityAt", "text"),
        ("score", "number"),
        ("annualRevenue", "number"),  # numeric text
        ("zip", "integer"),
        ("lastActivityAt", "date"),
        ("renewal__c", "datetime"),
        ("optedOut", "boolean"),
    ],
)
def test_allowed_conversions(
    load: Load, prospects: FieldCatalogue, field: str, column_type: str
) -> None:
    text = MINIMAL + f"  - field: {field}\n    header: X\n    type: {column_type}\n"
    check_fields(load(text), prospects)


def test_format_and_time_zone_on_implied_types(load: Load, prospects: FieldCatalogue) -> None:
    text = MINIMAL + (
        "  - field: company\n    format: '0.00'\n"
        "  - field: score\n    time_zone: UTC\n"
        "  - field: lastActivityAt\n    format: yyyy-mm-dd\n    time_zone: Asia/Tokyo\n"
    )
    assert messages(load(text), prospects) == [
        "mappings/hot.yaml:10: columns[2].format: format applies to number, integer, date and "
        "datetime columns; this column is text",
        "mappings/hot.yaml:12: columns[3].time_zone: time_zone applies to date and datetime "
        "columns; this column is integer",
    ]


def test_condition_values_must_fit_the_field(load: Load, prospects: FieldCatalogue) -> None:
    text = MINIMAL.replace(
        "  object: prospects",
        "  object: prospects\n  where:\n    - score >= high\n"
        "    - {field: optedOut, op: '=', value: 'no'}\n    - lastActivityAt > yesterday",
    )
    assert messages(load(text), prospects) == [
        "mappings/hot.yaml:6: source.where[0]: 'score' is a number field: 'high' is not a number",
        "mappings/hot.yaml:7: source.where[1].value: 'optedOut' is true/false: compare it with "
        "true or false (got 'no')",
        "mappings/hot.yaml:8: source.where[2]: 'lastActivityAt' is a datetime field: "
        "'yesterday' is not a date (write 2026-01-31, or 2026-01-31T09:00:00Z for a moment)",
    ]


def test_campaign_fields(load: Load, campaigns: FieldCatalogue) -> None:
    text = MINIMAL.replace("object: prospects", "object: campaigns").replace(
        "field: email", "field: nmae"
    )
    assert messages(load(text), campaigns) == [
        "mappings/hot.yaml:7: columns[1].field: unknown field 'nmae'; did you mean 'name'?"
    ]


def test_the_catalogue_must_be_the_sources(load: Load, campaigns: FieldCatalogue) -> None:
    with pytest.raises(ValueError, match="hot reads prospects; got the campaigns catalogue"):
        check_fields(load(MINIMAL), campaigns)


def test_effective_type(prospects: FieldCatalogue, campaigns: FieldCatalogue) -> None:
    def kind(field: str, catalogue: FieldCatalogue = prospects, **extra: str) -> str:
        return effective_type(Column(field=field, header="h", **extra), catalogue)  # type: ignore[arg-type]

    assert kind("score") == "integer"
    assert kind("cost", campaigns) == "number"
    assert kind("optedOut") == "boolean"
    assert kind("lastActivityAt") == "datetime"
    assert kind("renewal__c") == "date"
    assert kind("email") == "text"
    assert kind("hobby__c") == "text"
    assert kind("campaign.createdAt") == "datetime"
    assert kind("score", type="text") == "text"
    assert kind("unknownField") == "text"
