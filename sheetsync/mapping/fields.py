"""Online checks: a mapping against the Pardot field catalogue of its object.

Column types, when ``type:`` is omitted, follow the field's Pardot type (``effective_type``). An
explicit ``type:`` may convert, but only where every value converts:

============  ==========================================================
column type   allowed Pardot field types
============  ==========================================================
text          any (numbers, booleans and dates are shown as their text)
number        integer, float, string (numeric text is read as a number)
integer       integer, float, string (numeric text)
boolean       boolean
date          datetime (its date in the column's time zone), date
datetime      datetime, date (midnight)
============  ==========================================================
"""

from __future__ import annotations

from typing import Protocol

from sheetsync.mapping.alerts import alert_field_problems
from sheetsync.mapping.checks import column_type_problems
from sheetsync.mapping.conditions import value_problem
from sheetsync.mapping.errors import MappingError, Problem
from sheetsync.mapping.models import COLUMN_TYPES, Column, ColumnType, Mapping
from sheetsync.mapping.yamlread import KeyPath


class FieldTypes(Protocol):
    def type_of(self, name: str) -> str | None: ...


class Catalogue(FieldTypes, Protocol):
    """What the checks need of ``sheetsync.pardot.FieldCatalogue`` (not imported: this package
    stays free of the HTTP client)."""

    @property
    def object(self) -> str: ...

    def problem(self, name: str, *, for_query: bool = True) -> str | None: ...


NATURAL_TYPE: dict[str, ColumnType] = {
    "integer": "integer",
    "float": "number",
    "boolean": "boolean",
    "datetime": "datetime",
    "date": "date",
    "string": "text",
    "array": "text",
}

_NUMERIC = frozenset({"integer", "float", "string"})
_TEMPORAL = frozenset({"datetime", "date"})
ALLOWED_SOURCES: dict[str, frozenset[str] | None] = {
    "text": None,  # anything
    "number": _NUMERIC,
    "integer": _NUMERIC,
    "boolean": frozenset({"boolean"}),
    "date": _TEMPORAL,
    "datetime": _TEMPORAL,
}


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def converts(field_type: str, column_type: str) -> bool:
    """Whether a column of ``column_type`` may show a field of Pardot ``field_type``."""
    allowed = ALLOWED_SOURCES[column_type]
    return allowed is None or field_type in allowed


def effective_type(column: Column, catalogue: FieldTypes) -> ColumnType:
    """The column's type: its ``type:``, else the natural type of its field (text if unknown)."""
    if column.type is not None:
        return column.type
    field_type = catalogue.type_of(column.field)
    return NATURAL_TYPE.get(field_type, "text") if field_type else "text"


def field_problems(mapping: Mapping, catalogue: Catalogue) -> list[Problem]:
    """Every problem of the mapping's field names, types and condition values."""
    if catalogue.object != mapping.source.object:
        raise ValueError(
            f"{mapping.name} reads {mapping.source.object}; got the {catalogue.object} catalogue"
        )
    problems: list[Problem] = []

    def add(path: KeyPath, message: str) -> None:
        line, shown = mapping.locate(path)
        problems.append(Problem(mapping.file, line, shown, message))

    for i, column in enumerate(mapping.columns):
        if found := catalogue.problem(column.field):
            add(("columns", i, "field"), found)
        else:
            field_type = catalogue.type_of(column.field)
            if column.type is not None and field_type and not converts(field_type, column.type):
                fits = [t for t in COLUMN_TYPES if converts(field_type, t)]
                add(
                    ("columns", i, "type"),
                    f"{_a(column.type)} column cannot show '{column.field}', "
                    f"{_a(field_type)} field: use {', '.join(fits)}",
                )
            if column.type is None:  # explicit types were checked offline
                for path, message in column_type_problems(
                    column, effective_type(column, catalogue), i
                ):
                    add(path, message)
        for name in column.placeholders:
            if found := catalogue.problem(name):
                add(("columns", i, "link"), f"{{{name}}}: {found}")
    for j, condition in enumerate(mapping.source.where):
        if found := catalogue.problem(condition.field):
            add(("source", "where", j, "field"), found)
        elif found := value_problem(condition, catalogue.type_of(condition.field)):
            add(("source", "where", j, "value"), found)
    if mapping.key not in {c.field for c in mapping.columns} and (
        found := catalogue.problem(mapping.key)
    ):
        add(("key",), found)
    for path, message in alert_field_problems(mapping, catalogue):
        add(path, message)
    return problems


def check_fields(mapping: Mapping, catalogue: Catalogue) -> None:
    """Raise :class:`MappingError` listing every field problem (see ``field_problems``)."""
    if problems := field_problems(mapping, catalogue):
        raise MappingError(problems)
