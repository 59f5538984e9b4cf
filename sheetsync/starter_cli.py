"""The conversation of ``sheetsync init``: flags first, questions for what they leave out.

A value given as a flag is final: a bad one ends the command (exit 2) with the reason. A value
typed at a prompt that cannot be used is explained and asked again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import typer
from rich.console import Console

from sheetsync import starter
from sheetsync.mapping import Mapping, MappingError, load_mappings
from sheetsync.settings import Settings
from sheetsync.starter import Answers, StarterError

PI = "https://pi.pardot.com"


def _pardot_host(url: str) -> bool:
    return (urlsplit(url).hostname or "").endswith(".pardot.com")


def _ask(
    errors: Console, question: str, check: Callable[[str], str], default: str | None = None
) -> str:
    while True:
        answer = typer.prompt(question, default=default) if default else typer.prompt(question)
        try:
            return check(str(answer))
        except StarterError as exc:
            errors.print(f"  {exc}", markup=False, highlight=False)


def _given(value: str, check: Callable[[str], str]) -> str:
    try:
        return check(value)
    except StarterError as exc:
        raise _Stop(str(exc)) from None


class _Stop(Exception):
    """A flag's value cannot be used: exit 2 with the message."""


def _others(folder: Path) -> list[Mapping]:
    """The folder's mappings, when they load (broken ones are `validate`'s business)."""
    if not folder.is_dir() or not any(folder.glob("*.y*ml")):
        return []
    try:
        return load_mappings(folder)
    except MappingError:
        return []


def run_init(
    settings: Settings,
    console: Console,
    errors: Console,
    *,
    object_name: str | None,
    spreadsheet: str | None,
    worksheet: str | None,
    fields: list[str] | None,
    name: str | None,
    directory: str | None,
    force: bool,
) -> int:
    """Ask, check, write. Returns the exit code."""
    from sheetsync.pardot import PardotClient, PardotError

    where = directory or settings.mappings
    if where.startswith("gs://"):
        errors.print(
            f"error: init writes a local file and SHEETSYNC_MAPPINGS is {where}: give --dir "
            "(then upload the file)",
            markup=False,
        )
        return 2
    folder = Path(where)
    try:
        chosen = (
            _given(object_name, starter.check_object)
            if object_name
            else _ask(
                errors, "Pardot object (prospects or campaigns)", starter.check_object, "prospects"
            )
        )
        sheet = (
            _given(spreadsheet, starter.check_spreadsheet)
            if spreadsheet
            else _ask(errors, "Spreadsheet (its id or URL)", starter.check_spreadsheet)
        )
        tab = (
            _given(worksheet, starter.check_worksheet)
            if worksheet
            else _ask(errors, "Worksheet (tab) title", starter.check_worksheet)
        )
        if name is not None:
            _given(name, starter.check_name)
    except _Stop as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        return 2
    config = settings.pardot()
    with PardotClient(config) as pardot:
        try:
            catalogue = pardot.catalogue(chosen)
        except PardotError as exc:
            errors.print(f"error: cannot read Pardot's field catalogue: {exc}", markup=False)
            return 1
    custom = sorted(n for n, f in catalogue.fields.items() if f.kind == "custom")
    if fields:
        names = starter.split_fields(fields)
        if problems := starter.field_problems(names, catalogue):
            for problem in problems:
                errors.print(f"error: --field: {problem}", markup=False, highlight=False)
            return 2
    else:
        if custom:
            console.print(f"Custom fields in this account: {', '.join(custom)}", highlight=False)
        console.print(f"(`sheetsync fields {chosen}` lists every field.)", highlight=False)

        def check_fields(text: str) -> str:
            problems = starter.field_problems(starter.split_fields(text), catalogue)
            if problems:
                raise StarterError("; ".join(problems))
            return text

        names = starter.split_fields(
            _ask(
                errors,
                "Fields for the columns (comma-separated)",
                check_fields,
                ", ".join(starter.SUGGESTED[chosen]),
            )
        )
    answers = Answers(chosen, sheet, tab, names, name)
    today = datetime.now(UTC).date().isoformat()
    try:
        path, text = starter.build(
            answers,
            catalogue,
            folder,
            today=today,
            force=force,
            others=_others(folder),
            # Links to the account's own host (sandboxes: pi.demo.pardot.com), not an emulator.
            pardot_url=config.pardot_url if _pardot_host(config.pardot_url) else PI,
        )
    except StarterError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        return 2
    starter.write(path, text)
    mapping = path.stem
    console.print(f"Wrote {path} ({len(names)} field(s) plus the id column).", highlight=False)
    console.print(
        f"Next: `sheetsync validate`, then `sheetsync plan --mapping {mapping}`.", highlight=False
    )
    return 0
