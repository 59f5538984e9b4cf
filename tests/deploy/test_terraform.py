"""cloudfunction/terraform: parsed with python-hcl2 (the Terraform binary and its provider are not
installable here), checked for declared variables, wiring between the function, the Scheduler
jobs and IAM, agreement with deploy.sh, and scanned with checkov."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hcl2.api import load as load_hcl

from .conftest import (
    PROJECT,
    REPO,
    TERRAFORM,
    Deploy,
    Finished,
    commands,
    flags,
    gcloud,
    two_webhooks,
)

KEY_MOUNT = "/secrets/salesforce/private-key"
FUNCTION = "google_cloudfunctions2_function.sync"
URI = "${" + FUNCTION + ".service_config[0].uri}"
# The resource types the deployment needs (the README's guide names them too).
NEEDED = {
    "google_project_service",
    "google_service_account",
    "google_secret_manager_secret",
    "google_secret_manager_secret_iam_member",
    "google_storage_bucket",
    "google_storage_bucket_object",
    "google_cloudfunctions2_function",
    "google_cloud_run_service_iam_member",
    "google_cloud_scheduler_job",
}
REFERENCE = re.compile(r"\b(data\.)?(google_[a-z0-9_]+)\.([a-z][a-z0-9_-]*)")


def tf_files() -> list[Path]:
    return sorted(TERRAFORM.glob("*.tf"))


@cache
def parsed() -> dict[str, list[dict[str, Any]]]:
    """Every block kind (variable, resource, ...) across the .tf files."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in tf_files():
        with path.open(encoding="utf-8") as handle:
            for kind, blocks in load_hcl(handle).items():
                merged.setdefault(kind, []).extend(blocks)
    return merged


def variables() -> dict[str, dict[str, Any]]:
    return {name: body for block in parsed().get("variable", []) for name, body in block.items()}


def resources() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (kind, name): body
        for block in parsed().get("resource", [])
        for kind, named in block.items()
        for name, body in named.items()
    }


def resource(kind: str, name: str) -> dict[str, Any]:
    return resources()[(kind, name)]


def one(body: dict[str, Any], key: str) -> Any:
    """hcl2 gives every attribute and block as a list; the configuration has one of each."""
    value = body[key]
    assert isinstance(value, list) and len(value) == 1, (key, value)
    return value[0]


