"""Helpers for the deployment assets' tests: running deploy.sh with a fake ``gcloud`` first on
PATH, and reading the gcloud commands it prints (dry run) or makes (against the fake)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, cast

import pytest

from sheetsync.mapping import Mapping, load_mappings

REPO = Path(__file__).resolve().parents[2]
FUNCTION_DIR = REPO / "cloudfunction"
DEPLOY = FUNCTION_DIR / "deploy.sh"
TERRAFORM = FUNCTION_DIR / "terraform"
APPS_SCRIPT = FUNCTION_DIR / "apps-script"
FAKE_GCLOUD = Path(__file__).with_name("fake_gcloud.py")

# What a key file looks like to deploy.sh; its body must never be printed.
KEY_BODY = "FAKEKEYBODYthatmustneverbeprinted0123456789"
PROJECT = "acme-sync"
REGION = "europe-west1"


def shipped_mappings() -> list[Mapping]:
    return load_mappings(REPO / "mappings")


def webhook_names(mappings: list[Mapping]) -> list[str]:
    """The webhook settings the mappings' alert destinations name (upper-cased by the loader)."""
    return sorted({d.webhook for m in mappings if m.alerts for d in m.alerts.destinations.values()})


def webhook_secret(name: str, function: str = "sheetsync") -> str:
    """deploy.sh's default secret for webhook NAME (SALES_SLACK: sheetsync-webhook-sales-slack)."""
    return f"{function}-webhook-{name.lower().replace('_', '-')}"


def webhook_mount(name: str) -> str:
    """Where the function finds webhook NAME's URL (SHEETSYNC_WEBHOOK_<NAME>_FILE)."""
    return f"/secrets/webhook-{name.lower().replace('_', '-')}/url"


# The shipped mappings' alerts name webhooks: their secrets are the user's to create, with the
# URL, before deploying (deploy.sh never sees a URL). The fake project starts with them.
SHIPPED_WEBHOOK_SECRETS = {webhook_secret(n): 1 for n in webhook_names(shipped_mappings())}


