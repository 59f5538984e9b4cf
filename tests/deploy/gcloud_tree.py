"""The installed Cloud SDK's own command tree (the static completion data shipped with gcloud:
every command group, command and flag), to check the gcloud commands deploy.sh and the guide
use against the real CLI without running it."""

from __future__ import annotations

import runpy
import shutil
from functools import cache
from pathlib import Path
from typing import Any

TREE_FILE = Path("data/cli/gcloud_completions.py")


def sdk_root() -> Path | None:
    found = shutil.which("gcloud")
    if found is None:
        return None
    # .../google-cloud-sdk/bin/gcloud (often behind a symlink)
    root = Path(found).resolve().parent.parent
    return root if (root / TREE_FILE).is_file() else None


@cache
def tree() -> dict[str, Any] | None:
    root = sdk_root()
    if root is None:
        return None
    loaded = runpy.run_path(str(root / TREE_FILE))["STATIC_COMPLETION_CLI_TREE"]
    assert isinstance(loaded, dict)
    return loaded


def problems(argv: list[str]) -> list[str]:
    """What the installed gcloud would not recognise in ``argv`` (``gcloud`` first): an unknown
    command, or a flag the command does not take. Empty when everything is known."""
    root = tree()
    assert root is not None and argv[0] == "gcloud"
    node = root
    path = ["gcloud"]
    rest = argv[1:]
    while rest and not rest[0].startswith("-") and rest[0] in node.get("commands", {}):
        node = node["commands"][rest[0]]
        path.append(rest.pop(0))
    if node.get("commands"):
        return [f"{' '.join(path)}: '{rest[0] if rest else ''}' is not a command of this group"]
    known = set(node.get("flags", {})) | set(root.get("flags", {}))
    found: list[str] = []
    for arg in rest:
        if not arg.startswith("--"):
            continue
        flag = arg.partition("=")[0]
        # Boolean flags are listed once, as --flag; --no-flag is their negation.
        if flag in known or (flag.startswith("--no-") and "--" + flag[5:] in known):
            continue
        found.append(f"{' '.join(path)}: unknown flag {flag}")
    return found
