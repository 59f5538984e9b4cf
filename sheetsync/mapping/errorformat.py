"""Turning pydantic's validation errors into file/line/key problems a reader can act on."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sheetsync.mapping.errors import Problem
from sheetsync.mapping.values import closest, describe, did_you_mean, value_text
from sheetsync.mapping.yamlread import KeyPath, SourceMap, format_path

# Keys the loader fills in itself; never offered as suggestions.
INTERNAL_KEYS = frozenset({"name", "path"})


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            if (found := _model_in(arg)) is not None:
                return found
    return None


def model_at(root: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The model class that validates the object at ``loc`` (list indexes are skipped)."""
    current: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            return None
        current = _model_in(current.model_fields[part].annotation)
    return current


def _message(error: ErrorDetails, root: type[BaseModel], loc: KeyPath) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    got = describe(error.get("input"))
    ctx = {k: value_text(v) if isinstance(v, int | float) else v for k, v in ctx.items()}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        model = model_at(root, loc[:-1])
        keys = [k for k in (model.model_fields if model else ()) if k not in INTERNAL_KEYS]
        hint = did_you_mean(str(loc[-1]), keys)
        known = f" (known keys: {', '.join(keys)})" if keys and not hint else ""
        return f"unknown key{hint}{known}"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    simple = {
        "string_type": f"must be text (got {got})",
        "int_type": f"must be a whole number (got {got})",
        "int_parsing": f"must be a whole number (got {got})",
        "int_from_float": f"must be a whole number (got {got})",
        "float_type": f"must be a number (got {got})",
        "float_parsing": f"must be a number (got {got})",
        "bool_type": f"must be true or false (got {got})",
        "bool_parsing": f"must be true or false (got {got})",
        "list_type": f"must be a list (got {got})",
        "dict_type": f"must be a mapping of keys (got {got})",
        "model_type": f"must be a mapping of keys (got {got})",
        "model_attributes_type": f"must be a mapping of keys (got {got})",
        "greater_than_equal": f"must be at least {ctx.get('ge')} (got {got})",
        "greater_than": f"must be more than {ctx.get('gt')} (got {got})",
        "less_than_equal": f"must be at most {ctx.get('le')} (got {got})",
        "too_short": f"needs at least {ctx.get('min_length')} item(s)",
        "string_too_short": "must not be empty",
    }
    return simple.get(kind, error["msg"])


def validation_problems(
    exc: ValidationError, file: str, source_map: SourceMap, root: type[BaseModel]
) -> list[Problem]:
    problems: list[Problem] = []
    errors = exc.errors(include_url=False)
    misspelt = _misspelt_keys(errors, root)
    for error in errors:
        # "[key]" marks an error in a dict key; the path is the key's own.
        loc: KeyPath = tuple(p for p in error["loc"] if p != "[key]")
        if "[key]" in error["loc"] and loc not in source_map.lines:
            loc = loc[:-1]  # a key written differently (`~` for None): show its mapping
        if error["type"] == "missing" and loc in misspelt:
            continue  # "colums: unknown key; did you mean 'columns'?" already says it
        message = _message(error, root, loc)
        if loc[:1] in (("name",), ("path",)):  # the file itself, not a key in it
            problems.append(Problem(file, None, "", message))
            continue
        line, shown = source_map.locate(loc)
        problems.append(Problem(file, line, format_path(shown), message))
    return problems


def _misspelt_keys(errors: list[ErrorDetails], root: type[BaseModel]) -> set[KeyPath]:
    """Paths of required keys that an unknown key beside them is a misspelling of: their
    "is required" would only repeat, less helpfully, what the unknown key's hint says."""
    found: set[KeyPath] = set()
    for error in errors:
        if error["type"] != "extra_forbidden" or "[key]" in error["loc"]:
            continue
        loc: KeyPath = tuple(error["loc"])
        model = model_at(root, loc[:-1])
        keys = [k for k in (model.model_fields if model else ()) if k not in INTERNAL_KEYS]
        hint = closest(str(loc[-1]), keys)
        if hint is not None:
            found.add((*loc[:-1], hint))
    return found
