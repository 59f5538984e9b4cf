"""``where`` conditions: ``score >= 50``, ``grade in [A, B]``, ``country is not empty``.

Written as one string ``<field> <op> <value>`` (the value read as YAML: see ``yamlread``) or as
``{field: score, op: ">=", value: 50}``. Evaluated after reading, against JSON-typed records, with
the field's Pardot type deciding how two values compare:

- integer/float fields compare as exact decimals; numeric text on either side counts as a number
  (``score`` arrives as text from some accounts);
- boolean fields compare booleans (``"true"``/``"false"`` text counts);
- datetime and date fields compare instants; a record's ISO text carries its offset. A value
  without an offset (``2026-01-01T09:00:00``) is read in the mapping's time zone. A plain date
  (``lastActivityAt >= 2026-01-01``) compares with the record's *date in the mapping's time zone*,
  so ``= 2026-01-01`` means "on that day" there;
- anything else compares as text, exactly (case and spaces count), using ``value_text``.

``is empty`` is None, ``""`` or ``[]``. ``!=`` and ``not in`` are the exact negations of ``=``
and ``in`` (so an empty country is ``!= France``); ``>``, ``>=``, ``<``, ``<=`` never match a value
that is empty or cannot be read as the field's type. Without a field type (unknown field), the
condition's own value decides: a number compares numbers, a date dates, and so on.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import AfterValidator, BeforeValidator, PlainValidator, model_validator

from sheetsync.mapping.base import Model
from sheetsync.mapping.validators import field_name, one_of
from sheetsync.mapping.values import describe, is_empty, value_text
from sheetsync.mapping.yamlread import read_value

Op = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not in", "is empty", "is not empty"]
OPS: tuple[str, ...] = get_args(Op)
EMPTY_OPS = frozenset({"is empty", "is not empty"})
LIST_OPS = frozenset({"in", "not in"})
ORDER_OPS = frozenset({">", ">=", "<", "<="})

# date before datetime is fine for typing; checks test datetime first (it is a date subclass).
Scalar = str | int | float | bool | date | datetime
ConditionValue = Scalar | list[Scalar] | None

_FIELD = re.compile(r"\s*(?P<field>[^\s=!<>\[]+)")
_WORD_OP = re.compile(r"\s+(?P<op>is\s+not\s+empty|is\s+empty|not\s+in|in)(?=[\s\[]|$)", re.I)
_SYMBOL_OP = re.compile(r"\s*(?P<op>==|!=|>=|<=|=|>|<)(?P<junk>[=!<>]*)")
_OPS_TEXT = "=, !=, >, >=, <, <=, in, not in, is empty, is not empty"


def parse_condition(text: str) -> dict[str, Any]:
    """``"score >= 50"`` -> ``{"field": "score", "op": ">=", "value": 50}``; ValueError else."""
    example = "write '<field> <op> <value>', e.g. 'score >= 50'"
    field = _FIELD.match(text)
    if field is None:
        raise ValueError(f"cannot read the condition {text!r}: {example}")
    rest = text[field.end() :]
    op = _WORD_OP.match(rest) or _SYMBOL_OP.match(rest)
    if op is None:
        later = re.search(r"\s(?:is\s|not\s+in\s|in\s)|==|!=|>=|<=|=|>|<", text, re.I)
        spaced = text[: later.start()].strip() if later is not None else ""
        if re.search(r"\s", spaced):
            raise ValueError(
                f"'{spaced}' is not a field name: use the field's API name, without spaces "
                "(e.g. firstName)"
            )
        raise ValueError(f"no operator in {text!r} (operators: {_OPS_TEXT})")
    if op.groupdict().get("junk"):
        raise ValueError(f"unknown operator '{op[0].strip()}' in {text!r} (operators: {_OPS_TEXT})")
    name = " ".join(op["op"].lower().split())
    value_text_ = rest[op.end() :].strip()
    if name in EMPTY_OPS:
        if value_text_:
            raise ValueError(f"'{name}' takes no value (got {value_text_!r})")
        return {"field": field["field"], "op": name}
    if not value_text_:
        raise ValueError(f"'{name}' needs a value (use 'is empty' to test for no value)")
    return {"field": field["field"], "op": name, "value": read_value(value_text_)}


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | date)


def _check_value(value: Any) -> Any:
    if value is None or _scalar(value):
        return value
    if isinstance(value, list | tuple) and all(_scalar(v) for v in value):
        return list(value)
    raise ValueError(
        f"must be one value or a list of values (got {describe(value)}); "
        "quote text that contains ': ' or brackets"
    )


# -- comparison keys ---------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest text that reads back: 1500.25 -> Decimal("1500.25").
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, list | tuple | Mapping):
        return None
    return value_text(value)


def _moment(value: Any, tz: tzinfo) -> date | None:
    """A datetime (always aware) or a plain date, from a value or ISO text."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def _temporal(left: Any, right: Any, tz: tzinfo) -> tuple[Any, Any] | None:
    a, b = _moment(left, tz), _moment(right, tz)
    if a is None or b is None:
        return None
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a, b
    # One side is a plain date: compare calendar days in the mapping's time zone.
    day_a = a.astimezone(tz).date() if isinstance(a, datetime) else a
    day_b = b.astimezone(tz).date() if isinstance(b, datetime) else b
    return day_a, day_b