def expressions(tree: Any) -> Iterator[str]:
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield str(key)
            yield from expressions(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from expressions(value)


def used(kinds: tuple[str, ...], pattern: str) -> set[str]:
    text = "\n".join(expressions({k: v for k, v in parsed().items() if k in kinds}))
    return set(re.findall(pattern, text))


ALL_KINDS = ("resource", "data", "locals", "output", "provider", "terraform", "module")


def test_every_file_parses() -> None:
    assert tf_files(), "no Terraform files"
    assert {"resource", "variable", "output", "locals", "terraform"} <= set(parsed())


def test_every_variable_has_a_description_and_a_type() -> None:
    for name, body in variables().items():
        assert str(one(body, "description")).strip(), name
        assert str(one(body, "type")).strip(), name


def test_every_variable_used_is_declared_and_every_declared_one_is_used() -> None:
    referenced = used(ALL_KINDS, r"\bvar\.([A-Za-z_][A-Za-z0-9_]*)")
    declared = set(variables())
    assert referenced - declared == set(), "used but not declared"
    assert declared - referenced == set(), "declared but never used"


def test_every_local_and_resource_referenced_exists() -> None:
    locals_ = {name for block in parsed().get("locals", []) for name in block}
    assert used(ALL_KINDS, r"\blocal\.([A-Za-z_][A-Za-z0-9_]*)") <= locals_
    declared = set(resources())
    text = "\n".join(expressions({k: v for k, v in parsed().items() if k in ALL_KINDS}))
    for data, kind, name in REFERENCE.findall(text):
        if not data:
            assert (kind, name) in declared, f"{kind}.{name} is referenced, never declared"


def test_the_needed_resources_exist_and_no_secret_value_is_managed() -> None:
    kinds = {kind for kind, _ in resources()}
    assert kinds >= NEEDED, NEEDED - kinds
    assert "google_secret_manager_secret_version" not in kinds, "a secret value would be in state"
    data = {kind for block in parsed().get("data", []) for kind in block}
    assert "google_secret_manager_secret_version" not in data
    # roles/run.invoker cannot be granted through the cloudfunctions2 IAM resources.
    assert not [k for k in kinds if k.startswith("google_cloudfunctions2_function_iam")]


def test_the_function_is_private_single_instance_and_reads_its_key_from_a_file() -> None:
    function = resource("google_cloudfunctions2_function", "sync")
    build = one(function, "build_config")
    assert one(build, "runtime") == "python312"
    assert one(build, "entry_point") == "sync_http"
    storage = one(one(build, "source"), "storage_source")
    assert one(storage, "bucket") == "${google_storage_bucket.source.name}"
    assert one(storage, "object") == "${google_storage_bucket_object.source.name}"
    service = one(function, "service_config")
    assert one(service, "max_instance_count") == 1
    assert one(service, "max_instance_request_concurrency") == 1
    assert one(service, "timeout_seconds") == "${var.timeout_seconds}"
    assert one(service, "service_account_email") == "${google_service_account.runtime.email}"
    volume = one(service, "secret_volumes")
    path = one(one(volume, "versions"), "path")
    mount = one(volume, "mount_path")
    assert mount == "${local.key_mount_dir}" and path == "${local.key_mount_file}"
    values = {
        name: one(block, name)
        for block in parsed()["locals"]
        for name in block
        if not name.startswith("__")
    }
    assert f"{values['key_mount_dir']}/{values['key_mount_file']}" == KEY_MOUNT
    assert one(volume, "secret") == "${google_secret_manager_secret.private_key.secret_id}"
    assert one(one(volume, "versions"), "version") == "latest"


def test_a_new_zip_is_a_new_object() -> None:
    obj = resource("google_storage_bucket_object", "source")
    assert "filesha256(var.source_zip)" in one(obj, "name")
    assert one(obj, "source") == "${var.source_zip}"


def test_only_the_runtime_account_reads_the_key_and_the_webhooks() -> None:
    grants = {
        k[1]: v for k, v in resources().items() if k[0] == "google_secret_manager_secret_iam_member"
    }
    assert set(grants) == {"private_key", "webhook"}
    for grant in grants.values():
        assert one(grant, "role") == "roles/secretmanager.secretAccessor"
        assert one(grant, "member") == "serviceAccount:${google_service_account.runtime.email}"
    key = grants["private_key"]
    assert one(key, "secret_id") == "${google_secret_manager_secret.private_key.secret_id}"
    webhook = grants["webhook"]
    assert one(webhook, "for_each") == "${local.webhooks}"
    assert one(webhook, "secret_id") == "${each.value.secret}"


def test_the_webhook_secrets_variable_is_declared_and_wired() -> None:
    variable = variables()["webhook_secrets"]
    assert one(variable, "type") == "${map(string)}"
    assert one(variable, "default") == {}
    description = one(variable, "description")
    for needed in ("SHEETSYNC_WEBHOOK_<NAME>_FILE", "schedules.py --format webhooks"):
        assert needed in description
    assert "gcloud secrets create ID --data-file=-" in description
    # Mounted like the key: one secret volume per webhook, its latest version as a file.
    service = one(resource("google_cloudfunctions2_function", "sync"), "service_config")
    dynamic = one(service, "dynamic")["secret_volumes"]
    assert one(dynamic, "for_each") == "${local.webhooks}"
    content = one(dynamic, "content")
    assert one(content, "mount_path") == "${secret_volumes.value.mount_dir}"
    assert one(content, "secret") == "${secret_volumes.value.secret}"
    assert one(content, "project_id") == "${var.project_id}"
    versions = one(content, "versions")
    assert one(versions, "version") == "latest"
    assert one(versions, "path") == "${local.webhook_file}"
    # ... named by SHEETSYNC_WEBHOOK_<NAME>_FILE among the function's settings ...
    values = {
        name: one(block, name)
        for block in parsed()["locals"]
        for name in block
        if not name.startswith("__")
    }
    assert "var.webhook_secrets" in values["webhooks"]
    assert '"SHEETSYNC_WEBHOOK_${name}_FILE"' in values["webhook_env"]
    assert values["function_env"].startswith("${merge(var.extra_env,local.webhook_env,{")
    assert one(service, "environment_variables") == "${local.function_env}"
    # ... and readable when the function starts.
    depends = one(resource("google_cloudfunctions2_function", "sync"), "depends_on")
    assert "${google_secret_manager_secret_iam_member.webhook}" in depends


def test_the_invoker_account_may_call_the_functions_service() -> None:
    binding = resource("google_cloud_run_service_iam_member", "invoker")
    assert one(binding, "role") == "roles/run.invoker"
    assert one(binding, "member") == "serviceAccount:${google_service_account.invoker.email}"
    assert one(binding, "service") in (
        f"${{{FUNCTION}.name}}",
        f"${{{FUNCTION}.service_config[0].service}}",
    )
    assert one(binding, "location") == f"${{{FUNCTION}.location}}"


def test_one_scheduler_job_per_mapping_calls_the_function_with_oidc() -> None:
    job = resource("google_cloud_scheduler_job", "sync")
    assert one(job, "for_each") == "${var.mappings}"
    assert one(job, "schedule") == "${each.value.schedule}"
    assert one(job, "time_zone") == "${each.value.time_zone}"
    assert one(job, "attempt_deadline") == "${var.timeout_seconds}s"
    assert "${each.key}" in one(job, "name")
    retry = one(job, "retry_config")
    assert one(retry, "retry_count") == "${var.scheduler_retries}"
    target = one(job, "http_target")
    assert one(target, "http_method") == "POST"
    assert one(target, "uri") == URI
    assert re.fullmatch(
        r"\$\{base64encode\(jsonencode\(\{'mapping': '\$\{each\.key\}'\}\)\)\}", one(target, "body")
    )
    assert one(target, "headers") == {"Content-Type": "application/json"}
    token = one(target, "oidc_token")
    assert one(token, "audience") == URI
    assert one(token, "service_account_email") == "${google_service_account.invoker.email}"


def test_the_mappings_variable_matches_what_schedules_py_writes() -> None:
    mappings_type = one(variables()["mappings"], "type")
    # hcl2 renders the type expression in its own syntax; compare it without quotes and braces.
    normal = re.sub(r"[\s'${}]", "", mappings_type)
    assert normal == "map(object(schedule:string,time_zone:string))", mappings_type


def test_the_outputs_name_the_url_and_the_account_to_share_sheets_with() -> None:
    outputs = {name: body for block in parsed()["output"] for name, body in block.items()}
    assert one(outputs["function_url"], "value") == URI
    assert (
        one(outputs["runtime_service_account_email"], "value")
        == "${google_service_account.runtime.email}"
    )
    for name, body in outputs.items():
        assert str(one(body, "description")).strip(), name


def test_the_function_gets_the_same_settings_as_with_deploy_sh(dry_run: Finished) -> None:
    deploy_cmd = gcloud(commands(dry_run.done.stdout), "functions", "deploy")[0]
    from_script = {pair.split("=", 1)[0] for pair in flags(deploy_cmd)["--set-env-vars"].split(",")}
    env = next(
        one(block, "function_env") for block in parsed()["locals"] if "function_env" in block
    )
    from_terraform = set(re.findall(r"'((?:SHEETSYNC|LOG)_[A-Z_]+)':", env))
    # The webhooks' settings come from local.webhook_env (see the test below).
    webhooks = {name for name in from_script if name.startswith("SHEETSYNC_WEBHOOK_")}
    assert from_terraform == from_script - webhooks


def terraform_locals(tmp: Path, tfvars: dict[str, Any]) -> dict[str, Any]:
    """The configuration's locals, evaluated by `terraform console` from its variables and
    locals alone (no provider, so no `terraform init` and no network)."""
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed")
    work = tmp / "tf-locals"
    work.mkdir()
    shutil.copy(TERRAFORM / "variables.tf", work / "variables.tf")
    main = (TERRAFORM / "main.tf").read_text(encoding="utf-8")
    block = re.search(r"^locals \{\n.*?^\}\n", main, flags=re.MULTILINE | re.DOTALL)
    assert block is not None
    (work / "locals.tf").write_text(block.group(0), encoding="utf-8")
    (work / "test.tfvars.json").write_text(json.dumps(tfvars), encoding="utf-8")
    done = subprocess.run(
        [binary, "console", "-var-file=test.tfvars.json"],
        input="jsonencode({function_env = local.function_env, webhooks = local.webhooks, "
        "webhook_file = local.webhook_file})\n",
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    evaluated = json.loads(json.loads(done.stdout.strip().splitlines()[-1]))
    assert isinstance(evaluated, dict)
    return evaluated


@pytest.mark.slow
def test_terraform_mounts_and_names_the_webhooks_as_deploy_sh_does(
    deploy: Deploy, tmp_path: Path
) -> None:
    folder = two_webhooks(tmp_path / "mappings")
    done = deploy.run(
        "--dry-run",
        "--mappings-dir",
        str(folder),
        "--webhook-secret",
        "SALES_SLACK=shared-slack",
        forbid_gcloud=True,
    )
    assert done.returncode == 0, done.stderr
    deploy_cmd = gcloud(commands(done.stdout), "functions", "deploy")[0]
    script_env = dict(p.split("=", 1) for p in flags(deploy_cmd)["--set-env-vars"].split(","))
    script_mounts = dict(m.split("=", 1) for m in flags(deploy_cmd)["--set-secrets"].split(","))
    evaluated = terraform_locals(
        tmp_path,
        {
            "project_id": PROJECT,
            "region": deploy.env["SHEETSYNC_GCP_REGION"],
            "pardot_business_unit_id": deploy.env["SHEETSYNC_PARDOT_BUSINESS_UNIT_ID"],
            "client_id": deploy.env["SHEETSYNC_CLIENT_ID"],
            "salesforce_username": deploy.env["SHEETSYNC_USERNAME"],
            "mappings": {},
            # Names as the mappings write them, or upper-cased: the same webhook.
            "webhook_secrets": {
                "sales_slack": "shared-slack",
                "OPS_TEAMS": "sheetsync-webhook-ops-teams",
            },
        },
    )
    # The very same settings, webhooks' included ...
    assert evaluated["function_env"] == script_env
    # ... and the same files, from the same secrets (the key's is checked above).
    tf_mounts = {
        f"{hook['mount_dir']}/{evaluated['webhook_file']}": f"{hook['secret']}:latest"
        for hook in evaluated["webhooks"].values()
    }
    del script_mounts[KEY_MOUNT]
    assert tf_mounts == script_mounts
    assert set(evaluated["webhooks"]) == {"SALES_SLACK", "OPS_TEAMS"}


def test_a_webhook_url_is_refused_in_the_variables() -> None:
    conditions = {
        name: one(one(body, "validation"), "condition")
        for name, body in variables().items()
        if name in ("webhook_secrets", "extra_env")
    }
    assert "[A-Za-z0-9_-]{1,255}$" in conditions["webhook_secrets"]
    assert "SHEETSYNC_WEBHOOK_" in conditions["extra_env"]


def test_the_example_tfvars_sets_what_is_required_and_only_declared_variables() -> None:
    example = TERRAFORM / "terraform.tfvars.example"
    with example.open(encoding="utf-8") as handle:
        values = load_hcl(handle)
    declared = variables()
    assert set(values) <= set(declared)
    required = {name for name, body in declared.items() if "default" not in body}
    # var.mappings comes from mappings.auto.tfvars.json, generated by schedules.py.
    assert required - {"mappings"} <= set(values)
    assert "mappings.auto.tfvars.json" in example.read_text()
    # The commented optional lines name declared variables too.
    commented = re.findall(r"^# ([a-z_]+)\s+=", example.read_text(), flags=re.MULTILINE)
    assert commented and set(commented) <= set(declared)


def checkov(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("checkov") or str(REPO / ".venv" / "bin" / "checkov")
    assert Path(binary).exists(), "checkov is missing: it comes with the dev extra (make setup)"
    # --skip-download: no call to Prisma Cloud (offline machines, and nothing to send there).
    return subprocess.run(
        [binary, "-d", str(TERRAFORM), "--compact", "--skip-download", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_checkov_passes_and_every_skip_says_why() -> None:
    # One run (checkov takes ~10 s): the JSON report, and the exit code a failed check sets.
    done = checkov("-o", "json")
    assert done.returncode == 0, "checkov finds something: run it (see cloudfunction/terraform)"
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    terraform = next(r for r in reports if r["check_type"] == "terraform")
    summary = terraform["summary"]
    assert summary["failed"] == 0 and summary["parsing_errors"] == 0, summary
    assert summary["resource_count"] >= len(resources())
    skipped = [c for r in reports for c in r["results"].get("skipped_checks", [])]
    for check in skipped:
        reason = check["check_result"].get("suppress_comment", "")
        assert len(reason) >= 40, f"{check['check_id']} is skipped without a reason"
    # checkov did look at the function and the bucket (their checks ran or were skipped).
    checked = {c["resource"] for c in skipped} | {
        c["resource"] for c in terraform["results"].get("passed_checks", [])
    }
    assert {FUNCTION, "google_storage_bucket.source"} <= checked


def test_terraform_fmt_is_clean() -> None:
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed")
    done = subprocess.run(
        [binary, "fmt", "-check", "-diff", str(TERRAFORM)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
