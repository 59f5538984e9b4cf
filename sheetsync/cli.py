"""The ``sheetsync`` command line (typer + rich).

Exit codes: 0 when every mapping's run is ``ok``; 1 when one failed, was refused or met a
conflict; 2 for bad settings or mappings.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sheetsync import __version__
from sheetsync.mapping import Mapping, MappingError
from sheetsync.report import RunReport
from sheetsync.settings import Settings, SettingsError

app = typer.Typer(
    help="Keep Google Sheets in sync with Salesforce Account Engagement (Pardot).\n\n"
    "Settings come from SHEETSYNC_* environment variables (see the README); mappings from the "
    "folder SHEETSYNC_MAPPINGS (default: mappings).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# Logs and CI output are not terminals: give tables room instead of rich's 80 columns, and
# never fold a message's text into several lines.
console = Console(width=None if sys.stdout.isatty() else 120, soft_wrap=not sys.stdout.isatty())
# Error messages name a file and line: never fold them mid-word where stderr is not a terminal.
errors = Console(stderr=True, soft_wrap=not sys.stderr.isatty())


class ObjectName(StrEnum):
    prospects = "prospects"
    campaigns = "campaigns"


MappingOption = Annotated[
    str | None, typer.Option("--mapping", "-m", help="Only this mapping (its file name).")
]
FullOption = Annotated[
    bool, typer.Option("--full", help="Read everything and reconcile every row.")
]


@contextmanager
def _fail_clearly() -> Iterator[None]:
    """Configuration problems end the command with their message (exit 2), no traceback."""
    from sheetsync.sheets import CredentialsError

    try:
        yield
    except (SettingsError, MappingError, CredentialsError) as exc:
        # One problem per line, each marked, so none reads as a continuation of the one above.
        for line in str(exc).splitlines() or [""]:
            errors.print(f"[bold red]error:[/] {escape(line)}", highlight=False, markup=True)
        raise typer.Exit(2) from None


@app.callback()
def _options(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what happens (to stderr).")
    ] = False,
) -> None:
    # The engine logs one JSON line per run report; the CLI shows tables, and with -v also those
    # lines, bare, on stderr.
    package = logging.getLogger("sheetsync")
    engine_log = logging.getLogger("sheetsync.engine")
    saved = (package.level, engine_log.level, engine_log.propagate)
    package.setLevel(logging.INFO if verbose else logging.WARNING)
    engine_log.setLevel(logging.INFO if verbose else logging.CRITICAL)
    if not verbose:
        ctx.call_on_close(lambda: _restore(saved, None))
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    engine_log.addHandler(handler)
    engine_log.propagate = False
    ctx.call_on_close(lambda: _restore(saved, handler))


def _restore(saved: tuple[int, int, bool], handler: logging.Handler | None) -> None:
    package, engine_log = logging.getLogger("sheetsync"), logging.getLogger("sheetsync.engine")
    package.setLevel(saved[0])
    engine_log.setLevel(saved[1])
    engine_log.propagate = saved[2]
    if handler is not None:
        engine_log.removeHandler(handler)


def _settings() -> Settings:
    return Settings.load()


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def validate(
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="Check the files only: no settings, and Pardot is not asked."
        ),
    ] = False,
) -> None:
    """Check every mapping: the YAML schema, and the fields and lists against Pardot."""
    from sheetsync.mapping import field_problems
    from sheetsync.pardot import PardotClient, PardotError
    from sheetsync.runtime import mappings_from
    from sheetsync.source import list_problems, resolve_lists

    with _fail_clearly():
        settings = _settings()
        mappings = mappings_from(settings)
        console.print(f"{len(mappings)} mapping file(s) in {settings.mappings} are well formed.")
        if offline:
            return
        # Online, validate vouches for the settings a sync needs too (the deploy guide uses it
        # as the last check): a missing one is an error, not a skipped check.
        _check_webhooks(mappings)
        try:
            config = settings.pardot()
        except SettingsError as exc:
            raise SettingsError(
                f"{exc} (`sheetsync validate --offline` checks the mapping files alone)"
            ) from None
        problems = []
        with PardotClient(config) as pardot:
            try:
                for mapping in mappings:
                    problems += field_problems(mapping, pardot.catalogue(mapping.source.object))
                    if mapping.source.lists:
                        lookup = resolve_lists(pardot, mapping.source.lists, {})
                        problems += list_problems(mapping, lookup)
            except PardotError as exc:
                errors.print(f"error: cannot read Pardot's catalogue: {exc}", markup=False)
                raise typer.Exit(1) from None
        if problems:
            raise MappingError(problems)
        console.print("Every field and list exists in Pardot and can be read.")


def _check_webhooks(mappings: list[Mapping]) -> None:
    """Alert webhooks are settings, checked before Pardot is asked: a missing one would drop
    the first alert for good (alerts are sent at most once). Only variable names are printed:
    a webhook URL is a secret."""
    from sheetsync.alerts.webhooks import webhook_environ, webhook_problems

    problems = webhook_problems(mappings, webhook_environ())
    if problems:
        raise SettingsError("\n".join(str(problem) for problem in problems))
    variables = sorted(
        {
            d.variable
            for m in mappings
            if m.alerts is not None
            for d in m.alerts.destinations.values()
        }
    )
    if variables:
        console.print(f"Alert webhook settings are set: {', '.join(variables)}.", highlight=False)


@app.command()
def fields(
    object_name: Annotated[
        ObjectName, typer.Argument(metavar="OBJECT", help="prospects or campaigns")
    ],
) -> None:
    """List the fields a mapping can use: standard, custom and related, with their types."""
    from sheetsync.pardot import PardotClient, PardotError

    with _fail_clearly(), PardotClient(_settings().pardot()) as pardot:
        try:
            catalogue = pardot.catalogue(object_name.value)
        except PardotError as exc:
            errors.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None
    table = Table(title=f"Fields of {object_name.value}")
    for column in ("field", "type", "kind", "note"):
        table.add_column(column)
    for info in sorted(catalogue.fields.values(), key=lambda f: (f.kind != "standard", f.name)):
        note = info.label or ""
        if info.multi_valued:
            note = f"{note} (multi-valued: not readable by queries)".strip()
        table.add_row(info.name, info.type, info.kind, note)
    console.print(table)


@app.command()
def plan(mapping: MappingOption = None, full: FullOption = False) -> None:
    """Show what a sync would change, like a Terraform plan. Writes nothing."""
    from sheetsync.runtime import build_runtime, mappings_from

    with _fail_clearly():
        settings = _settings()
        chosen = mappings_from(settings, mapping)
        runtime = build_runtime(settings)
    reports = []
    for item in chosen:
        report = runtime.engine.not_started(item, dry_run=True) or runtime.engine.run(
            item, full=full, dry_run=True
        )
        reports.append(report)
        _print_plan(report, runtime.engine.last_plan, item.worksheet)
    runtime.close()
    if any(r.status != "ok" for r in reports):
        raise typer.Exit(1)


@app.command()
def sync(
    mapping: MappingOption = None,
    full: FullOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Apply a plan even if it removes many rows.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run report(s) as JSON.")
    ] = False,
) -> None:
    """Sync: make the sheets match Pardot, writing only what changed."""
    from sheetsync.runtime import build_runtime, mappings_from

    with _fail_clearly():
        settings = _settings()
        chosen = mappings_from(settings, mapping)
        runtime = build_runtime(settings)
    reports: list[RunReport] = []
    for item in chosen:
        skipped = runtime.engine.not_started(item)
        if skipped is not None:
            reports.append(skipped)
            continue
        if as_json or not console.is_terminal:
            reports.append(runtime.engine.run(item, full=full, force=force))
            continue
        with _progress(item.name) as update:
            runtime.engine.progress = update
            reports.append(runtime.engine.run(item, full=full, force=force))
    runtime.close()
    if as_json:
        data = [r.to_json() for r in reports]
        typer.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        print_reports(reports)
    if any(r.status != "ok" for r in reports):
        raise typer.Exit(1)


@app.command()
def resync(
    mapping: MappingOption = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="The function's URL (default: SHEETSYNC_FUNCTION_URL)."),
    ] = None,
    full: FullOption = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Plan only: the function writes nothing.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run report(s) as JSON.")
    ] = False,
) -> None:
    """Ask the deployed Cloud Function to sync now, as your Google identity."""
    from sheetsync.resync import ResyncError, request_sync

    with _fail_clearly():
        settings = _settings()
    target = url or settings.function_url
    if not target:
        errors.print("error: give --url or set SHEETSYNC_FUNCTION_URL", markup=False)
        raise typer.Exit(2)
    try:
        answer = request_sync(
            target,
            mapping=mapping,
            full=full,
            dry_run=dry_run,
            secret=settings.function_secret,
        )
    except ResyncError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    if answer.error is not None:
        errors.print(f"error: {answer.message}", markup=False, highlight=False)
    elif as_json:
        data = [r.to_json() for r in answer.reports]
        typer.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        print_reports(answer.reports, title="sheetsync resync")
    if answer.exit_code:
        raise typer.Exit(answer.exit_code)


@app.command()
def status(mapping: MappingOption = None) -> None:
    """Show each mapping's last run, watermark and last full run, from the sheet's state."""
    from sheetsync.runtime import mappings_from
    from sheetsync.sheets import SheetsError, SheetsGateway, WorksheetNotFound, build_client
    from sheetsync.syncstate import SyncState

    with _fail_clearly():
        settings = _settings()
        chosen = mappings_from(settings, mapping)
        gateway = SheetsGateway(build_client(settings))
    table = Table(title="sheetsync status")
    # Runs that change nothing write nothing, so the sheet knows its last run that wrote.
    for column in (
        "mapping",
        "worksheet",
        "last write",
        "mode",
        "+/~/-/!",
        "watermark",
        "last full",
    ):
        table.add_column(column, overflow="fold")  # a narrow terminal wraps, never cuts
    failed = False
    for item in chosen:
        try:
            snap = gateway.read(
                gateway.open(item.spreadsheet_id), item.worksheet, item.name, create=False
            )
        except WorksheetNotFound:
            table.add_row(
                item.name, escape(item.worksheet), "never synced (no such tab yet)", "", "", "", ""
            )
            continue
        except SheetsError as exc:
            table.add_row(
                item.name, escape(item.worksheet), escape(f"cannot read: {exc}"), "", "", "", ""
            )
            failed = True
            continue
        state = SyncState.from_dict(snap.state)
        last = state.last_run
        counts = "/".join(str(last.get(k, "")) for k in ("added", "updated", "removed", "marked"))
        table.add_row(
            item.name,
            escape(item.worksheet),
            _when(last.get("at")),
            str(last.get("mode", "")),
            counts if last else "",
            _when(state.watermark),
            _when(state.last_full_run),
        )
    console.print(table)
    if failed:
        raise typer.Exit(1)


@app.command()
def emulate(
    prospects: Annotated[int, typer.Option(help="Prospects to generate.", min=0)] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the data generator.")] = 1,
    daily_limit: Annotated[
        int | None, typer.Option(help="Simulate a Pardot daily API quota.", min=1)
    ] = None,
    mappings: Annotated[
        str,
        typer.Option(
            envvar="SHEETSYNC_MAPPINGS",
            help="Folder of the mappings whose spreadsheets and alert webhooks to set up.",
        ),
    ] = "mappings",
) -> None:
    """Run the Pardot and Google Sheets emulators until Ctrl-C.

    Creates the spreadsheets the mappings name, points their alert webhooks at a local receiver
    that prints each message it gets, and prints `export SHEETSYNC_...` lines that point
    sheetsync at all of it.
    """
    from sheetsync.emulate import serve

    serve(
        prospects=prospects,
        seed=seed,
        daily_limit=daily_limit,
        echo=typer.echo,
        mappings_dir=mappings,
    )


@app.command()
def bench(
    prospects: Annotated[
        int, typer.Option(help="Prospects in the emulated account.", min=200)
    ] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of the data and of the changes.")] = 1,
    quota: Annotated[
        bool,
        typer.Option(
            "--quota/--no-quota",
            help="Simulate Google's 60 reads and 60 writes per minute in scenario 1.",
        ),
    ] = True,
    timeout: Annotated[
        float | None,
        typer.Option(help="Seconds each run may take (default: grows with --prospects).", min=1),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Measure what a sync costs on the emulators, against a clear-and-rewrite baseline.

    Progress goes to stderr; the table (or the JSON) to stdout. Exits 1 if a run failed or the
    check after the full reconcile did not pass.
    """
    from sheetsync.bench.output import print_bench
    from sheetsync.bench.processes import BenchError
    from sheetsync.bench.runner import BenchParams, run_bench

    params = BenchParams(prospects=prospects, seed=seed, quota=quota, timeout=timeout)
    try:
        result = run_bench(params, lambda line: typer.echo(line, err=True))
    except BenchError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("bench: interrupted; the emulators and the runs were stopped", err=True)
        raise typer.Exit(130) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_bench(console, result)
    if not result["ok"]:
        raise typer.Exit(1)


