"""The ``fields`` parameter: parsing dot notation into a tree and rendering records with it.

``campaign.createdBy.email`` walks relations (at most 3 hops) and is answered as nested objects
(``{"campaign": {"createdBy": {"email": ...}}}``; ``null`` when the relation is empty). Naming a
relation without a sub-field (``campaign``) is an unknown field. Key order in the answer follows
the recordings: ``id`` first, then standard fields and relations alphabetically, then custom
fields (``…__c``) alphabetically. Requested-but-empty fields are ``null``; unrequested ones are
absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from .errors import PardotError
from .schema import Field, ObjectSchema, Relation
from .timeutil import csv_local, iso_local

MAX_HOPS = 3

Lookup = Callable[[str, int], Mapping[str, Any] | None]  # (collection, id) -> record


@dataclass
class FieldNode:
    schema: ObjectSchema
    leaves: dict[str, Field] = field(default_factory=dict)
    children: dict[str, tuple[Relation, FieldNode]] = field(default_factory=dict)

    _order: list[str] | None = field(default=None, repr=False)

    def ordered(self) -> list[str]:
        """Answer keys in the recorded order (computed once per request)."""
        if self._order is None:
            self._order = _ordered([*self.leaves, *self.children])
        return self._order

    def multi_valued(self, prefix: str = "") -> list[str]:
        found = [prefix + n for n, f in self.leaves.items() if f.type == "list"]
        for name, (_, child) in self.children.items():
            found.extend(child.multi_valued(f"{prefix}{name}."))
        return found


def split_fields(text: str | None) -> list[str]:
    if text is None:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def unknown_field(name: str, param: str = "fields") -> PardotError:
    return PardotError(51, f"{param}. It contains an invalid or unknown field: {name}.")


def parse_paths(
    schemas: Mapping[str, ObjectSchema], collection: str, paths: list[str]
) -> FieldNode:
    root = FieldNode(schemas[collection])
    for path in paths:
        parts = path.split(".")
        if len(parts) - 1 > MAX_HOPS:
            raise unknown_field(path)
        node = root
        for hop in parts[:-1]:
            relation = node.schema.relations.get(hop)
            if relation is None:
                raise unknown_field(path)
            if hop not in node.children:
                node.children[hop] = (relation, FieldNode(schemas[relation.target]))
            node = node.children[hop][1]
        spec = node.schema.fields.get(parts[-1])
        if spec is None:
            raise unknown_field(path)
        node.leaves[spec.name] = spec
    return root


def _ordered(names: list[str]) -> list[str]:
    standard = sorted(n for n in names if n != "id" and not n.endswith("__c"))
    custom = sorted(n for n in names if n.endswith("__c"))
    return (["id"] if "id" in names else []) + standard + custom


def render_json(
    node: FieldNode, record: Mapping[str, Any], lookup: Lookup, tz: tzinfo
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in node.ordered():
        spec = node.leaves.get(name)
        if spec is not None:
            value = record.get(name, spec.default)
            if value is not None:
                if spec.type == "datetime":
                    value = iso_local(value, tz)
                elif spec.type == "list":
                    value = list(value)
            out[name] = value
            continue
        relation, child = node.children[name]
        key = record.get(relation.key)
        related = lookup(relation.target, key) if key is not None else None
        out[name] = None if related is None else render_json(child, related, lookup, tz)
    return out


def resolve_path(
    schemas: Mapping[str, ObjectSchema],
    collection: str,
    path: str,
    record: Mapping[str, Any],
    lookup: Lookup,
) -> tuple[Field, Any]:
    """The value at a (validated) dotted path: ``(field spec, stored value or None)``."""
    schema = schemas[collection]
    parts = path.split(".")
    current: Mapping[str, Any] | None = record
    for hop in parts[:-1]:
        relation = schema.relations[hop]
        schema = schemas[relation.target]
        key = current.get(relation.key) if current is not None else None
        current = lookup(relation.target, key) if key is not None else None
    spec = schema.fields[parts[-1]]
    value = current.get(spec.name, spec.default) if current is not None else None
    return spec, value


def csv_cell(spec: Field, value: Any, tz: tzinfo) -> str:
    """Export CSV text: empty for null, ``true``/``false``, local ``YYYY-MM-DD HH:MM:SS``."""
    if value is None:
        return ""
    if spec.type == "bool":
        return "true" if value else "false"
    if spec.type == "datetime":
        return csv_local(value, tz)
    if spec.type == "list":
        return ";".join(str(v) for v in value)
    return str(value)
