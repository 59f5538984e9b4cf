"""Loading mapping files: YAML with line numbers -> validated :class:`Mapping`, or a
:class:`MappingError` listing every problem of every file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from sheetsync.mapping.errorformat import validation_problems
from sheetsync.mapping.errors import MappingError, Problem, not_utf8
from sheetsync.mapping.models import CROSS_CHECKS_SINK, Mapping
from sheetsync.mapping.values import describe
from sheetsync.mapping.yamlread import KeyPath, format_path, read_yaml

SUFFIXES = (".yaml", ".yml")
_RESERVED = {
    "name": "a mapping is named by its file (hot-prospects.yaml is 'hot-prospects')",
    "path": "a mapping's path is where its file is",
}


def parse_mapping(text: str, path: str | os.PathLike[str], *, name: str | None = None) -> Mapping:
    """A mapping from YAML text; ``path`` names it in problems (and, unless ``name`` is given,
    its stem is the mapping's name: use ``name=`` for ``gs://`` objects)."""
    file = str(path)
    stem = name if name is not None else Path(file).stem
    doc = read_yaml(text, file)
    problems = list(doc.problems)
    data = doc.data
    if data is None:
        problems.append(
            Problem(
                file,
                None,
                "",
                "the file is empty: a mapping needs at least spreadsheet, "
                "worksheet, source and columns",
            )
        )
        raise MappingError(problems)
    if not isinstance(data, dict):
        problems.append(
            Problem(
                file,
                1,
                "",
                "must be a mapping of keys (spreadsheet:, worksheet:, source:, "
                f"columns:, ...), not {describe(data)}",
            )
        )
        raise MappingError(problems)
    fields = {str(k): v for k, v in data.items()}
    for key, why in _RESERVED.items():
        if key in fields:
            del fields[key]
            line, shown = doc.source_map.locate((key,))
            problems.append(Problem(file, line, format_path(shown), f"unknown key: {why}"))
    found: list[tuple[KeyPath, str]] = []
    try:
        mapping = Mapping.model_validate(
            {**fields, "name": stem, "path": file}, context={CROSS_CHECKS_SINK: found}
        )
    except ValidationError as exc:
        problems += validation_problems(exc, file, doc.source_map, Mapping)
        raise MappingError(problems) from None
    for key_path, message in found:
        line, shown = doc.source_map.locate(key_path)
        problems.append(Problem(file, line, format_path(shown), message))
    if problems:
        raise MappingError(problems)
    return mapping.with_source_map(doc.source_map)


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Load and validate one mapping file (offline checks only: see ``check_fields``)."""
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MappingError([Problem(file, None, "", f"cannot read: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MappingError([not_utf8(file, data, exc)]) from None
    return parse_mapping(text, file)


def cross_mapping_problems(mappings: Iterable[Mapping]) -> list[Problem]:
    """Rules across mappings: names are unique; no two mappings write the same worksheet
    (compared ignoring case, as Sheets does for sheet names)."""
    problems: list[Problem] = []
    names: dict[str, Mapping] = {}
    targets: dict[tuple[str, str], Mapping] = {}
    for mapping in mappings:
        if (other := names.setdefault(mapping.name, mapping)) is not mapping:
            problems.append(
                Problem(
                    mapping.file,
                    None,
                    "",
                    f"the name '{mapping.name}' is also used by "
                    f"{other.file}: rename one of the files",
                )
            )
        target = (mapping.spreadsheet_id, mapping.worksheet.strip().casefold())
        if (other := targets.setdefault(target, mapping)) is not mapping:
            line, shown = mapping.locate(("worksheet",))
            problems.append(
                Problem(
                    mapping.file,
                    line,
                    shown,
                    f"{other.file} already writes worksheet '{other.worksheet}' of this "
                    "spreadsheet: two mappings may not write one worksheet",
                )
            )
    return problems + _tab_problems(mappings)


def _tab_problems(mappings: Iterable[Mapping]) -> list[Problem]:
    """A status tab may be shared (one line per mapping); a change history may not, and no
    mapping's data tab may be another's status or history tab."""
    problems: list[Problem] = []
    chosen = list(mappings)
    data = {(m.spreadsheet_id, m.worksheet.strip().casefold()): m for m in chosen}
    histories: dict[tuple[str, str], Mapping] = {}
    for mapping in chosen:
        for name, option in (("status", mapping.status), ("changelog", mapping.changelog)):
            if option is None:
                continue
            target = (mapping.spreadsheet_id, option.worksheet.strip().casefold())
            line, shown = mapping.locate((name, "worksheet"))
            owner = data.get(target)
            if owner is not None and owner is not mapping:
                problems.append(
                    Problem(
                        mapping.file,
                        line,
                        shown,
                        f"'{option.worksheet}' is the data worksheet of {owner.file}: the "
                        f"{name} needs a tab of its own",
                    )
                )
            if name == "changelog":
                other = histories.setdefault(target, mapping)
                if other is not mapping:
                    problems.append(
                        Problem(
                            mapping.file,
                            line,
                            shown,
                            f"{other.file} already keeps its change history in "
                            f"'{option.worksheet}': each mapping needs its own history tab",
                        )
                    )
    return problems


def load_mappings(folder: str | os.PathLike[str]) -> list[Mapping]:
    """Every ``*.yaml``/``*.yml`` mapping in ``folder``, sorted by name; all problems of all
    files in one :class:`MappingError`."""
    where = Path(folder)
    if not where.is_dir():
        raise MappingError(
            [
                Problem(
                    str(folder),
                    None,
                    "",
                    "no such folder (SHEETSYNC_MAPPINGS names the folder "
                    "that holds the mapping files)",
                )
            ]
        )
    files = sorted(
        p
        for p in where.iterdir()
        if p.suffix in SUFFIXES and p.is_file() and not p.name.startswith(".")
    )
    if not files:
        raise MappingError(
            [
                Problem(
                    str(folder),
                    None,
                    "",
                    "no mappings here: the folder has no *.yaml or *.yml files; add one "
                    "(`sheetsync init` writes a starter mapping) or point SHEETSYNC_MAPPINGS "
                    "at the folder that holds them",
                )
            ]
        )
    mappings: list[Mapping] = []
    problems: list[Problem] = []
    for file in files:
        try:
            mappings.append(load_mapping(file))
        except MappingError as exc:
            problems += exc.problems
    problems += cross_mapping_problems(mappings)
    if problems:
        raise MappingError(problems)
    return sorted(mappings, key=lambda m: m.name)
