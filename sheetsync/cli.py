"""The ``sheetsync`` command line."""

from __future__ import annotations

import typer

from sheetsync import __version__

app = typer.Typer(
    help="Keep Google Sheets in sync with Salesforce Account Engagement (Pardot).",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def demo() -> None:
    """Run the demo sync against the built-in emulators (not built yet)."""
    typer.echo(
        "The demo sync is not built yet: it arrives with the sync engine. "
        "Meanwhile `sheetsync emulate` starts the Pardot emulator."
    )


def main() -> None:
    app()
