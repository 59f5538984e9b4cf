"""The Cloud Function's upload, built from a checkout of the repository.

    python -m sheetsync.bundle requirements [--check]
        write cloudfunction/requirements.txt from pyproject.toml (--check: fail if it differs)
    python -m sheetsync.bundle build DIR [--mappings FOLDER | --no-mappings]
        assemble the folder to deploy with ``gcloud functions deploy --source=DIR``

The function's requirements are sheetsync's own dependencies, its ``gcs`` extra and
functions-framework (a development dependency of sheetsync, a runtime one of the function).
The folder holds ``main.py``, ``requirements.txt`` and ``.gcloudignore`` from ``cloudfunction/``,
the ``sheetsync`` package (without its emulators, which the product never imports) and, unless
``--no-mappings``, the mapping files (default: ``mappings/``) as ``mappings/``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent
FUNCTION_DIR = REPO / "cloudfunction"
REQUIREMENTS = FUNCTION_DIR / "requirements.txt"
HEADER = (
    "# Generated from pyproject.toml by `python -m sheetsync.bundle requirements`: do not edit.\n"
    "# sheetsync's dependencies, its gcs extra, and functions-framework.\n"
)
FRAMEWORK = "functions-framework"
SKIPPED_IN_BUNDLE = ("__pycache__", "*.pyc", "emulator")


def _name(requirement: str) -> str:
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return found.group(1).lower().replace("_", "-") if found else requirement


def requirements_text(pyproject: Path = REPO / "pyproject.toml") -> str:
    """The function's requirements.txt, as generated from ``pyproject``."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    framework = [r for r in extras.get("dev", []) if _name(r) == FRAMEWORK]
    if not framework:
        raise ValueError(f"{pyproject}: the dev extra lists no {FRAMEWORK}")
    lines: list[str] = []
    for requirement in [*project["dependencies"], *extras.get("gcs", []), *framework]:
        if _name(requirement) != "sheetsync" and requirement not in lines:
            lines.append(requirement)
    return HEADER + "".join(f"{line}\n" for line in lines)


def build(target: Path, mappings: Path | None) -> list[str]:
    """Assemble the deployable folder; returns the paths written, relative to ``target``."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty: give a new or empty folder")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("main.py", ".gcloudignore"):
        shutil.copy2(FUNCTION_DIR / name, target / name)
    (target / "requirements.txt").write_text(requirements_text(), encoding="utf-8")
    shutil.copytree(
        PACKAGE, target / "sheetsync", ignore=shutil.ignore_patterns(*SKIPPED_IN_BUNDLE)
    )
    if mappings is not None:
        if not mappings.is_dir():
            raise FileNotFoundError(f"no mappings folder at {mappings}")
        (target / "mappings").mkdir()
        for file in sorted(mappings.iterdir()):
            if file.suffix in (".yaml", ".yml") and file.is_file():
                shutil.copy2(file, target / "mappings" / file.name)
    return sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheetsync.bundle", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    req = commands.add_parser("requirements", help="write cloudfunction/requirements.txt")
    req.add_argument("--check", action="store_true", help="fail if the file is out of date")
    bundle = commands.add_parser("build", help="assemble the folder to deploy")
    bundle.add_argument("target", type=Path)
    bundle.add_argument("--mappings", type=Path, default=Path("mappings"))
    bundle.add_argument("--no-mappings", action="store_true", help="mappings come from gs://")
    args = parser.parse_args(argv)
    if not (FUNCTION_DIR / "main.py").is_file():
        print(
            f"error: run from a checkout of sheetsync (no {FUNCTION_DIR}/main.py)", file=sys.stderr
        )
        return 2
    if args.command == "requirements":
        wanted = requirements_text()
        if args.check:
            current = REQUIREMENTS.read_text(encoding="utf-8") if REQUIREMENTS.exists() else ""
            if current != wanted:
                print(
                    f"{REQUIREMENTS} is out of date: run python -m sheetsync.bundle requirements",
                    file=sys.stderr,
                )
                return 1
            return 0
        REQUIREMENTS.write_text(wanted, encoding="utf-8")
        print(f"wrote {REQUIREMENTS}")
        return 0
    try:
        written = build(args.target, None if args.no_mappings else args.mappings)
    except (FileExistsError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.target}: {len(written)} files; deploy with --source={args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