@app.command()
def fidelity(
    directory: Annotated[
        str | None, typer.Argument(help="Folder of recorded gspread cassettes (vcrpy JSON).")
    ] = None,
) -> None:
    """Replay recorded real Google Sheets traffic against the Sheets emulator and compare."""
    from sheetsync.emulator.sheets.fidelity import format_report, run_fidelity

    try:
        report = run_fidelity(directory)
    except FileNotFoundError as exc:
        errors.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    typer.echo(format_report(report))
    if report.matched != report.compared:
        raise typer.Exit(1)


@app.command()
def demo(
    prospects: Annotated[
        int, typer.Option(help="Prospects in the emulated account.", min=100)
    ] = 3000,
) -> None:
    """Run the example mappings against the built-in emulators, change Pardot, run again."""
    from sheetsync.demo import run_demo

    with _fail_clearly():
        ok = run_demo(console, prospects=prospects)
    if not ok:
        raise typer.Exit(1)


@app.command()
def init(
    object_name: Annotated[
        ObjectName | None,
        typer.Option("--object", "-o", help="prospects or campaigns (asked when missing)."),
    ] = None,
    spreadsheet: Annotated[
        str | None,
        typer.Option("--spreadsheet", "-s", help="The spreadsheet's id or URL (asked)."),
    ] = None,
    worksheet: Annotated[
        str | None, typer.Option("--worksheet", "-w", help="The tab's title (asked).")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field", "-f", help="A Pardot field for a column; repeat, or separate by commas."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="The mapping's name (file stem); default from the tab."),
    ] = None,
    directory: Annotated[
        str | None,
        typer.Option("--dir", help="Where to write it (default: SHEETSYNC_MAPPINGS)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented starter mapping, asking for what the flags do not give.

    Field names are checked against your Pardot account (custom fields included); the file
    validates as written, and an existing file is never replaced without --force.
    """
    from sheetsync.starter_cli import run_init

    with _fail_clearly():
        settings = _settings()
        code = run_init(
            settings,
            console,
            errors,
            object_name=object_name.value if object_name is not None else None,
            spreadsheet=spreadsheet,
            worksheet=worksheet,
            fields=field,
            name=name,
            directory=directory,
            force=force,
        )
    if code:
        raise typer.Exit(code)


# -- output ---------------------------------------------------------------------------------------
@contextmanager
def _progress(name: str) -> Iterator[Callable[[str, int], None]]:
    """A live progress line for one mapping: what is being done and how far it got."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.fields[mapping]}[/]"),
        BarColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None, mapping=name)

        def update(what: str, count: int) -> None:
            bar.update(task, description=f"{count:,} {what}")

        yield update


def _when(moment: object) -> str:
    """A stored time, short enough for a table: ``2026-12-04 17:21:23Z`` (UTC) or with its
    offset; ``never`` when there is none."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return str(moment)
    if not isinstance(moment, datetime):
        return "never"
    text = moment.isoformat(sep=" ", timespec="seconds")
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def print_reports(reports: list[RunReport], title: str = "sheetsync run") -> None:
    """The run reports as a table (+ added, ~ updated, - removed, ! marked)."""
    table = Table(title=title)
    table.add_column("mapping")
    table.add_column("mode")
    table.add_column("status")
    for column in ("+", "~", "-", "!", "cells", "pardot", "sheets r/w", "s"):
        table.add_column(column, justify="right")
    for r in reports:
        colour = {"ok": "green", "refused": "yellow", "conflict": "yellow"}.get(r.status, "red")
        table.add_row(
            r.mapping,
            r.mode,
            f"[{colour}]{r.status}[/]",
            str(r.rows_added),
            str(r.rows_updated),
            str(r.rows_removed),
            str(r.rows_marked),
            str(r.cells_written),
            str(r.pardot_calls),
            f"{r.sheets_read_requests}/{r.sheets_write_requests}",
            f"{r.seconds:.2f}",
        )
    console.print(table)
    console.print(
        "rows: + added, ~ updated, - removed, ! marked; API requests: pardot calls, "
        "sheets reads/writes",
        style="dim",
    )
    for r in reports:
        if r.message:
            console.print(f"[bold]{r.mapping}[/]: {escape(r.message)}", highlight=False)
        for warning in r.warnings:
            console.print(f"[bold]{r.mapping}[/] warning: {escape(warning)}", highlight=False)


def _shown(value: object) -> str:
    """A cell value as the plan shows it (a link as its text and where it points)."""
    from sheetsync.sheets import Link

    if value is None:
        return "(empty)"
    if isinstance(value, Link):
        return f"{value.text!r} (link to {value.url})"
    return repr(value)


def _print_plan(report: RunReport, plan: object, worksheet: str) -> None:
    from sheetsync.plan import Plan, estimated_write_requests
    from sheetsync.sheets.table import a1

    head = f"[bold]{report.mapping}[/] → worksheet {escape(repr(worksheet))}"
    if report.full_reason:
        head += f" (full run: {escape(report.full_reason)})"
    console.print(head, highlight=False)
    if report.status != "ok" or not isinstance(plan, Plan):
        console.print(f"  [red]{report.status}[/]: {escape(report.message)}", highlight=False)
        return
    if report.message:
        console.print(f"  {report.message}", highlight=False, markup=False)
    for warning in report.warnings:
        console.print(f"  warning: {warning}", highlight=False, markup=False)
    cost = (
        f"Planning cost {report.pardot_calls} Pardot call(s) and "
        f"{report.sheets_read_requests} Sheets read(s)"
    )
    if plan.empty:
        console.print(f"  No changes: the sheet matches Pardot. {cost}.", highlight=False)
        return
    for header in plan.headers_added:
        console.print(f"  [green]+[/] column {escape(repr(header))}", highlight=False)
    console.print(f"  [green]+[/] {plan.rows_added} row(s) to add")
    console.print(f"  [yellow]~[/] {plan.rows_updated} row(s) to update")
    console.print(f"  [red]-[/] {plan.rows_removed} row(s) to remove")
    console.print(f"  [magenta]![/] {plan.rows_marked} row(s) to mark")
    sample = plan.changes[:10]
    if sample:
        console.print("  Sample of cell changes:")
        for change in sample:
            console.print(
                f"    ~ {a1(change.row - 1, change.col):<7} {change.header:<20} "
                f"{_shown(change.old)} → {_shown(change.new)}",
                highlight=False,
                markup=False,
            )
        if len(plan.changes) > len(sample):
            console.print(f"    … and {len(plan.changes) - len(sample)} more")
    writes = estimated_write_requests(plan)
    console.print(
        f"  {cost}; applying it costs about {writes} Sheets write request(s).", highlight=False
    )
    console.print(
        f"  Plan: {plan.rows_added} to add, {plan.rows_updated} to update, "
        f"{plan.rows_removed} to remove, {plan.rows_marked} to mark, "
        f"{plan.cells_written} cell(s) to write."
    )


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    app()


if __name__ == "__main__":
    main()
