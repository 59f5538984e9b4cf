"""The ``sheetsync`` command line."""

from __future__ import annotations

from typing import Annotated

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
def emulate(
    prospects: Annotated[int, typer.Option(help="Prospects to generate.", min=0)] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the data generator.")] = 1,
    daily_limit: Annotated[
        int | None, typer.Option(help="Simulate a Pardot daily API quota.", min=1)
    ] = None,
) -> None:
    """Run the Pardot and Google Sheets emulators until Ctrl-C.

    Prints `export SHEETSYNC_...` lines that point sheetsync at them.
    """
    from sheetsync.emulate import serve

    serve(prospects=prospects, seed=seed, daily_limit=daily_limit, echo=typer.echo)


@app.command()
def demo() -> None:
    """Run the demo sync against the built-in emulators (not built yet)."""
    typer.echo(
        "The demo sync is not built yet: it arrives with the sync engine. "
        "Meanwhile `sheetsync emulate` starts the Pardot emulator."
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
