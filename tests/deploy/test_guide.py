"""The README's "Deploying to Google Cloud" guide names only things that exist: Terraform
resource types of cloudfunction/terraform, gcloud commands and flags of the installed Cloud SDK,
deploy.sh's options, sheetsync's settings."""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest

from sheetsync.settings import Settings, env_name

from . import gcloud_tree
from .conftest import DEPLOY, REPO
from .test_terraform import resources

TITLE = "## Deploying to Google Cloud"


def guide() -> str:
    """The guide: the README's section once merged, until then the draft in .notes/."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    if TITLE in readme:
        section = readme.split(TITLE, 1)[1]
        following = re.search(r"^## ", section, flags=re.MULTILINE)
        return TITLE + (section[: following.start()] if following else section)
    draft = REPO / ".notes" / "README-deploy.md"
    if draft.is_file():
        return draft.read_text(encoding="utf-8")
    pytest.skip("no deployment guide in README.md yet")


def shell_lines() -> list[str]:
    """The commands of the guide's ```sh blocks, continuation lines joined."""
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", guide(), flags=re.DOTALL):
        joined = re.sub(r"\\\n\s*", " ", block)
        lines += [line.strip() for line in joined.splitlines() if line.strip()]
    return lines


def test_the_guide_has_the_steps() -> None:
    text = guide()
    for needed in (
        "pardot_api",
        "Use digital signatures",
        "pre-authorized",
        "Business Unit Setup",
        "openssl req",
        "deploy.sh",
        "terraform apply",
        "gcloud secrets versions add",
        "Share",
        "gcloud scheduler jobs run",
        "sheetsync resync",
        "Apps Script",
        "roles/cloudscheduler.jobRunner",
        "severity>=",
        "gs://",
    ):
        assert needed in text, needed


def test_every_terraform_resource_type_named_exists() -> None:
    named = set(re.findall(r"`(google_[a-z0-9_]+)`", guide()))
    assert named, "the guide names the Terraform resources"
    assert named <= {kind for kind, _ in resources()}, named - {k for k, _ in resources()}


def test_every_gcloud_command_of_the_guide_exists() -> None:
    if gcloud_tree.tree() is None:
        pytest.skip("no Cloud SDK with its command tree installed")
    found = [shlex.split(line) for line in shell_lines() if line.startswith("gcloud ")]
    assert len(found) >= 8
    problems = [p for argv in found for p in gcloud_tree.problems(argv)]
    assert problems == []


def test_every_deploy_sh_option_of_the_guide_exists() -> None:
    usage = subprocess.run(["bash", str(DEPLOY), "--help"], capture_output=True, text=True).stdout
    known = set(re.findall(r"(--[a-z][a-z-]*)", usage))
    text = guide()
    mentioned = set()
    for line in text.splitlines():
        if "deploy.sh" in line or line.lstrip().startswith("- `--"):
            mentioned |= set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line))
    assert mentioned, "the guide shows deploy.sh's options"
    assert mentioned <= known, mentioned - known


def test_every_setting_named_exists() -> None:
    settings = {env_name(name) for name in Settings.model_fields}
    deploy_settings = set(re.findall(r"\b(SHEETSYNC_[A-Z_]+)\b", DEPLOY.read_text()))
    named = set(re.findall(r"\b(SHEETSYNC_[A-Z_]+)\b", guide()))
    assert named <= settings | deploy_settings, named - settings - deploy_settings
