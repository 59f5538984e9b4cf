"""What gets deployed, and that it serves: requirements.txt in step with pyproject.toml, the
bundle ``gcloud functions deploy --source=DIR`` uploads, and ``functions-framework`` serving
cloudfunction/main.py locally against the emulators (the README's curl call, made with httpx)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sheetsync import bundle

from ..engine.conftest import BASIC, World, make_world
from ..engine.support import by_id, live_ids
from .conftest import REPO, SOURCE, TARGET, log_lines, secrets_of
from .gcs import free_port

FRAMEWORK = Path(sys.executable).parent / "functions-framework"


def test_requirements_txt_is_generated_from_pyproject() -> None:
    """Fails when pyproject.toml changes and cloudfunction/requirements.txt was not regenerated
    (python -m sheetsync.bundle requirements)."""
    assert (REPO / "cloudfunction" / "requirements.txt").read_text(encoding="utf-8") == (
        bundle.requirements_text(REPO / "pyproject.toml")
    )
    assert bundle.main(["requirements", "--check"]) == 0


def test_requirements_follow_the_runtime_dependencies(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        "[project]\n"
        'dependencies = ["httpx>=0.27", "newlib==1.0"]\n'
        "[project.optional-dependencies]\n"
        'gcs = ["google-cloud-storage>=2"]\n'
        'dev = ["sheetsync[gcs]", "functions-framework>=3.8,<4", "pytest"]\n',
        encoding="utf-8",
    )
    lines = [
        line
        for line in bundle.requirements_text(pyproject).splitlines()
        if not line.startswith("#")
    ]
    assert lines == [
        "httpx>=0.27",
        "newlib==1.0",
        "google-cloud-storage>=2",
        "functions-framework>=3.8,<4",
    ]


def test_the_bundle_holds_what_the_function_needs_and_imports_on_its_own(tmp_path: Path) -> None:
    target = tmp_path / "function"
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "test.yaml").write_text(BASIC, encoding="utf-8")
    (mappings / "notes.txt").write_text("not a mapping", encoding="utf-8")
    files = bundle.build(target, mappings)

    assert {"main.py", "requirements.txt", ".gcloudignore", "mappings/test.yaml"} <= set(files)
    assert "sheetsync/function.py" in files and "sheetsync/engine.py" in files
    assert not [f for f in files if f.startswith("sheetsync/emulator/") or "__pycache__" in f]
    assert "mappings/notes.txt" not in files
    assert (target / "main.py").read_bytes() == SOURCE.read_bytes()
    # Deployed, sheetsync is not installed: the bundled package must be the one imported.
    check = (
        "import sys; sys.path.insert(0, '.'); import main, sheetsync, sheetsync.function; "
        "print(sheetsync.__file__); "
        "assert 'sheetsync.emulator' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().startswith(str(target / "sheetsync"))
    with pytest.raises(FileExistsError):
        bundle.build(target, None)


def test_gcloudignore_keeps_secrets_tests_and_venvs_home() -> None:
    patterns = {
        line.strip()
        for line in (REPO / "cloudfunction" / ".gcloudignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git/", "tests/", ".venv/", ".env", "*.pem", "*.key", "__pycache__/"} <= patterns
    assert not {"main.py", "requirements.txt", "sheetsync/", "mappings/"} & patterns


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> Iterator[World]:
    for world in make_world(tmp_path, monkeypatch):
        monkeypatch.setenv("SHEETSYNC_MAPPINGS", str(world.folder))
        world.mapping(BASIC)
        yield world


@pytest.mark.parametrize("execution_ids", [False, True], ids=["plain", "LOG_EXECUTION_ID"])
def test_functions_framework_serves_main_py_locally(
    world: World, tmp_path: Path, execution_ids: bool
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("FUNCTION_TARGET", "FUNCTION_SOURCE")}
    env["LOG_EXECUTION_ID"] = "true" if execution_ids else ""
    log = tmp_path / "function.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(FRAMEWORK), f"--target={TARGET}", f"--source={SOURCE}", f"--port={port}"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        health = _wait_until_serving(url, process, log)
        assert health["status"] == "ok" and health["mappings"] == ["test"]
        # curl -X POST $URL -H 'Content-Type: application/json' -d '{"mapping": "test"}'
        response = httpx.post(url, json={"mapping": "test"}, timeout=120)
        assert response.status_code == 200, response.text
        [report] = response.json()["reports"]
        assert report["status"] == "ok" and report["rows_added"] == len(live_ids(world))
        assert len(by_id(world, "Prospects")) == len(live_ids(world))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    text = log.read_text()
    lines = log_lines(text)  # every line is one JSON object
    reported = [e for e in lines if "report" in e]
    assert len(reported) == 1 and reported[0]["severity"] == "INFO"
    assert all("severity" in e for e in lines), text[-2000:]
    if execution_ids:  # functions-framework labels each line of a call with its id
        assert reported[0]["logging.googleapis.com/labels"]["execution_id"]
    for secret in secrets_of(world):
        assert secret not in text


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"functions-framework exited: {log.read_text()[-2000:]}")
        try:
            response = httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body
    pytest.fail(f"functions-framework did not serve within 60 s: {log.read_text()[-2000:]}")
