"""``sheetsync emulate``: run the emulators standalone and print the settings that reach them.

The printed ``export SHEETSYNC_…=…`` lines carry the emulator's own test credentials (never
real ones): every flow's credentials are printed, so switching ``SHEETSYNC_AUTH_FLOW`` between
``jwt``, ``refresh_token`` and ``client_credentials`` is all it takes to try each one.

A local webhook receiver (loopback only) stands in for Slack and Teams: every webhook setting the
mappings' alerts name is exported pointing at it, and each message it gets is printed in one
line, so alerts are seen arriving instead of being dropped for a missing setting.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.mapping import Mapping, load_mappings

READY_LINE = "# sheetsync emulators ready"


@contextlib.contextmanager
def running_emulators(
    *,
    prospects: int,
    seed: int,
    daily_limit: int | None,
    key_dir: Path,
    mappings: Sequence[Mapping] = (),
    start: datetime | None = None,
) -> Iterator[tuple[Any, Any, dict[str, str]]]:
    """Start both emulators and create the spreadsheets the mappings name; yield them and the
    environment that points sheetsync at them."""
    from sheetsync.emulator.pardot import PardotEmulator
    from sheetsync.emulator.sheets import SheetsEmulator

    with (
        PardotEmulator(
            prospects=prospects, seed=seed, daily_limit=daily_limit, start=start
        ) as pardot,
        SheetsEmulator() as sheets,
    ):
        for mapping in mappings:
            if mapping.spreadsheet_id not in sheets.app.spreadsheet_ids():
                sheets.create_spreadsheet(
                    f"sheetsync demo: {mapping.name}",
                    ["Sheet1"],
                    spreadsheet_id=mapping.spreadsheet_id,
                )
        key_file = key_dir / "salesforce-jwt-key.pem"
        key_file.write_text(pardot.credentials.private_key_pem, encoding="utf-8")
        key_file.chmod(0o600)
        env = dict(pardot.settings_env("jwt"))
        creds = pardot.credentials
        env.pop("SHEETSYNC_PRIVATE_KEY", None)
        env.update(
            {
                "SHEETSYNC_PRIVATE_KEY_FILE": str(key_file),
                "SHEETSYNC_USERNAME": creds.username,
                "SHEETSYNC_CLIENT_SECRET": creds.client_secret,
                "SHEETSYNC_REFRESH_TOKEN": creds.refresh_token,
                "SHEETSYNC_SHEETS_URL": sheets.url,
            }
        )
        yield pardot, sheets, env


def export_lines(env: dict[str, str]) -> list[str]:
    return [f"export {name}={shlex.quote(value)}" for name, value in sorted(env.items())]


def serve(
    *,
    prospects: int,
    seed: int,
    daily_limit: int | None,
    echo: Callable[[str], None],
    stop: threading.Event | None = None,
    mappings_dir: str = "mappings",
) -> None:
    """Run until interrupted (SIGINT/SIGTERM) or until ``stop`` is set.

    The spreadsheets named by the mappings in ``mappings_dir`` (when it exists) are created,
    and the webhooks their alerts name point at a local receiver whose messages are echoed."""
    from sheetsync.alerts.local import local_webhooks, received_line, webhook_env
    from sheetsync.alerts.receiver import WebhookReceiver

    mappings = load_mappings(Path(mappings_dir)) if Path(mappings_dir).is_dir() else []
    hooks = local_webhooks(mappings)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    with (
        tempfile.TemporaryDirectory(prefix="sheetsync-emulate-") as key_dir,
        running_emulators(
            prospects=prospects,
            seed=seed,
            daily_limit=daily_limit,
            key_dir=Path(key_dir),
            mappings=mappings,
        ) as (pardot, sheets, env),
        WebhookReceiver(on_post=lambda message: echo(received_line(message, hooks))) as receiver,
    ):
        env.update(webhook_env(receiver, hooks))
        echo(f"# Pardot API v5 + Salesforce token endpoint: {pardot.url}")
        echo(f"# Google Sheets API v4: {sheets.url}")
        echo(f"# {prospects} prospects (seed {seed}); control paths under /_emulator/")
        echo(f"# Alert webhooks (standing in for Slack and Teams): {receiver.base_url}")
        for mapping in mappings:
            echo(f"# spreadsheet {mapping.spreadsheet_id} for mapping {mapping.name}")
        for hook in hooks:
            echo(f"# webhook {hook.variable} for {', '.join(hook.users)}")
        echo("# Paste these lines into your shell, then run sheetsync against the emulators:")
        for line in export_lines(env):
            echo(line)
        echo(READY_LINE + " (Ctrl-C to stop)")
        stop.wait()
