"""Stage and zip the Cloud Function's source: what ``gcloud functions deploy`` and Terraform upload.

``build/function/`` is assembled by :func:`sheetsync.bundle.build` (the layout ``main.py``
documents: ``main.py``, ``requirements.txt``, ``.gcloudignore``, the ``sheetsync/`` package
without its emulators, and the mapping files as ``mappings/`` unless ``--no-mappings``), after
every mapping is validated with sheetsync's own loader. ``build/function.zip`` holds the same
files and is reproducible (sorted entries, fixed timestamps and modes): its sha256, which
Terraform puts in the object name, changes only when a file does, so an unchanged tree never
redeploys.

    .venv/bin/python cloudfunction/package.py [--out build] [--mappings DIR] [--no-mappings]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import zipfile
from pathlib import Path

from sheetsync import bundle
from sheetsync.mapping import MappingError, load_mappings

REPO = Path(__file__).resolve().parent.parent
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class PackagingError(Exception):
    """Something the package needs is missing or invalid; the message says what."""


def stage(target: Path, *, mappings: Path, bundle_mappings: bool = True) -> Path:
    """Fill ``target`` (emptied first) with the function's files; returns ``target``.

    The mappings are validated even when they are not bundled: they are the source of the
    Scheduler jobs either way."""
    try:
        load_mappings(mappings)  # a bad mapping never reaches Google Cloud
    except MappingError as exc:
        raise PackagingError(f"the mappings in {mappings} are not valid:\n{exc}") from None
    if target.exists():
        shutil.rmtree(target)
    try:
        bundle.build(target, mappings if bundle_mappings else None)
    except (FileExistsError, FileNotFoundError) as exc:
        raise PackagingError(str(exc)) from None
    return target


def write_zip(folder: Path, zip_path: Path) -> str:
    """Zip ``folder``'s files (paths relative to it) reproducibly; returns the zip's sha256."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return hashlib.sha256(zip_path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build", help="build folder")
    parser.add_argument("--mappings", type=Path, default=REPO / "mappings", help="mapping folder")
    parser.add_argument(
        "--no-mappings", action="store_true", help="do not bundle them (read from gs://)"
    )
    args = parser.parse_args(argv)
    try:
        folder = stage(
            args.out / "function", mappings=args.mappings, bundle_mappings=not args.no_mappings
        )
    except PackagingError as exc:
        print(f"package.py: {exc}", file=sys.stderr)
        return 2
    digest = write_zip(folder, args.out / "function.zip")
    print(f"staged {folder}")
    print(f"zipped {args.out / 'function.zip'} sha256={digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
