"""Reading mapping YAML with line numbers.

The file is composed into PyYAML's node tree first, so every key path (``columns[2].type``) can
be traced back to its line, and duplicate keys (which plain loading silently drops) are found.

Scalars follow YAML 1.2 core rules instead of PyYAML's YAML 1.1 ones, because marketing data is
full of values 1.1 misreads: only ``true``/``false`` are booleans (``NO``, ``yes``, ``on`` stay
text: the "Norway problem"), numbers with leading zeros stay text (a zip such as ``01234`` is not
octal), and ``1:20`` is text, not 80. Dates (``2026-01-01``) and timestamps are still read as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sheetsync.mapping.errors import MappingError, Problem

KeyPath = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_VALUE = "tag:yaml.org,2002:value"  # YAML 1.1's `=`; SafeLoader cannot even construct it
_MERGE = "tag:yaml.org,2002:merge"


class MappingLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars (see the module docstring)."""


MappingLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in {_BOOL, _INT, _FLOAT, _VALUE}]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
MappingLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
MappingLoader.add_implicit_resolver(
    # Decimal without leading zeros, or hex (PyYAML's constructor reads both correctly).
    _INT,
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
MappingLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(path: KeyPath) -> str:
    """``("columns", 2, "type")`` -> ``columns[2].type``; odd keys are quoted: ``values['A+']``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


@dataclass(eq=False)
class SourceMap:
    """Where each key path of one file is written."""

    nodes: dict[KeyPath, Node] = field(default_factory=dict)
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        # Locations are not part of a mapping's content: two loads of one file are equal.
        return isinstance(other, SourceMap)

    __hash__ = None  # type: ignore[assignment]

    def locate(self, path: KeyPath) -> tuple[int | None, KeyPath]:
        """The line of ``path`` (or of its nearest written parent) and the path to show.

        A path that reaches inside a scalar (a condition written as one string, say) is shown
        up to that scalar; a key that is missing keeps its full path, at its parent's line."""
        for n in range(len(path), -1, -1):
            prefix = path[:n]
            if prefix not in self.lines:
                continue
            if n < len(path) and isinstance(self.nodes.get(prefix), ScalarNode):
                return self.lines[prefix], prefix
            return self.lines[prefix], path
        return None, path


def _entries(node: MappingNode) -> list[tuple[Node, Node]]:
    """A mapping's entries, its own first, then those merged in with ``<<`` (own keys win)."""
    own = [(k, v) for k, v in node.value if k.tag != _MERGE]
    merged: list[tuple[Node, Node]] = []
    for key, value in node.value:
        if key.tag != _MERGE:
            continue
        sources = value.value if isinstance(value, SequenceNode) else [value]
        for source in sources:
            if isinstance(source, MappingNode):
                merged.extend(_entries(source))
    return own + merged


def _index(node: Node, path: KeyPath, smap: SourceMap, stack: set[int]) -> None:
    if id(node) in stack:  # a recursive alias: stop rather than loop
        return
    stack.add(id(node))
    if isinstance(node, MappingNode):
        for key, value in _entries(node):
            if isinstance(key, ScalarNode):
                sub = (*path, key.value)
                if sub not in smap.lines:
                    smap.nodes[sub], smap.lines[sub] = value, _line(key)
                    _index(value, sub, smap, stack)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, i)
            smap.nodes[sub], smap.lines[sub] = item, _line(item)
            _index(item, sub, smap, stack)
    stack.discard(id(node))


