"""cloudfunction/package.py and schedules.py: the zip Cloud Functions receives (importable on its
own, reproducible, validated mappings) and the jobs the mappings ask for."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import FUNCTION_DIR, REPO, no_webhooks, shipped_mappings, two_webhooks

PACKAGE = FUNCTION_DIR / "package.py"
SCHEDULES = FUNCTION_DIR / "schedules.py"
HAS_MAIN = (FUNCTION_DIR / "main.py").is_file()
needs_main = pytest.mark.skipif(not HAS_MAIN, reason="cloudfunction/main.py does not exist yet")


def package(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PACKAGE), "--out", str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not HAS_MAIN:
        pytest.skip("cloudfunction/main.py does not exist yet")
    out = tmp_path_factory.mktemp("build")
    done = package(out)
    assert done.returncode == 0, done.stderr
    return out


@needs_main
def test_the_zip_holds_the_function_layout(built: Path) -> None:
    names = set(zipfile.ZipFile(built / "function.zip").namelist())
    assert {"main.py", "requirements.txt", "sheetsync/__init__.py", "sheetsync/engine.py"} <= names
    bundled = {n for n in names if n.startswith("mappings/")}
    assert bundled == {f"mappings/{Path(m.path or '').name}" for m in shipped_mappings()}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("tests/", "build/", ".venv/"))]


@needs_main
def test_the_zip_is_the_staged_folder(built: Path) -> None:
    staged = built / "function"
    on_disk = {
        p.relative_to(staged).as_posix(): p.read_bytes() for p in staged.rglob("*") if p.is_file()
    }
    with zipfile.ZipFile(built / "function.zip") as zf:
        zipped = {name: zf.read(name) for name in zf.namelist()}
    assert zipped == on_disk


@needs_main
def test_the_unzipped_source_imports_on_its_own(built: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(built / "function.zip") as zf:
        zf.extractall(tmp_path)
    # -I: no PYTHONPATH, no working directory on sys.path; only the venv's site-packages (the
    # function's dependencies) and the unzipped folder. sheetsync must come from the zip.
    check = (
        "import sys; sys.path.insert(0, sys.argv[1]); import main, sheetsync; "
        "assert sheetsync.__file__.startswith(sys.argv[1]), sheetsync.__file__; "
        "assert callable(main.sync_http); print('ok')"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", check, str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@needs_main
def test_the_zip_is_reproducible_and_follows_the_mappings(built: Path, tmp_path: Path) -> None:
    again = package(tmp_path / "again")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "function.zip").read_bytes() == (
        built / "function.zip"
    ).read_bytes()
    changed = tmp_path / "mappings"
    changed.mkdir()
    for mapping in (REPO / "mappings").iterdir():
        (changed / mapping.name).write_text(mapping.read_text().replace("0 6 * * *", "0 7 * * *"))
    other = package(tmp_path / "other", "--mappings", str(changed))
    assert other.returncode == 0, other.stderr
    assert (tmp_path / "other" / "function.zip").read_bytes() != (
        built / "function.zip"
    ).read_bytes()


@needs_main
def test_no_mappings_bundles_none(tmp_path: Path) -> None:
    done = package(tmp_path, "--no-mappings")
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(tmp_path / "function.zip").namelist()
    assert "main.py" in names and not [n for n in names if n.startswith("mappings/")]


def test_an_invalid_mapping_is_refused_and_nothing_is_built(tmp_path: Path) -> None:
    bad = tmp_path / "mappings"
    bad.mkdir()
    (bad / "broken.yaml").write_text("spreadsheet: x\nworksheet: y\n")
    done = package(tmp_path / "out", "--mappings", str(bad))
    assert done.returncode == 2
    assert "broken.yaml" in done.stderr
    assert not (tmp_path / "out").exists()


# --- schedules.py ----------------------------------------------------------------------------


def schedules(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCHEDULES), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_schedules_lists_every_scheduled_mapping_with_its_zone() -> None:
    done = schedules()
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    expected = [[m.name, m.schedule, m.time_zone] for m in shipped_mappings() if m.schedule]
    assert rows == expected


def test_schedules_as_terraform_variables() -> None:
    done = schedules("--format", "tfvars-json")
    assert done.returncode == 0, done.stderr
    expected = {
        m.name: {"schedule": m.schedule, "time_zone": m.time_zone}
        for m in shipped_mappings()
        if m.schedule
    }
    assert json.loads(done.stdout) == {"mappings": expected}


def test_schedules_lists_the_alert_webhooks_once_each(tmp_path: Path) -> None:
    done = schedules("--format", "webhooks", "--mappings", str(two_webhooks(tmp_path / "two")))
    assert done.returncode == 0, done.stderr
    # Sorted, upper-cased as the loader reads them (the mapping says ops_teams).
    assert done.stdout == "OPS_TEAMS\nSALES_SLACK\n"
    assert done.stderr == "", "no note about schedules in this format"
    none = schedules("--format", "webhooks", "--mappings", str(no_webhooks(tmp_path / "none")))
    assert none.returncode == 0 and none.stdout == ""


def test_the_terraform_variables_point_at_webhook_secrets(tmp_path: Path) -> None:
    done = schedules("--format", "tfvars-json", "--mappings", str(two_webhooks(tmp_path / "m")))
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == {"mappings"}
    assert "OPS_TEAMS, SALES_SLACK" in done.stderr and "webhook_secrets" in done.stderr


def test_a_mapping_without_schedule_gets_no_job(tmp_path: Path) -> None:
    source = (REPO / "mappings" / "campaigns.yaml").read_text()
    unscheduled = "\n".join(
        line for line in source.splitlines() if not line.startswith("schedule:")
    )
    (tmp_path / "on-demand.yaml").write_text(unscheduled + "\n")
    done = schedules("--mappings", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "on-demand has no schedule" in done.stderr


def test_schedules_refuses_invalid_mappings(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("columns: []\n")
    done = schedules("--mappings", str(tmp_path))
    assert done.returncode == 2
    assert "bad.yaml" in done.stderr