def _kind_of(value: Any) -> str:
    sample = value[0] if isinstance(value, list) and value else value
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int | float):
        return "float"
    if isinstance(sample, date):
        return "datetime"
    return "string"


def _keys(left: Any, right: Any, kind: str, tz: tzinfo) -> tuple[Any, Any] | None:
    if kind in ("datetime", "date"):
        return _temporal(left, right, tz)
    convert = {"integer": _decimal, "float": _decimal, "boolean": _boolean}.get(kind, _text)
    a, b = convert(left), convert(right)
    return None if a is None or b is None else (a, b)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        plain = value.strip() == value and value != "" and not any(c in value for c in ",[]{}#")
        return value if plain and read_value(value) == value else json.dumps(value)
    return value_text(value)


class Condition(Model):
    """One ``where`` condition; all of a mapping's conditions must hold."""

    field: Annotated[str, AfterValidator(field_name)]
    op: Annotated[Op, BeforeValidator(one_of(OPS, {"==": "=", "<>": "!="}))]
    value: Annotated[ConditionValue, PlainValidator(_check_value)] = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return parse_condition(data)
        if isinstance(data, Mapping | Condition):
            return data
        raise ValueError(
            f"a condition is text such as 'score >= 50', or the keys field, op and value "
            f"(got {describe(data)})"
        )

    @model_validator(mode="after")
    def _value_fits_op(self) -> Self:
        if self.op in EMPTY_OPS:
            if self.value is not None:
                raise ValueError(f"'{self.op}' takes no value (got {describe(self.value)})")
        elif self.op in LIST_OPS:
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(
                    f"'{self.op}' needs a list of values, e.g. '{self.field} {self.op} [A, B]'"
                )
        elif self.value is None:
            raise ValueError(f"'{self.op}' needs a value (use 'is empty' to test for no value)")
        elif isinstance(self.value, list):
            raise ValueError(f"'{self.op}' compares with one value; use 'in' for a list")
        return self

    def __str__(self) -> str:
        if self.op in EMPTY_OPS:
            return f"{self.field} {self.op}"
        return f"{self.field} {self.op} {_show(self.value)}"

    @property
    def values(self) -> list[Scalar]:
        """The value(s) the condition compares with (empty for ``is empty``)."""
        if self.value is None:
            return []
        return list(self.value) if isinstance(self.value, list) else [self.value]

    def matches(self, value: Any, field_type: str | None = None, *, tz: tzinfo = UTC) -> bool:
        """Whether a record's ``value`` of this field satisfies the condition (module doc)."""
        if self.op == "is empty":
            return is_empty(value)
        if self.op == "is not empty":
            return not is_empty(value)
        kind = field_type or _kind_of(self.value)
        if self.op in LIST_OPS:
            hit = any(self._equal(value, v, kind, tz) for v in self.values)
            return hit if self.op == "in" else not hit
        if self.op == "=":
            return self._equal(value, self.value, kind, tz)
        if self.op == "!=":
            return not self._equal(value, self.value, kind, tz)
        keys = _keys(value, self.value, kind, tz)
        if keys is None:
            return False
        a, b = keys
        try:
            return bool({">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[self.op])
        except TypeError:
            return False

    @staticmethod
    def _equal(left: Any, right: Any, kind: str, tz: tzinfo) -> bool:
        keys = _keys(left, right, kind, tz)
        return keys is not None and keys[0] == keys[1]


def value_problem(condition: Condition, field_type: str | None) -> str | None:
    """Why the condition's value(s) cannot be compared with a field of ``field_type``, or None.

    Text fields compare with anything (as text); the others need values of their kind."""
    if condition.op in EMPTY_OPS or field_type is None:
        return None
    name = condition.field
    if field_type == "boolean" and condition.op in ORDER_OPS:
        return f"'{name}' is true/false: compare it with =, !=, in or not in"
    for value in condition.values:
        if field_type in ("integer", "float") and _decimal(value) is None:
            return f"'{name}' is a number field: {describe(value)} is not a number"
        if field_type == "boolean" and _boolean(value) is None:
            return f"'{name}' is true/false: compare it with true or false (got {describe(value)})"
        if field_type in ("datetime", "date") and _moment(value, UTC) is None:
            return (
                f"'{name}' is a {field_type} field: {describe(value)} is not a date "
                "(write 2026-01-31, or 2026-01-31T09:00:00Z for a moment)"
            )
    return None