def _duplicates(node: Node, path: KeyPath, file: str, seen_nodes: set[int]) -> list[Problem]:
    if id(node) in seen_nodes:
        return []
    seen_nodes.add(id(node))
    problems: list[Problem] = []
    if isinstance(node, MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag == _MERGE:
                continue
            if key.value in first:
                problems.append(
                    Problem(
                        file,
                        _line(key),
                        format_path((*path, key.value)),
                        f"duplicate key (also at line {first[key.value]}); each key may appear "
                        "only once",
                    )
                )
            else:
                first[key.value] = _line(key)
            problems += _duplicates(value, (*path, key.value), file, seen_nodes)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            problems += _duplicates(item, (*path, i), file, seen_nodes)
    return problems


# Keys whose values often start with "#" (number formats, "# of visits"): YAML reads an unquoted
# "#" as a comment, so the value silently vanishes. Flagged when "#" is followed by a non-space.
_HASH_PRONE = frozenset({"format", "header", "default", "status_header"})


def _lost_to_comments(node: Node, path: KeyPath, file: str, lines: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    for key, value in node.value if isinstance(node, MappingNode) else ():
        sub = (*path, key.value) if isinstance(key, ScalarNode) else path
        if (
            isinstance(key, ScalarNode)
            and key.value in _HASH_PRONE
            and isinstance(value, ScalarNode)
            and value.value == ""
            and value.style is None
        ):
            rest = lines[key.end_mark.line][key.end_mark.column :].lstrip(": \t")
            if len(rest) > 1 and rest[0] == "#" and not rest[1].isspace():
                problems.append(
                    Problem(
                        file,
                        _line(key),
                        format_path(sub),
                        f"the value starts with '#', which YAML reads as a comment: quote it "
                        f'({key.value}: "{rest.split(" #")[0].strip()}")',
                    )
                )
        problems += _lost_to_comments(value, sub, file, lines)
    for i, item in enumerate(node.value if isinstance(node, SequenceNode) else ()):
        problems += _lost_to_comments(item, (*path, i), file, lines)
    return problems


def _yaml_problem(file: str, exc: yaml.YAMLError) -> Problem:
    line: int | None = None
    text = str(exc)
    if isinstance(exc, yaml.MarkedYAMLError):
        if (
            exc.context == "while scanning a quoted scalar"
            and exc.context_mark is not None
            and "end of stream" in (exc.problem or "")
        ):
            # PyYAML points at the end of the file; the fix belongs where the quote opens.
            return Problem(
                file,
                int(exc.context_mark.line) + 1,
                "",
                "invalid YAML: a quoted value that starts on this line is never closed; add "
                "the closing quote (or remove the opening one)",
            )
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        problem = exc.problem or text
        if exc.context:
            glue = ", " if problem.startswith("but ") else ": "
            problem = f"{exc.context}{glue}{problem}"
        text = problem
    if "\\t" in text or "\t" in text:
        text += " (indent with spaces, not tabs)"
    elif "alias" in text:
        text += ' (quote a value that starts with *, e.g. schedule: "*/15 * * * *")'
    elif "block" in text:
        text += " (check the indentation)"
    elif "mapping values are not allowed" in text:
        # PyYAML's words for a key indented deeper than the keys beside it, which reads as
        # part of the value above, or for an unquoted value that holds ": ".
        text += (
            " (check the indentation: a key indented more than the keys beside it; or quote "
            'a value that contains ": ")'
        )
    elif "escape character" in text:
        text += " (inside double quotes a backslash starts an escape: use single quotes)"
    return Problem(file, line, "", f"invalid YAML: {text}")


@dataclass
class YamlDocument:
    data: Any
    source_map: SourceMap
    problems: list[Problem]  # duplicate keys: reported, and validation goes on


def read_yaml(text: str, file: str) -> YamlDocument:
    """Parse one mapping document. Syntax errors raise :class:`MappingError` at once (nothing
    after them can be trusted); an empty document gives ``data=None``."""
    loader = MappingLoader(text)
    smap = SourceMap()
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, smap, problems)
        # Index before constructing: construction flattens `<<` merges into the nodes in place.
        smap.nodes[()], smap.lines[()] = node, _line(node)
        _index(node, (), smap, set())
        problems = _duplicates(node, (), file, set())
        problems += _lost_to_comments(node, (), file, text.splitlines())
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise MappingError([_yaml_problem(file, exc)]) from None
    finally:
        loader.dispose()
    return YamlDocument(data, smap, problems)


def read_value(text: str) -> Any:
    """A value written inline after a condition's operator.

    Lists (``[A, B]``) and quoted text are read as YAML; anything else is taken whole, as one
    plain scalar typed by the rules above (so ``Trade Show #1`` keeps its ``#1`` and
    ``foo: bar`` is text). Raises ValueError for unreadable YAML."""
    text = text.strip()
    if text[:1] in ("[", "{", '"', "'"):
        try:
            return yaml.load(text, Loader=MappingLoader)  # nosec B506  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            problem = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else None
            raise ValueError(f"cannot read the value {text!r}: {problem or exc}") from None
    loader = MappingLoader("")
    try:
        tag = loader.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
        return loader.construct_object(ScalarNode(tag, text), deep=True)
    finally:
        loader.dispose()
