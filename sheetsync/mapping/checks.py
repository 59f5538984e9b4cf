"""Offline rules that span several keys of one mapping (single keys validate themselves).

Each problem is ``(key path, message)``; the loader turns the path into a file line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheetsync.mapping.alerts import alert_problems
from sheetsync.mapping.yamlread import KeyPath, format_path

if TYPE_CHECKING:
    from sheetsync.mapping.models import Column, Mapping

Found = list[tuple[KeyPath, str]]

# Which column types may carry `format:` and `time_zone:` (the others would ignore them).
FORMATTED_TYPES = frozenset({"number", "integer", "date", "datetime"})
ZONED_TYPES = frozenset({"date", "datetime"})


def _same_header(text: str) -> str:
    # Headers are matched loosely here (case and outer spaces ignored): two managed columns a
    # reader cannot tell apart are a mistake even if the engine could.
    return text.strip().casefold()


def _key(mapping: Mapping) -> Found:
    where = [i for i, c in enumerate(mapping.columns) if c.field == mapping.key]
    if not where:
        if "key" in mapping.model_fields_set:
            return [
                (
                    ("key",),
                    f"'{mapping.key}' is not the field of any column: the key must be "
                    "shown in exactly one column",
                )
            ]
        return [
            (
                ("columns",),
                f"no column shows '{mapping.key}', the default key: add "
                f"'- field: {mapping.key}', or set key: to the field of one column",
            )
        ]
    return [
        (
            (("columns", i, "field")),
            f"the key '{mapping.key}' is already shown by "
            f"{format_path(('columns', where[0]))}: the key must be in exactly one column",
        )
        for i in where[1:]
    ]


def _headers(mapping: Mapping) -> Found:
    found: Found = []
    first: dict[str, int] = {}
    for i, column in enumerate(mapping.columns):
        seen = first.setdefault(_same_header(column.header), i)
        if seen != i:
            found.append(
                (
                    ("columns", i, "header"),
                    f"'{column.header}' is already the header of "
                    f"{format_path(('columns', seen))}: each column needs its own header",
                )
            )
    if mapping.on_delete == "mark" and _same_header(mapping.status_header) in first:
        where = "status_header" if "status_header" in mapping.model_fields_set else "on_delete"
        i = first[_same_header(mapping.status_header)]
        found.append(
            (
                (where,),
                f"the status column's header '{mapping.status_header}' is already the header of "
                f"{format_path(('columns', i))}: give the status column its own header",
            )
        )
    return found


def column_type_problems(column: Column, column_type: str, index: int) -> Found:
    """``format:`` and ``time_zone:`` on a column type that has no use for them."""
    found: Found = []
    if column.format is not None and column_type not in FORMATTED_TYPES:
        found.append(
            (
                ("columns", index, "format"),
                f"format applies to number, integer, date and datetime columns; this column is "
                f"{column_type}",
            )
        )
    if column.time_zone is not None and column_type not in ZONED_TYPES:
        found.append(
            (
                ("columns", index, "time_zone"),
                f"time_zone applies to date and datetime columns; this column is {column_type}",
            )
        )
    return found


def _tabs(mapping: Mapping) -> Found:
    """Status and history tabs are tabs of their own; fill_down names users' columns only."""
    found: Found = []
    data = _same_header(mapping.worksheet)
    tabs = [
        (name, option.worksheet)
        for name, option in (("status", mapping.status), ("changelog", mapping.changelog))
        if option is not None
    ]
    for name, title in tabs:
        if _same_header(title) == data:
            found.append(
                (
                    (name, "worksheet"),
                    f"'{title}' is the mapping's own worksheet: the {name} needs a tab of its "
                    "own (sheetsync creates it)",
                )
            )
    if len(tabs) == 2 and _same_header(tabs[0][1]) == _same_header(tabs[1][1]) != data:
        found.append(
            (
                ("changelog", "worksheet"),
                f"'{tabs[1][1]}' is already the status tab: give the change history its own tab",
            )
        )
    managed = {_same_header(h): i for i, h in enumerate(mapping.headers)}
    if mapping.on_delete == "mark":
        managed.setdefault(_same_header(mapping.status_header), -1)
    seen: dict[str, int] = {}
    for i, header in enumerate(mapping.fill_down):
        where = managed.get(_same_header(header))
        if where is not None:
            what = "the status column" if where < 0 else format_path(("columns", where))
            found.append(
                (
                    ("fill_down", i),
                    f"'{header}' is a managed column ({what}): fill_down names your own formula "
                    "columns, which sheetsync never writes",
                )
            )
        elif seen.setdefault(_same_header(header), i) != i:
            found.append((("fill_down", i), f"'{header}' is listed twice"))
    return found


def cross_problems(mapping: Mapping) -> Found:
    found = _key(mapping) + _headers(mapping) + _tabs(mapping)
    if mapping.source.lists and mapping.source.object != "prospects":
        found.append(
            (
                ("source", "lists"),
                f"lists filter prospects only ({mapping.source.object} are not list members)",
            )
        )
    for i, column in enumerate(mapping.columns):
        if column.type is not None:  # implied types are checked online, with the catalogue
            found += column_type_problems(column, column.type, i)
    found += alert_problems(mapping)
    return found
