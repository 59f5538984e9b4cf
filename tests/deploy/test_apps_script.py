"""cloudfunction/apps-script: the manifest's scopes, and the menu's behaviour, run in Node with
stand-ins for the Apps Script services (SpreadsheetApp, UrlFetchApp, ...)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import APPS_SCRIPT

CODE = APPS_SCRIPT / "Code.gs"
MANIFEST = APPS_SCRIPT / "appsscript.json"
HARNESS = Path(__file__).with_name("apps_script_harness.js")
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")
RUN_URL = (
    "https://cloudscheduler.googleapis.com/v1/projects/acme-sync/locations/europe-west1/jobs/{}:run"
)
SETUP = {"PROJECT_ID": "acme-sync", "REGION": "europe-west1", "JOB": "sheetsync-hot-prospects"}


def test_the_manifest_asks_for_exactly_the_scopes_the_menu_needs() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["runtimeVersion"] == "V8"
    scopes = set(manifest["oauthScopes"])
    assert "https://www.googleapis.com/auth/script.external_request" in scopes
    assert "https://www.googleapis.com/auth/spreadsheets.currentonly" in scopes
    scheduler = {
        "https://www.googleapis.com/auth/cloud-scheduler",
        "https://www.googleapis.com/auth/cloud-platform",
    }
    assert len(scopes & scheduler) == 1
    assert len(scopes) == 3, "no scope beyond what the menu uses"


def test_the_script_defines_the_menu_and_calls_jobs_run() -> None:
    code = CODE.read_text(encoding="utf-8")
    assert re.search(r"^function onOpen\(", code, flags=re.MULTILINE)
    assert re.search(r"^function resyncNow\(", code, flags=re.MULTILINE)
    assert "':run'" in code and "ScriptApp.getOAuthToken()" in code
    assert "muteHttpExceptions: true" in code


@needs_node
def test_the_script_is_valid_javascript(tmp_path: Path) -> None:
    copy = tmp_path / "Code.js"
    copy.write_text(CODE.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([str(NODE), "--check", str(copy)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def run(
    call: str,
    properties: dict[str, str],
    tab: str = "Hot prospects",
    code: int = 200,
    body: str = "{}",
) -> dict[str, Any]:
    scenario = {
        "call": call,
        "properties": properties,
        "tab": tab,
        "response": {"code": code, "body": body},
    }
    done = subprocess.run(
        [str(NODE), str(HARNESS), str(CODE)],
        input=json.dumps(scenario),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen


def google_error(code: int, status: str, message: str, reason: str | None = None) -> str:
    details = (
        [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}] if reason else []
    )
    return json.dumps(
        {"error": {"code": code, "status": status, "message": message, "details": details}}
    )


@needs_node
def test_on_open_adds_the_sheetsync_menu() -> None:
    seen = run("onOpen", {})
    assert seen["menus"] == [
        {"name": "sheetsync", "items": [["Resync now", "resyncNow"], ["Show setup", "showSetup"]]}
    ]


@needs_node
def test_resync_runs_the_job_as_the_user_and_says_so() -> None:
    seen = run("resyncNow", SETUP)
    [fetch] = seen["fetches"]
    assert fetch["url"] == RUN_URL.format("sheetsync-hot-prospects")
    assert fetch["options"]["method"] == "post"
    assert fetch["options"]["headers"] == {"Authorization": "Bearer user-oauth-token"}
    assert fetch["options"]["muteHttpExceptions"] is True
    assert "payload" not in fetch["options"], "jobs:run takes an empty body"
    [toast] = seen["toasts"]
    assert "Resync started" in toast["message"] and "sheetsync-hot-prospects" in toast["message"]
    assert seen["alerts"] == []


@needs_node
def test_a_tab_property_wins_over_the_default_job() -> None:
    properties = {**SETUP, "JOB:Campaigns": "sheetsync-campaigns"}
    assert run("resyncNow", properties, tab="Campaigns")["fetches"][0]["url"] == RUN_URL.format(
        "sheetsync-campaigns"
    )
    assert run("resyncNow", properties, tab="Other")["fetches"][0]["url"] == RUN_URL.format(
        "sheetsync-hot-prospects"
    )


@needs_node
def test_a_full_job_name_needs_no_project_or_region() -> None:
    full = "projects/other-proj/locations/us-central1/jobs/sheetsync-x"
    seen = run("resyncNow", {"JOB": full})
    assert seen["fetches"][0]["url"] == f"https://cloudscheduler.googleapis.com/v1/{full}:run"


@needs_node
@pytest.mark.parametrize(
    ("properties", "named"),
    [
        ({"PROJECT_ID": "acme-sync", "REGION": "europe-west1"}, "JOB:Hot prospects"),
        ({"REGION": "europe-west1", "JOB": "sheetsync-a"}, "PROJECT_ID"),
        ({"PROJECT_ID": "acme-sync", "JOB": "sheetsync-a"}, "REGION"),
        ({**SETUP, "JOB": "bad/job name"}, "only letters, digits"),
    ],
)
def test_missing_or_bad_setup_is_explained_and_nothing_is_called(
    properties: dict[str, str], named: str
) -> None:
    seen = run("resyncNow", properties)
    assert seen["fetches"] == [] and seen["toasts"] == []
    [alert] = seen["alerts"]
    assert named in alert["message"]


@needs_node
def test_no_permission_names_the_role_to_ask_for() -> None:
    body = google_error(403, "PERMISSION_DENIED", "The principal lacks cloudscheduler.jobs.run")
    [alert] = run("resyncNow", SETUP, code=403, body=body)["alerts"]
    assert "roles/cloudscheduler.jobRunner" in alert["message"]
    assert "acme-sync" in alert["message"]
    assert "lacks cloudscheduler.jobs.run" in alert["message"]


@needs_node
def test_a_disabled_api_is_told_apart_from_a_missing_role() -> None:
    body = google_error(
        403,
        "PERMISSION_DENIED",
        "Cloud Scheduler API has not been used in project 123",
        "SERVICE_DISABLED",
    )
    [alert] = run("resyncNow", SETUP, code=403, body=body)["alerts"]
    assert "API" in alert["title"]
    assert "Google Cloud Platform (GCP) Project" in alert["message"]
    assert "jobRunner" not in alert["message"]


@needs_node
def test_a_wrong_job_says_which_properties_to_check() -> None:
    body = google_error(404, "NOT_FOUND", "Job not found.")
    [alert] = run("resyncNow", SETUP, code=404, body=body)["alerts"]
    assert (
        "projects/acme-sync/locations/europe-west1/jobs/sheetsync-hot-prospects" in alert["message"]
    )
    for prop in ("PROJECT_ID", "REGION", "JOB"):
        assert prop in alert["message"]


@needs_node
@pytest.mark.parametrize(
    ("code", "said"), [(401, "Reload"), (429, "Wait a minute"), (503, "HTTP 503")]
)
def test_other_failures_are_explained(code: int, said: str) -> None:
    [alert] = run("resyncNow", SETUP, code=code, body="not json")["alerts"]
    assert said in alert["message"]


@needs_node
def test_show_setup_names_the_job_and_the_role() -> None:
    [alert] = run("showSetup", SETUP)["alerts"]
    assert (
        "projects/acme-sync/locations/europe-west1/jobs/sheetsync-hot-prospects" in alert["message"]
    )
    assert "roles/cloudscheduler.jobRunner" in alert["message"]