def commands(output: str) -> list[list[str]]:
    """The commands of a dry run's output (comments and blank lines skipped)."""
    return [
        shlex.split(line)
        for line in output.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def flags(argv: list[str]) -> dict[str, str]:
    """``--key=value`` (and bare ``--key``, as "") of one command."""
    return {arg.partition("=")[0]: arg.partition("=")[2] for arg in argv if arg.startswith("--")}


def gcloud(cmds: list[list[str]], *words: str) -> list[list[str]]:
    """The gcloud commands that start with ``words`` (``"functions", "deploy"``)."""
    n = len(words)
    return [c for c in cmds if c[:1] == ["gcloud"] and tuple(c[1 : 1 + n]) == words]


class World(TypedDict):
    """The fake gcloud's model of the project (see fake_gcloud.py)."""

    accounts: list[str]
    secrets: dict[str, int]
    functions: dict[str, str]
    jobs: dict[str, dict[str, str]]


@dataclass
class Deploy:
    """deploy.sh in a clean environment, with the fake gcloud first on PATH."""

    tmp: Path
    env: dict[str, str]
    log: Path
    state: Path

    def run(
        self, *args: str, forbid_gcloud: bool = False, **env: str
    ) -> subprocess.CompletedProcess[str]:
        full = {**self.env, **env}
        if forbid_gcloud:
            full["FAKE_GCLOUD_FORBID"] = "1"
        return subprocess.run(
            ["bash", str(DEPLOY), *args],
            env=full,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [["gcloud", *json.loads(line)] for line in self.log.read_text().splitlines()]

    def clear_log(self) -> None:
        self.log.unlink(missing_ok=True)

    def world(self) -> World:
        return cast(World, json.loads(self.state.read_text()))


def make_deploy(tmp_path: Path, *, webhook_secrets: dict[str, int] | None = None) -> Deploy:
    """deploy.sh against a fake project holding only ``webhook_secrets`` (secret: versions;
    default: the shipped mappings' webhook secrets, each with one version)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "gcloud"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_GCLOUD}" "$@"\n')
    wrapper.chmod(0o755)
    key = tmp_path / "sheetsync.key"
    key.write_text(f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHEETSYNC_", "CLOUDSDK_"))}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        FAKE_GCLOUD_LOG=str(tmp_path / "gcloud.log"),
        FAKE_GCLOUD_STATE=str(tmp_path / "gcloud-state.json"),
        SHEETSYNC_GCP_PROJECT=PROJECT,
        SHEETSYNC_GCP_REGION=REGION,
        SHEETSYNC_PARDOT_BUSINESS_UNIT_ID="0Uv000000000001AAA",
        SHEETSYNC_CLIENT_ID="3MVG9fakeconsumerkey",
        SHEETSYNC_USERNAME="sync-user@example.com",
        SHEETSYNC_PRIVATE_KEY_FILE=str(key),
        SHEETSYNC_BUILD_DIR=str(tmp_path / "build"),
        SHEETSYNC_PYTHON=sys.executable,
    )
    state = tmp_path / "gcloud-state.json"
    seeded = SHIPPED_WEBHOOK_SECRETS if webhook_secrets is None else webhook_secrets
    if seeded:
        state.write_text(json.dumps({"secrets": seeded}))
    return Deploy(tmp_path, env, tmp_path / "gcloud.log", state)


@pytest.fixture
def deploy(tmp_path: Path) -> Deploy:
    return make_deploy(tmp_path)


def two_webhooks(folder: Path) -> Path:
    """The shipped mappings, hot-prospects' alerts also naming a Teams webhook (in lowercase:
    the loader upper-cases it to OPS_TEAMS)."""
    folder.mkdir()
    (folder / "campaigns.yaml").write_text((REPO / "mappings" / "campaigns.yaml").read_text())
    hot = (REPO / "mappings" / "hot-prospects.yaml").read_text()
    assert hot.count("  destinations:\n") == 1 and "webhook: SALES_SLACK" in hot
    teams = "  destinations:\n    ops:\n      type: teams\n      webhook: ops_teams\n"
    (folder / "hot-prospects.yaml").write_text(hot.replace("  destinations:\n", teams))
    return folder


def no_webhooks(folder: Path) -> Path:
    """A mapping without alerts."""
    folder.mkdir()
    (folder / "campaigns.yaml").write_text((REPO / "mappings" / "campaigns.yaml").read_text())
    return folder


def stage_fake_build(deploy: Deploy) -> None:
    """A staged function folder, so that runs with --no-package need no packaging (tested on
    its own)."""
    function = deploy.tmp / "build" / "function"
    function.mkdir(parents=True, exist_ok=True)
    (function / "main.py").write_text("# staged\n")


@dataclass
class Finished:
    """One deploy.sh run, shared by the tests of a module (each run costs about a second)."""

    deploy: Deploy
    done: subprocess.CompletedProcess[str]
    calls: list[list[str]]


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """A dry run with the default settings, gcloud forbidden."""
    deploy = make_deploy(tmp_path_factory.mktemp("dry"))
    done = deploy.run("--dry-run", forbid_gcloud=True)
    assert done.returncode == 0, done.stderr
    return Finished(deploy, done, deploy.calls())


@pytest.fixture(scope="module")
def first_deployment(tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """A first deployment against the fake gcloud (empty project)."""
    deploy = make_deploy(tmp_path_factory.mktemp("first"))
    stage_fake_build(deploy)
    done = deploy.run("--no-package")
    assert done.returncode == 0, done.stderr
    return Finished(deploy, done, deploy.calls())


@pytest.fixture
def deployed(deploy: Deploy, first_deployment: Finished) -> Deploy:
    """A fresh ``deploy`` whose fake project already holds the first deployment."""
    stage_fake_build(deploy)
    deploy.state.write_text(first_deployment.deploy.state.read_text())
    return deploy
