"""Field masks: ``sheets.properties,sheets(merges,protectedRanges)``, ``a/b/c``, ``*``.

A mask parses to a tree ``{name: subtree}``; an empty subtree selects everything below.
Reads project a response through the tree; writes copy the masked fields from the request and
clear masked fields the request leaves out.
"""

from __future__ import annotations

import copy
from typing import Any

MaskTree = dict[str, "MaskTree"]


def parse_mask(text: str) -> MaskTree:
    """Parse a FieldMask string; raises ValueError when malformed."""
    compact = text.replace(" ", "")
    paths, pos = _parse_list(compact, 0, ())
    if pos != len(compact):
        raise ValueError(f"invalid field mask: {text}")
    tree: MaskTree = {}
    for path in paths:
        _insert(tree, path)
    return tree


def _parse_list(text: str, pos: int, prefix: tuple[str, ...]) -> tuple[list[tuple[str, ...]], int]:
    paths: list[tuple[str, ...]] = []
    while True:
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        names = tuple(text[start:pos].replace("/", ".").split("."))
        if any(not name for name in names):
            raise ValueError(f"invalid field mask near: {text[start:]!r}")
        if pos < len(text) and text[pos] == "(":
            inner, pos = _parse_list(text, pos + 1, prefix + names)
            if pos >= len(text) or text[pos] != ")":
                raise ValueError(f"unbalanced parentheses in field mask: {text!r}")
            pos += 1
            paths.extend(inner)
        else:
            paths.append(prefix + names)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return paths, pos


def _insert(tree: MaskTree, path: tuple[str, ...]) -> None:
    node = tree
    for i, name in enumerate(path):
        last = i == len(path) - 1
        if name in node and not node[name]:
            return  # an ancestor already selects everything below
        if last:
            node[name] = {}
            return
        node = node.setdefault(name, {"": {}})
        node.pop("", None)


def mask(text: str) -> MaskTree:
    return parse_mask(text)


def selects(tree: MaskTree | None, *path: str) -> bool:
    """Whether the mask asks for anything at or below ``path`` (None = no mask = everything)."""
    if tree is None:
        return True
    node = tree
    for name in path:
        if "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
        if not node:
            return True
    return True


def subtree(tree: MaskTree | None, *path: str) -> MaskTree | None:
    """The mask below ``path`` (None = everything)."""
    if tree is None:
        return None
    node = tree
    for name in path:
        if "*" in node or name not in node:
            return None
        node = node[name]
        if not node:
            return None
    return node


def project(value: Any, tree: MaskTree | None) -> Any:
    """Keep only the masked fields of a response (lists are projected element-wise)."""
    if tree is None or not tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [project(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: project(value[key], sub) for key, sub in tree.items() if key in value}


def apply(target: dict[str, Any], source: dict[str, Any], tree: MaskTree) -> dict[str, Any]:
    """A copy of ``target`` with the masked fields taken from ``source`` (absent -> cleared)."""
    result = dict(target)
    if "*" in tree:
        return copy.deepcopy(source)
    for key, sub in tree.items():
        if not sub:
            if key in source and source[key] is not None:
                result[key] = copy.deepcopy(source[key])
            else:
                result.pop(key, None)
            continue
        inner_source = source.get(key)
        inner_target = result.get(key)
        merged = apply(
            inner_target if isinstance(inner_target, dict) else {},
            inner_source if isinstance(inner_source, dict) else {},
            sub,
        )
        if merged:
            result[key] = merged
        else:
            result.pop(key, None)
    return result


def leaves(tree: MaskTree, prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, sub in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        out.extend(leaves(sub, path) if sub else [path])
    return out
