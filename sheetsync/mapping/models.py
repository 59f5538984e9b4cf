"""The mapping models: one sync job (``Mapping``), its ``Source`` and its ``Column``s.

Built by the loader from YAML, or directly in Python (tests, the engine). Cross-field rules
(``checks``) run on both paths: direct construction raises pydantic's ValidationError listing
them; the loader turns them into file/line problems.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping as AnyMapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, get_args
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from sheetsync.mapping import checks
from sheetsync.mapping.alerts import Alerts, alert_fields
from sheetsync.mapping.base import Model
from sheetsync.mapping.conditions import Condition
from sheetsync.mapping.cron import cron_problem
from sheetsync.mapping.links import link_problem, placeholders, render_link
from sheetsync.mapping.spreadsheet import spreadsheet_id
from sheetsync.mapping.validators import field_name, non_empty, one_of, zone_name
from sheetsync.mapping.values import describe, field_value, is_empty, value_text
from sheetsync.mapping.yamlread import KeyPath, SourceMap, format_path

if TYPE_CHECKING:
    from sheetsync.mapping.fields import FieldTypes

ColumnType = Literal["text", "number", "integer", "boolean", "date", "datetime"]
COLUMN_TYPES: tuple[str, ...] = get_args(ColumnType)
ObjectName = Literal["prospects", "campaigns"]
OBJECT_NAMES: tuple[str, ...] = get_args(ObjectName)
OnDelete = Literal["remove", "mark", "keep"]
ON_DELETE: tuple[str, ...] = get_args(OnDelete)
MapValue = str | int | float | bool | None

# Validation context key: the loader collects cross-field problems here instead of raising.
CROSS_CHECKS_SINK = "sheetsync.mapping.cross_checks"
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def _optional(check: Any) -> Any:
    return lambda value: None if value is None else check(value)


def _header(value: str) -> str:
    return non_empty(value).strip()


def _link(value: str) -> str:
    if problem := link_problem(value):
        raise ValueError(problem)
    return value


def _cron(value: str) -> str:
    if problem := cron_problem(value):
        raise ValueError(problem)
    return value.strip()


def _spreadsheet(value: str) -> str:
    spreadsheet_id(value)  # raises ValueError for a bad id or URL
    return value.strip()


def _map_value(value: Any) -> MapValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError(f"must be text, a number, true/false or empty (got {describe(value)})")


def _map_key(value: Any) -> str:
    if value is None:
        raise ValueError("a value map key cannot be empty: use default: for empty values")
    if isinstance(value, str | int | float | bool | date):
        return value_text(value)
    raise ValueError(f"a value map key must be one value (got {describe(value)})")


def _one_or_many(value: Any) -> Any:
    """``lists: Hot Prospects`` is read as ``[Hot Prospects]`` (same for ``where``)."""
    return [value] if isinstance(value, str | int) and not isinstance(value, bool) else value


def _list_ref(value: Any) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError(f"a list is its name or its id number (got {describe(value)})")


def _mapping_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            f"the file name '{value}' may use only letters, digits, - and _ (it names the "
            "mapping in --mapping and in the scheduler's job)"
        )
    return value


class Column(Model):
    """One managed column: a Pardot field and how its value is shown.

    ``values`` replacements and ``default`` are meant to be written as YAML typed them (text
    stays text, a number a number); ``type`` converts the Pardot values that pass unchanged."""

    field: Annotated[str, AfterValidator(field_name)]
    header: Annotated[str, AfterValidator(_header)]  # defaults to the field name
    type: Annotated[ColumnType | None, BeforeValidator(one_of(COLUMN_TYPES, allow_none=True))] = (
        None
    )
    link: Annotated[str | None, AfterValidator(_optional(_link))] = None
    values: dict[
        Annotated[str, BeforeValidator(_map_key)], Annotated[MapValue, PlainValidator(_map_value)]
    ] = Field(default_factory=dict)
    default: Annotated[MapValue, PlainValidator(_map_value)] = None
    format: Annotated[str | None, AfterValidator(_optional(_header))] = None
    time_zone: Annotated[str | None, AfterValidator(_optional(zone_name))] = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand_and_header(cls, data: Any) -> Any:
        if isinstance(data, str):  # `- email` is `- field: email`
            data = {"field": data}
        if isinstance(data, AnyMapping) and data.get("header") is None:
            field = data.get("field")
            # With no usable field the field's own error is the one to read; "-" only stops a
            # second, confusing "header missing".
            return {**data, "header": "-" if field is None else str(field).strip() or "-"}
        return data

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Fields the link template reads (``{id}`` -> ``id``), in order, each once."""
        return placeholders(self.link) if self.link else ()

    def render_link(self, record: AnyMapping[str, Any]) -> str | None:
        """The link URL for a record (see ``links.render_link``), or None without a link."""
        return render_link(self.link, record) if self.link else None

    def map_value(self, value: Any) -> Any:
        """Apply ``default`` (for an empty value) and ``values`` (matched on ``value_text``)."""
        if is_empty(value):
            return self.default if self.default is not None else value
        return self.values.get(value_text(value), value) if self.values else value


class Source(Model):
    """Which Pardot records the mapping shows."""

    object: Annotated[ObjectName, BeforeValidator(one_of(OBJECT_NAMES))]
    lists: Annotated[
        list[Annotated[int | str, PlainValidator(_list_ref)]], BeforeValidator(_one_or_many)
    ] = Field(default_factory=list)
    where: Annotated[list[Condition], BeforeValidator(_one_or_many)] = Field(default_factory=list)
    include_deleted: bool = False


