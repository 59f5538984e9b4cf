"""Condition parsing and matching against JSON-typed records, by Pardot field type."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from sheetsync.mapping import Condition, value_problem

PARIS = ZoneInfo("Europe/Paris")


def cond(text: str) -> Condition:
    return Condition.model_validate(text)


@pytest.mark.parametrize(
    ("text", "field", "op", "value"),
    [
        ("score >= 50", "score", ">=", 50),
        ("score>=50", "score", ">=", 50),
        ("optedOut = false", "optedOut", "=", False),
        ("optedOut == false", "optedOut", "=", False),
        ("grade in [A+, A, B]", "grade", "in", ["A+", "A", "B"]),
        ("grade NOT IN [C]", "grade", "not in", ["C"]),
        ("country is not empty", "country", "is not empty", None),
        ("country is  empty", "country", "is empty", None),
        ('company = "Acme, Inc."', "company", "=", "Acme, Inc."),
        ("company = Trade Show #1", "company", "=", "Trade Show #1"),
        ("country = NO", "country", "=", "NO"),
        ("zip = 01234", "zip", "=", "01234"),
        ("lastActivityAt < 2026-01-01", "lastActivityAt", "<", date(2026, 1, 1)),
        ("assignedTo.email != a@b.example", "assignedTo.email", "!=", "a@b.example"),
    ],
)
def test_parsing(text: str, field: str, op: str, value: Any) -> None:
    c = cond(text)
    assert (c.field, c.op, c.value) == (field, op, value)
    assert type(c.value) is type(value)
    assert Condition.model_validate(str(c)) == c  # str() reads back as the same condition


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("score => 50", "unknown operator '=>'"),
        ("score 50", "no operator in 'score 50'"),
        ("score is 50", "no operator in 'score is 50'"),
        ("score >=", "'>=' needs a value (use 'is empty' to test for no value)"),
        ("grade in A", "'in' needs a list of values, e.g. 'grade in [A, B]'"),
        ("grade = [A, B]", "'=' compares with one value; use 'in' for a list"),
        ("country is empty now", "'is empty' takes no value (got 'now')"),
        ("name = [unclosed", "cannot read the value '[unclosed'"),
        ("first name = x", "'first name' is not a field name: use the field's API name"),
        ("name = {a: b}", "must be one value or a list of values (got a mapping)"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        cond(text)


def test_mapping_form() -> None:
    c = Condition.model_validate({"field": "score", "op": ">=", "value": 50})
    assert c == cond("score >= 50")
    with pytest.raises(ValidationError, match="must be one of"):
        Condition.model_validate({"field": "score", "op": "=>", "value": 50})


def test_numbers() -> None:
    assert cond("score >= 50").matches(50, "integer")
    assert cond("score >= 50").matches(50.5, "integer")
    assert not cond("score >= 50").matches(49, "integer")
    assert cond("score >= 50").matches("75", "integer")  # score arrives as text in some accounts
    assert cond("cost = 1500.25").matches("1500.25", "float")  # exact decimals, not binary
    assert cond("cost = 1500").matches(1500.0, "float")
    assert not cond("score >= 50").matches(None, "integer")
    assert not cond("score >= 50").matches("n/a", "integer")
    assert not cond("score < 50").matches(True, "integer")  # a boolean is not a number
    assert cond("score != 50").matches(None, "integer")  # the negation of =
    assert cond("score in [1, 2, 3]").matches(2, "integer")
    assert cond("score not in [1, 2, 3]").matches(4, "integer")


def test_booleans() -> None:
    assert cond("optedOut = false").matches(False, "boolean")
    assert not cond("optedOut = false").matches(True, "boolean")
    assert not cond("optedOut = false").matches(None, "boolean")
    assert cond("optedOut = false").matches("false", "boolean")
    assert not cond("optedOut = false").matches(0, "boolean")
    assert cond("optedOut != true").matches(None, "boolean")


def test_strings_are_exact() -> None:
    assert cond("grade = A").matches("A", "string")
    assert not cond("grade = A").matches("a", "string")
    assert not cond("grade = A").matches(" A", "string")
    assert cond("grade in [A+, A, B]").matches("A+", "string")
    assert not cond("grade in [A+, A, B]").matches("C", "string")
    assert not cond("grade in [A+, A, B]").matches(None, "string")
    assert cond("grade not in [A+, A, B]").matches(None, "string")
    assert cond("zip = 01234").matches("01234", "string")
    assert cond("zip = 12345").matches("12345", "string")  # a number compared as its text
    assert cond("country != France").matches(None, "string")
    assert cond("company > M").matches("Stark Industries", "string")


def test_datetimes_compare_as_instants() -> None:
    c = cond("lastActivityAt >= 2026-03-01T12:00:00Z")
    assert c.matches("2026-03-01T05:00:00-07:00", "datetime")  # 12:00 UTC
    assert not c.matches("2026-03-01T04:59:59-07:00", "datetime")
    assert c.matches("2026-03-01T13:00:00+01:00", "datetime")
    assert not c.matches(None, "datetime")
    assert not c.matches("last tuesday", "datetime")
    assert cond("lastActivityAt = 2026-03-01T12:00:00Z").matches(
        "2026-03-01T04:00:00-08:00", "datetime"
    )


def test_naive_datetimes_are_in_the_mapping_time_zone() -> None:
    c = Condition(field="lastActivityAt", op=">=", value="2026-03-01 09:00")
    assert c.matches("2026-03-01T08:00:00+00:00", "datetime", tz=PARIS)  # 09:00 in Paris
    assert not c.matches("2026-03-01T08:00:00+00:00", "datetime")  # 09:00 UTC


def test_a_date_compares_with_the_records_date_in_the_time_zone() -> None:
    on_day = cond("lastActivityAt = 2026-01-01")
    late_evening_utc = "2025-12-31T23:30:00+00:00"  # already Jan 1 in Paris
    assert on_day.matches(late_evening_utc, "datetime", tz=PARIS)
    assert not on_day.matches(late_evening_utc, "datetime")
    assert cond("lastActivityAt < 2026-01-01").matches(late_evening_utc, "datetime")
    assert cond("lastActivityAt >= 2026-01-01").matches("2026-01-01T00:00:00Z", "datetime")
    # Date fields (custom "date" type) hold plain dates.
    assert cond("renewal__c <= 2026-06-30").matches("2026-06-30", "date")
    assert not cond("renewal__c <= 2026-06-30").matches("2026-07-01", "date")


def test_empty() -> None:
    empty, not_empty = cond("country is empty"), cond("country is not empty")
    nothing: list[Any] = [None, "", []]
    something: list[Any] = ["FR", 0, False, " "]
    for value in nothing:
        assert empty.matches(value, "string") and not not_empty.matches(value, "string")
    for value in something:
        assert not empty.matches(value, "string") and not_empty.matches(value, "string")


def test_without_a_field_type_the_condition_value_decides() -> None:
    assert cond("score >= 50").matches("60")
    assert cond("flag = true").matches(True)
    assert cond("when >= 2026-01-01").matches("2026-02-01T00:00:00Z")
    assert cond("name = x").matches("x")


@pytest.mark.parametrize(
    ("text", "field_type", "problem"),
    [
        ("score >= high", "integer", "'score' is a number field: 'high' is not a number"),
        ("optedOut = yes", "boolean", "'optedOut' is true/false: compare it with true or false"),
        ("optedOut > false", "boolean", "compare it with =, !=, in or not in"),
        ("lastActivityAt > last week", "datetime", "'last week' is not a date"),
        ("score in [1, x]", "integer", "'x' is not a number"),
    ],
)
def test_value_problems(text: str, field_type: str, problem: str) -> None:
    found = value_problem(cond(text), field_type)
    assert found is not None and problem in found


@pytest.mark.parametrize(
    ("text", "field_type"),
    [
        ("score >= 50", "integer"),
        ("score >= '50'", "integer"),
        ("optedOut = false", "boolean"),
        ("lastActivityAt >= 2026-01-01", "datetime"),
        ("lastActivityAt >= '2026-01-01 09:00'", "datetime"),
        ("grade = 5", "string"),
        ("country is empty", "integer"),
    ],
)
def test_values_that_fit(text: str, field_type: str) -> None:
    assert value_problem(cond(text), field_type) is None
