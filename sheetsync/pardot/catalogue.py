"""The field catalogue: every field name a mapping may use for an object, with its type.

Pure logic: built from the standard fields (``standard_fields``) and the account's custom field
definitions (read by the client). It validates names and suggests the closest valid one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sheetsync.pardot.errors import FieldError
from sheetsync.pardot.standard_fields import (
    CUSTOM_FIELD_TYPES,
    HAS_CUSTOM_FIELDS,
    OBJECTS,
    RELATIONSHIPS,
    FieldType,
)

FieldKind = Literal["standard", "custom", "related"]


@dataclass(frozen=True)
class CustomFieldDef:
    """One custom field definition from the ``custom-fields`` endpoint."""

    id: int
    field_id: str
    api_name: str  # what `fields=` takes: `<fieldId>__c`
    name: str
    type: str
    multi_valued: bool

    @classmethod
    def from_api(cls, record: Mapping[str, Any]) -> CustomFieldDef:
        field_id = str(record.get("fieldId") or "")
        api_name = str(record.get("apiFieldId") or f"{field_id}__c")
        kind = str(record.get("type") or "text").strip().lower()
        multi = bool(record.get("isRecordMultipleResponses")) or (
            CUSTOM_FIELD_TYPES.get(kind) == "array"
        )
        return cls(
            id=int(record.get("id") or 0),
            field_id=field_id,
            api_name=api_name,
            name=str(record.get("name") or field_id),
            type=kind,
            multi_valued=multi,
        )


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type: FieldType
    kind: FieldKind
    label: str | None = None
    multi_valued: bool = False
    custom_type: str | None = None  # the definition's type for custom fields ("dropdown", ...)


class UnknownFieldError(FieldError):
    """One or more field names are not valid for the object; each comes with a suggestion."""

    def __init__(self, object_name: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} invalid field(s) for {object_name}: " + "; ".join(problems),
            field=None,
        )

    def _render(self, message: str) -> str:
        return message


class FieldCatalogue:
    """Field names for one object; dot notation for related objects; custom `…__c` fields."""

    def __init__(self, object_name: str, fields: Iterable[FieldInfo]) -> None:
        self.object = object_name
        self.fields: dict[str, FieldInfo] = {f.name: f for f in fields}
        self._by_lower = {name.lower(): name for name in self.fields}

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def get(self, name: str) -> FieldInfo | None:
        return self.fields.get(name)

    def type_of(self, name: str) -> FieldType | None:
        info = self.fields.get(name)
        return info.type if info else None

    def suggest(self, name: str) -> str | None:
        """The closest valid name (case-insensitive), or None."""
        lowered = name.lower()
        if lowered in self._by_lower:
            return self._by_lower[lowered]
        # A custom field written without its suffix: `Region` -> `region__c`.
        if lowered + "__c" in self._by_lower:
            return self._by_lower[lowered + "__c"]
        matches = difflib.get_close_matches(lowered, list(self._by_lower), n=1, cutoff=0.6)
        return self._by_lower[matches[0]] if matches else None

    def problem(self, name: str, *, for_query: bool = True) -> str | None:
        """Why ``name`` cannot be read, or None when it can."""
        info = self.fields.get(name)
        if info is None:
            hint = self.suggest(name)
            tail = (
                f"; did you mean '{hint}'?"
                if hint
                else f" (`sheetsync fields {self.object}` lists every field you can use)"
            )
            return f"unknown field '{name}'{tail}"
        if for_query and info.multi_valued:
            return (
                f"'{name}' is a multi-valued custom field ({info.custom_type}): the v5 "
                f"{self.object} query cannot read multi-valued fields"
            )
        return None

    def validate(self, names: Iterable[str], *, for_query: bool = True) -> None:
        problems = [p for n in names if (p := self.problem(n, for_query=for_query))]
        if problems:
            raise UnknownFieldError(self.object, problems)


def build_catalogue(
    object_name: str, custom_fields: Iterable[CustomFieldDef] = ()
) -> FieldCatalogue:
    """The catalogue of ``object_name`` (a URL collection such as ``prospects``)."""
    if object_name not in OBJECTS:
        known = ", ".join(sorted(OBJECTS))
        raise FieldError(f"unknown Pardot object '{object_name}' (known: {known})")
    infos = [FieldInfo(n, t, "standard") for n, t in OBJECTS[object_name].items()]
    if object_name in HAS_CUSTOM_FIELDS:
        for cf in custom_fields:
            infos.append(
                FieldInfo(
                    cf.api_name,
                    CUSTOM_FIELD_TYPES.get(cf.type, "string"),
                    "custom",
                    label=cf.name,
                    multi_valued=cf.multi_valued,
                    custom_type=cf.type,
                )
            )
    for relation, target in RELATIONSHIPS.get(object_name, {}).items():
        for name, kind in OBJECTS[target].items():
            infos.append(FieldInfo(f"{relation}.{name}", kind, "related"))
    return FieldCatalogue(object_name, infos)