class StatusTabOption(Model):
    """``status:``: a status table (one line per mapping) on its own tab."""

    worksheet: Annotated[str, AfterValidator(non_empty)]


class ChangelogOption(Model):
    """``changelog:``: the change history on its own tab, the newest ``keep_rows`` lines."""

    worksheet: Annotated[str, AfterValidator(non_empty)]
    keep_rows: Annotated[int, Field(ge=1, le=100_000)] = 5_000


# Keys that do not change what the sheet shows, so editing them forces no full run.
_NOT_HASHED = frozenset(
    {"name", "path", "spreadsheet", "schedule", "full_sync_every_hours", "max_remove_percent"}
    | {"alerts"}  # alerts change no cell
    | {"status", "changelog", "fill_down"}  # other tabs and users' columns: no managed cell
)
HASH_VERSION = "sheetsync-mapping-v1"


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


class Mapping(Model):
    """One sync job: a Pardot source shown in one worksheet."""

    name: Annotated[str, AfterValidator(_mapping_name)]  # the file's stem
    path: str | None = None  # where it was read from, as given (a file path or a gs:// URL)
    spreadsheet: Annotated[str, AfterValidator(_spreadsheet)]  # the id or URL as written
    worksheet: Annotated[str, AfterValidator(non_empty)]
    header_row: Annotated[int, Field(ge=1)] = 1
    source: Source
    key: Annotated[str, AfterValidator(field_name)] = "id"
    on_delete: Annotated[OnDelete, BeforeValidator(one_of(ON_DELETE))] = "remove"
    status_header: Annotated[str, AfterValidator(_header)] = "Sync status"
    time_zone: Annotated[str, AfterValidator(zone_name)] = "UTC"
    schedule: Annotated[str | None, AfterValidator(_optional(_cron))] = None
    full_sync_every_hours: Annotated[float | None, Field(gt=0)] = None
    max_remove_percent: Annotated[float | None, Field(ge=0, le=100)] = None
    columns: Annotated[list[Column], Field(min_length=1)]
    alerts: Alerts | None = None  # off unless asked for (see mapping.alerts)
    status: StatusTabOption | None = None  # off unless asked for (see sheetsync.tabs)
    changelog: ChangelogOption | None = None
    fill_down: list[Annotated[str, AfterValidator(_header)]] = Field(default_factory=list)

    _source_map: SourceMap = PrivateAttr(default_factory=SourceMap)

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Self:
        found = checks.cross_problems(self)
        sink = (info.context or {}).get(CROSS_CHECKS_SINK)
        if found and isinstance(sink, list):
            sink.extend(found)
        elif found:
            raise ValueError("; ".join(f"{format_path(p)}: {m}" for p, m in found))
        return self

    # -- derived values ------------------------------------------------------------------------
    @property
    def spreadsheet_id(self) -> str:
        return spreadsheet_id(self.spreadsheet)

    @property
    def hash(self) -> str:
        """sha256 of the normalised model: defaults filled in, URL reduced to the id, key order
        and comments gone. Operational keys (schedule, full_sync_every_hours,
        max_remove_percent) and the file's name/path are left out: they change no cell."""
        payload = self.model_dump(exclude=set(_NOT_HASHED))
        payload["spreadsheet_id"] = self.spreadsheet_id
        text = json.dumps(
            payload,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=_json_default,
        )
        return hashlib.sha256(f"{HASH_VERSION}\n{text}".encode()).hexdigest()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def column_zone(self, column: Column) -> ZoneInfo:
        """The zone a date/datetime column is shown in (its own, else the mapping's)."""
        return ZoneInfo(column.time_zone or self.time_zone)

    @property
    def key_column(self) -> Column:
        return next(c for c in self.columns if c.field == self.key)

    @property
    def headers(self) -> list[str]:
        """The managed columns' headers, in mapping order."""
        return [c.header for c in self.columns]

    @property
    def managed_headers(self) -> list[str]:
        """Every header sheetsync fills: the columns, plus the status column with ``mark``."""
        return self.headers + ([self.status_header] if self.on_delete == "mark" else [])

    @property
    def fields_to_read(self) -> list[str]:
        """Every field a run reads: ``id``, column fields, link placeholders, condition fields,
        the key, ``updatedAt`` and ``isDeleted``; each once, in that order."""
        names = ["id"]
        for column in self.columns:
            names += [column.field, *column.placeholders]
        names += [c.field for c in self.source.where]
        names += alert_fields(self.alerts)
        names += [self.key, "updatedAt", "isDeleted"]
        return list(dict.fromkeys(names))

    def record_matches(self, record: AnyMapping[str, Any], types: FieldTypes | None = None) -> bool:
        """Whether a record passes every ``where`` condition (``types``: the field catalogue,
        so comparisons follow each field's Pardot type; see ``conditions``)."""
        zone = self.zone
        return all(
            c.matches(
                field_value(record, c.field), types.type_of(c.field) if types else None, tz=zone
            )
            for c in self.source.where
        )

    # -- locations -----------------------------------------------------------------------------
    @property
    def file(self) -> str:
        """How problems name this mapping's file."""
        return self.path or f"{self.name}.yaml"

    def locate(self, path: KeyPath) -> tuple[int | None, str]:
        """The line of a key path in the file it was loaded from (None when built in Python) and
        the key path as problems show it."""
        line, shown = self._source_map.locate(path)
        return line, format_path(shown)

    def with_source_map(self, source_map: SourceMap) -> Self:
        self._source_map = source_map
        return self
