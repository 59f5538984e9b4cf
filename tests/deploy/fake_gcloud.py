"""A stand-in for ``gcloud`` in deploy.sh's tests: it logs every call and models just enough
Google Cloud state (service accounts, secrets and versions, the function, Scheduler jobs) for
deploy.sh's existence checks to matter. It fails loudly on a command it does not know, and on
the mistakes a real project would refuse (creating what exists, binding a role to an account or
on a resource that does not exist, a job aimed at another URL than the function's).

Environment: FAKE_GCLOUD_LOG (JSON lines of argv), FAKE_GCLOUD_STATE (JSON file),
FAKE_GCLOUD_FORBID=1 (every call fails: for dry runs and early refusals).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

URL = "https://{name}-fake0123-ew.a.run.app"


def split(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    flags: dict[str, str] = {}
    for arg in argv:
        if arg.startswith("--"):
            key, _, value = arg.partition("=")
            flags[key] = value
        else:
            positional.append(arg)
    return positional, flags


def fail(message: str, code: int = 1) -> int:
    print(f"ERROR: (fake gcloud) {message}", file=sys.stderr)
    return code


def main(argv: list[str]) -> int:
    with Path(os.environ["FAKE_GCLOUD_LOG"]).open("a", encoding="utf-8") as log:
        log.write(json.dumps(argv) + "\n")
    if os.environ.get("FAKE_GCLOUD_FORBID") == "1":
        return fail("gcloud must not be called here", 97)
    state_file = Path(os.environ["FAKE_GCLOUD_STATE"])
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    accounts: list[str] = state.setdefault("accounts", [])
    secrets: dict[str, int] = state.setdefault("secrets", {})
    functions: dict[str, str] = state.setdefault("functions", {})
    jobs: dict[str, dict[str, str]] = state.setdefault("jobs", {})
    pos, flags = split(argv)
    project = flags.get("--project", "")

    def member_exists() -> bool:
        member = flags.get("--member", "")
        return member.startswith("serviceAccount:") and member[15:] in accounts

    match pos:
        case ["services", "enable", *services] if services:
            pass
        case ["iam", "service-accounts", "describe", email]:
            if email not in accounts:
                return fail(f"NOT_FOUND: {email}")
        case ["iam", "service-accounts", "create", account]:
            email = f"{account}@{project}.iam.gserviceaccount.com"
            if email in accounts:
                return fail(f"ALREADY_EXISTS: {email}")
            accounts.append(email)
        case ["secrets", "describe", name]:
            if name not in secrets:
                return fail(f"NOT_FOUND: secret {name}")
        case ["secrets", "create", name]:
            if name in secrets:
                return fail(f"ALREADY_EXISTS: secret {name}")
            secrets[name] = 0
        case ["secrets", "versions", "list", name]:
            if name not in secrets:
                return fail(f"NOT_FOUND: secret {name}")
            for n in range(secrets[name], 0, -1):
                print(f"projects/{project}/secrets/{name}/versions/{n}")
        case ["secrets", "versions", "add", name]:
            if name not in secrets or not Path(flags["--data-file"]).is_file():
                return fail(f"NOT_FOUND: secret {name} or {flags.get('--data-file')}")
            secrets[name] += 1
        case ["secrets", "add-iam-policy-binding", name]:
            if name not in secrets or not member_exists():
                return fail(f"NOT_FOUND: secret {name} or {flags.get('--member')}")
        case ["storage", "buckets", "add-iam-policy-binding", _] if member_exists():
            pass
        case ["storage", "cp", *paths] if len(paths) >= 2:
            pass
        case ["functions", "deploy", name]:
            if flags.get("--service-account") not in accounts:
                return fail("INVALID_ARGUMENT: the runtime service account does not exist")
            for mount in flags.get("--set-secrets", "").split(","):
                secret = mount.partition("=")[2].partition(":")[0]
                if not secrets.get(secret):
                    return fail(f"FAILED_PRECONDITION: secret {secret} has no version")
            functions[name] = URL.format(name=name)
        case ["functions", "describe", name]:
            if name not in functions:
                return fail(f"NOT_FOUND: function {name}")
            print(functions[name])
        case ["functions", "add-invoker-policy-binding", name]:
            if name not in functions or not member_exists():
                return fail(f"NOT_FOUND: function {name} or {flags.get('--member')}")
        case ["scheduler", "jobs", "describe", job]:
            if job not in jobs:
                return fail(f"NOT_FOUND: job {job}")
        case ["scheduler", "jobs", ("create" | "update") as verb, "http", job]:
            if (verb == "create") == (job in jobs):
                return fail(
                    f"cannot {verb} job {job}: it {'exists' if job in jobs else 'is missing'}"
                )
            if flags.get("--uri") not in functions.values():
                return fail(f"INVALID_ARGUMENT: {flags.get('--uri')} is no function's URL")
            jobs[job] = {**jobs.get(job, {}), **flags}
        case ["scheduler", "jobs", "list"]:
            location = flags.get("--location")
            for job in jobs:
                print(f"projects/{project}/locations/{location}/jobs/{job}")
        case _:
            return fail(f"unknown command {argv}", 3)
    state_file.write_text(json.dumps(state))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
