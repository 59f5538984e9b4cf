"""``sheetsync init``: a commented starter mapping from a few answers. Pure except ``write``.

The answers (object, spreadsheet, worksheet, fields) are checked against the account's field
catalogue (custom fields included) before anything is written: an unknown field is refused
with the closest valid name. The file is rendered as commented YAML, then loaded and checked
exactly as ``sheetsync validate`` would, so what ``init`` writes always validates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sheetsync.mapping import Mapping, MappingError, check_fields, parse_mapping, spreadsheet_id
from sheetsync.mapping.loader import cross_mapping_problems
from sheetsync.pardot.catalogue import FieldCatalogue

OBJECTS = ("prospects", "campaigns")
#: Offered when no fields are given: what a sales list usually starts with.
SUGGESTED = {
    "prospects": ("email", "firstName", "lastName", "company", "score", "grade"),
    "campaigns": ("name", "cost", "createdAt"),
}
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_ID_HEADERS = {"prospects": "Prospect ID", "campaigns": "Campaign ID"}


class StarterError(ValueError):
    """An answer that cannot be used; the message says why and what would work."""


@dataclass
class Answers:
    object: str
    spreadsheet: str
    worksheet: str
    fields: list[str] = field(default_factory=list)
    name: str | None = None  # the file stem; default from the worksheet


def mapping_name(worksheet: str) -> str:
    """``Hot prospects`` -> ``hot-prospects`` (the file stem and the mapping's name)."""
    slug = re.sub(r"[^a-z0-9]+", "-", worksheet.strip().lower()).strip("-")
    return slug or "sheet"


def split_fields(text: str | Iterable[str]) -> list[str]:
    """``"email, score"`` or ``["email,score", "grade"]`` -> ``["email", "score", "grade"]``."""
    parts = [text] if isinstance(text, str) else list(text)
    names = [n.strip() for part in parts for n in part.replace(";", ",").split(",")]
    return list(dict.fromkeys(n for n in names if n))


def check_object(value: str) -> str:
    choice = value.strip().lower()
    if choice not in OBJECTS:
        raise StarterError(f"the object must be prospects or campaigns (got {value!r})")
    return choice


def check_spreadsheet(value: str) -> str:
    try:
        spreadsheet_id(value)
    except ValueError as exc:
        raise StarterError(str(exc)) from None
    return value.strip()


def check_worksheet(value: str) -> str:
    if not value.strip():
        raise StarterError("the worksheet (tab) title must not be empty")
    return value.strip()


def check_name(value: str) -> str:
    if not _NAME.match(value):
        raise StarterError(
            f"'{value}' cannot name a mapping: use letters, digits, - and _ (it becomes the "
            "file name and the --mapping name)"
        )
    return value


def field_problems(names: Sequence[str], catalogue: FieldCatalogue) -> list[str]:
    """Why each unusable field cannot be a column (with the closest valid name)."""
    problems = [p for n in names if (p := catalogue.problem(n))]
    if not names:
        problems.append("give at least one field")
    return problems


def header_for(name: str, catalogue: FieldCatalogue) -> str:
    """A readable header: ``firstName`` -> ``First name``; custom fields use their label."""
    if name == "id":
        return _ID_HEADERS.get(catalogue.object, "ID")
    info = catalogue.get(name)
    if info is not None and info.label:
        return info.label
    words = [w.lower() for part in name.split(".") for w in _WORDS.findall(part)]
    words = ["ID" if w == "id" else w for w in words]
    text = " ".join(words) or name
    return text[:1].upper() + text[1:]


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (quoted only when needed)."""
    plain = value.strip() == value and not re.search(r"[:#{}\[\],&*!|>'\"%@`]", value)
    try:
        if plain and yaml.safe_load(value) == value:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def render(
    answers: Answers,
    catalogue: FieldCatalogue,
    *,
    today: str,
    pardot_url: str = "https://pi.pardot.com",
) -> str:
    """The starter mapping as commented YAML."""
    name = answers.name or mapping_name(answers.worksheet)
    names = ["id", *(n for n in answers.fields if n != "id")]
    headers: dict[str, str] = {}
    lines = [
        f"# {name}: Pardot {answers.object} in the worksheet '{answers.worksheet}'.",
        f"# Written by `sheetsync init` on {today}; edit it freely, no code involved.",
        "#   sheetsync validate                  checks it (field names against Pardot)",
        f"#   sheetsync plan --mapping {name}    shows what a sync would change (writes nothing)",
        f"#   sheetsync sync --mapping {name}    does it",
        "",
        "# The Google Sheet: its id or its whole URL. Share it with sheetsync's service account.",
        f"spreadsheet: {_scalar(answers.spreadsheet)}",
        "",
        "# The tab (worksheet); sheetsync creates it on the first sync if it does not exist.",
        f"worksheet: {_scalar(answers.worksheet)}",
        "",
        "# Which Pardot records appear in the sheet.",
        "source:",
        f"  object: {answers.object}",
    ]
    if answers.object == "prospects":
        lines += [
            "  # lists: [Hot Prospects]      # only members of ANY of these lists (names or ids)",
            "  # where:                      # only records for which ALL of these hold",
            "  #   - score >= 50             # = != > >= < <= in, not in, is empty, is not empty",
            "  include_deleted: false        # prospects in the recycle bin leave the sheet",
        ]
    lines += [
        "",
        "# What happens to a row whose record was deleted or no longer matches:",
        "# remove (the row), mark (say why in a status column) or keep (leave it).",
        "on_delete: remove",
        "",
        "# Dates and times are shown in this time zone (an IANA name such as Europe/Paris).",
        "time_zone: UTC",
        "",
        "# When the deployment runs this sync (cron: minute hour day-of-month month day-of-week).",
        '# schedule: "*/15 7-19 * * 1-5"',
        "",
        "# The columns sheetsync fills. They are found by their header text, so people may move",
        "# them and add their own columns beside them. `sheetsync fields "
        f"{answers.object}` lists every field.",
        "# Each column may also have: type, format, values, default, link (see the README).",
        "columns:",
    ]
    taken: set[str] = set()
    for name_ in names:
        header = header_for(name_, catalogue)
        if header.casefold() in taken:
            header = f"{header} ({name_})"
        taken.add(header.casefold())
        headers[name_] = header
        info = catalogue.get(name_)
        kind = ""
        if info is not None:
            kind = f"custom {info.custom_type}" if info.custom_type else f"{info.kind} {info.type}"
        lines.append(f"  - field: {name_:<30} # {kind}".rstrip())
        lines.append(f"    header: {_scalar(header)}")
        if name_ == "id" and answers.object == "prospects":
            lines.append(f"    link: {pardot_url}/prospect/read?id={{id}}   # opens it in Pardot")
    lines += [
        "",
        "# Alerts to Slack or Microsoft Teams (off unless you add them; see the README):",
        "# alerts:",
        "#   destinations:",
        "#     sales: {type: slack, webhook: SALES_SLACK}   # URL in SHEETSYNC_WEBHOOK_SALES_SLACK",
        "#   rules:",
        "#     - {name: New in the sheet, enters: true, notify: sales}",
    ]
    return "\n".join(lines) + "\n"


def build(
    answers: Answers,
    catalogue: FieldCatalogue,
    folder: Path,
    *,
    today: str,
    force: bool = False,
    others: Sequence[Mapping] = (),
    pardot_url: str = "https://pi.pardot.com",
) -> tuple[Path, str]:
    """The path and text of the starter mapping, checked like ``sheetsync validate`` checks.

    ``others`` are the folder's mappings (two mappings may not write one worksheet)."""
    name = check_name(answers.name or mapping_name(answers.worksheet))
    path = folder / f"{name}.yaml"
    if path.exists() and not force:
        raise StarterError(f"{path} already exists; use --force to replace it")
    if (folder / f"{name}.yml").exists():
        raise StarterError(f"{folder / (name + '.yml')} already names the mapping '{name}'")
    if problems := field_problems(answers.fields, catalogue):
        raise StarterError("; ".join(problems))
    text = render(answers, catalogue, today=today, pardot_url=pardot_url)
    mapping = parse_mapping(text, path)
    check_fields(mapping, catalogue)
    rest = [m for m in others if m.name != name]
    if clash := cross_mapping_problems([*rest, mapping]):
        raise MappingError(clash)
    return path, text


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
