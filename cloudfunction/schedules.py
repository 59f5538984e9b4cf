"""The Cloud Scheduler jobs a folder of mappings asks for, read with sheetsync's own loader.

``deploy.sh`` reads the ``tsv`` format (one ``name<TAB>schedule<TAB>time zone`` line per mapping
that has a ``schedule``); Terraform reads ``tfvars-json`` (the ``mappings`` variable, written to
``terraform/mappings.auto.tfvars.json``). Every mapping is validated first: a bad mapping stops
the deployment before anything in Google Cloud changes. Mappings without a ``schedule`` get no
job (they run on demand only) and are named on stderr.

The ``webhooks`` format lists the alert webhooks the mappings name (``alerts.destinations.*.
webhook``), one ``NAME`` a line: the function reads each URL from ``SHEETSYNC_WEBHOOK_<NAME>_FILE``,
a Secret Manager secret that ``deploy.sh`` mounts (Terraform: the ``webhook_secrets`` variable).

    .venv/bin/python cloudfunction/schedules.py [--mappings DIR] [--format tsv|tfvars-json|webhooks]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from sheetsync.mapping import Mapping, MappingError, load_mappings

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Job:
    mapping: str
    schedule: str
    time_zone: str


def jobs(mappings: list[Mapping]) -> list[Job]:
    """One job per scheduled mapping; its time zone is the mapping's (cron runs in that zone)."""
    return [Job(m.name, m.schedule, m.time_zone) for m in mappings if m.schedule is not None]


def unscheduled(mappings: list[Mapping]) -> list[str]:
    return [m.name for m in mappings if m.schedule is None]


def webhooks(mappings: list[Mapping]) -> list[str]:
    """The webhook setting names the mappings' alert destinations name, once each, sorted (the
    loader has upper-cased them: ``webhook: sales_slack`` is ``SALES_SLACK``)."""
    return sorted(
        {
            destination.webhook
            for m in mappings
            if m.alerts is not None
            for destination in m.alerts.destinations.values()
        }
    )


def as_tsv(found: list[Job]) -> str:
    # Tabs and newlines cannot occur: names are [A-Za-z0-9_-], cron and IANA zones have no tabs.
    return "".join(f"{j.mapping}\t{j.schedule}\t{j.time_zone}\n" for j in found)


def as_tfvars(found: list[Job]) -> str:
    value = {j.mapping: {"schedule": j.schedule, "time_zone": j.time_zone} for j in found}
    return json.dumps({"mappings": value}, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mappings", type=Path, default=REPO / "mappings", help="mapping folder")
    parser.add_argument("--format", choices=("tsv", "tfvars-json", "webhooks"), default="tsv")
    args = parser.parse_args(argv)
    try:
        mappings = load_mappings(args.mappings)
    except MappingError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.format == "webhooks":
        sys.stdout.write("".join(f"{name}\n" for name in webhooks(mappings)))
        return 0
    for name in unscheduled(mappings):
        print(f"mapping {name} has no schedule: no Scheduler job (on demand only)", file=sys.stderr)
    found = jobs(mappings)
    if args.format == "tsv":
        sys.stdout.write(as_tsv(found))
        return 0
    sys.stdout.write(as_tfvars(found))
    if named := webhooks(mappings):
        # Not in the generated file: a *.auto.tfvars file would override terraform.tfvars.
        print(
            f"the mappings' alerts name webhook(s) {', '.join(named)}: give each one's secret in "
            "the Terraform variable webhook_secrets (terraform.tfvars)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
