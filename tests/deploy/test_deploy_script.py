"""cloudfunction/deploy.sh: syntax and shellcheck, the commands of a dry run (which never calls
gcloud), its refusals, and real runs against a fake gcloud (first deployment, then again)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from . import gcloud_tree
from .conftest import (
    DEPLOY,
    FUNCTION_DIR,
    KEY_BODY,
    PROJECT,
    REGION,
    REPO,
    SHIPPED_WEBHOOK_SECRETS,
    Deploy,
    Finished,
    commands,
    flags,
    gcloud,
    make_deploy,
    no_webhooks,
    shipped_mappings,
    stage_fake_build,
    two_webhooks,
    webhook_mount,
    webhook_names,
    webhook_secret,
)

RUNTIME_EMAIL = f"sheetsync-run@{PROJECT}.iam.gserviceaccount.com"
INVOKER_EMAIL = f"sheetsync-invoker@{PROJECT}.iam.gserviceaccount.com"
KEY_MOUNT = "/secrets/salesforce/private-key"
SECRET_MOUNT = "/secrets/function/shared-secret"
SHARED_SECRET = "0123456789abcdef0123456789abcdef"
KEY_SECRET = "sheetsync-salesforce-private-key"
SHIPPED_WEBHOOKS = webhook_names(shipped_mappings())
# A URL in deploy.sh's own environment (e.g. left by `sheetsync emulate`) is never printed nor
# passed on: the function reads the secret.
LOCAL_WEBHOOK_URL = "https://hooks.slack.com/services/T000/B000/LOCALURLneverprinted"


def env_vars(deploy_cmd: list[str]) -> dict[str, str]:
    pairs = flags(deploy_cmd)["--set-env-vars"].split(",")
    return dict(pair.split("=", 1) for pair in pairs)


def mounts(deploy_cmd: list[str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in flags(deploy_cmd)["--set-secrets"].split(","))


def only(found: list[list[str]]) -> list[str]:
    assert len(found) == 1, found
    return found[0]


def scripts() -> list[Path]:
    return sorted(FUNCTION_DIR.rglob("*.sh"))


def test_there_is_a_deploy_script() -> None:
    assert DEPLOY in scripts()
    assert os.access(DEPLOY, os.X_OK), "deploy.sh must be executable"


@pytest.mark.parametrize("script", scripts(), ids=lambda p: p.name)
def test_bash_parses_the_script(script: Path) -> None:
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("script", scripts(), ids=lambda p: p.name)
def test_shellcheck_finds_nothing(script: Path) -> None:
    binary = shutil.which("shellcheck") or str(REPO / ".venv" / "bin" / "shellcheck")
    assert Path(binary).exists(), "shellcheck is missing: it comes with the dev extra (make setup)"
    done = subprocess.run([binary, "--severity=style", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- dry run ---------------------------------------------------------------------------------


def test_dry_run_never_calls_gcloud(dry_run: Finished) -> None:
    assert dry_run.calls == []
    assert gcloud(commands(dry_run.done.stdout), "functions", "deploy"), dry_run.done.stdout


def test_dry_run_schedules_one_job_per_scheduled_mapping(dry_run: Finished) -> None:
    jobs = gcloud(commands(dry_run.done.stdout), "scheduler", "jobs", "create", "http")
    scheduled = [m for m in shipped_mappings() if m.schedule]
    assert scheduled, "the shipped mappings have schedules"
    assert sorted(job[5] for job in jobs) == sorted(f"sheetsync-{m.name}" for m in scheduled)
    for mapping in scheduled:
        job = flags(only([j for j in jobs if j[5] == f"sheetsync-{mapping.name}"]))
        assert job["--schedule"] == mapping.schedule
        assert job["--time-zone"] == mapping.time_zone
        assert json.loads(job["--message-body"]) == {"mapping": mapping.name}
        assert job["--http-method"] == "post"
        assert job["--headers"] == "Content-Type=application/json"
        assert job["--oidc-service-account-email"] == INVOKER_EMAIL
        assert job["--oidc-token-audience"] == job["--uri"] == "<FUNCTION_URL>"
        assert job["--attempt-deadline"] == "1800s"
        assert job["--location"] == REGION
        assert job["--project"] == PROJECT
        assert 1 <= int(job["--max-retry-attempts"]) <= 5
        assert job["--min-backoff"] and job["--max-backoff"]


def test_dry_run_deploys_a_private_single_instance_gen2_function(dry_run: Finished) -> None:
    cmds = commands(dry_run.done.stdout)
    build = dry_run.deploy.tmp / "build"
    deploy_cmd = only(gcloud(cmds, "functions", "deploy"))
    f = flags(deploy_cmd)
    assert deploy_cmd[3] == "sheetsync"
    assert "--gen2" in f and "--trigger-http" in f
    assert "--no-allow-unauthenticated" in f and "--allow-unauthenticated" not in f
    assert f["--runtime"] == "python312"
    assert f["--entry-point"] == "sync_http"
    assert f["--max-instances"] == "1" and f["--concurrency"] == "1"
    assert f["--timeout"] == "1800s" and f["--memory"] == "1Gi"
    assert f["--service-account"] == RUNTIME_EMAIL
    assert f["--source"] == str(build / "function")
    assert SHIPPED_WEBHOOKS, "the shipped mappings' alerts name a webhook"
    assert mounts(deploy_cmd) == {
        KEY_MOUNT: f"{KEY_SECRET}:latest",
        **{webhook_mount(n): f"{webhook_secret(n)}:latest" for n in SHIPPED_WEBHOOKS},
    }
    # Packaging comes first, into the same folder.
    package = only([c for c in cmds if c[1:2] == [str(FUNCTION_DIR / "package.py")]])
    assert cmds.index(package) < cmds.index(deploy_cmd)
    assert package[package.index("--out") + 1] == str(build)


def test_dry_run_function_settings(deploy: Deploy) -> None:
    done = deploy.run("--dry-run", "--timeout=900", forbid_gcloud=True)
    env = env_vars(only(gcloud(commands(done.stdout), "functions", "deploy")))
    assert env["SHEETSYNC_AUTH_FLOW"] == "jwt"
    assert env["SHEETSYNC_PRIVATE_KEY_FILE"] == KEY_MOUNT
    assert (
        env["SHEETSYNC_PARDOT_BUSINESS_UNIT_ID"] == deploy.env["SHEETSYNC_PARDOT_BUSINESS_UNIT_ID"]
    )
    assert env["SHEETSYNC_CLIENT_ID"] == deploy.env["SHEETSYNC_CLIENT_ID"]
    assert env["SHEETSYNC_USERNAME"] == deploy.env["SHEETSYNC_USERNAME"]
    assert env["SHEETSYNC_PARDOT_URL"] == "https://pi.pardot.com"
    assert env["SHEETSYNC_SALESFORCE_LOGIN_URL"] == "https://login.salesforce.com"
    assert env["SHEETSYNC_MAPPINGS"] == "mappings"
    assert 0 < int(env["SHEETSYNC_DEADLINE_SECONDS"]) <= 900 - 60
    assert "SHEETSYNC_FUNCTION_SECRET_FILE" not in env


def test_optional_settings_pass_through(deploy: Deploy) -> None:
    done = deploy.run(
        "--dry-run",
        "--pardot-url",
        "https://pi.demo.pardot.com",
        forbid_gcloud=True,
        SHEETSYNC_PARDOT_TIMEZONE="America/New_York",
        SHEETSYNC_MAX_REMOVE_PERCENT="5",
    )
    env = env_vars(only(gcloud(commands(done.stdout), "functions", "deploy")))
    assert env["SHEETSYNC_PARDOT_URL"] == "https://pi.demo.pardot.com"
    assert env["SHEETSYNC_PARDOT_TIMEZONE"] == "America/New_York"
    assert env["SHEETSYNC_MAX_REMOVE_PERCENT"] == "5"


def test_dry_run_iam_is_per_secret_and_per_service(dry_run: Finished) -> None:
    cmds = commands(dry_run.done.stdout)
    bindings = gcloud(cmds, "secrets", "add-iam-policy-binding")
    assert sorted(b[3] for b in bindings) == sorted([KEY_SECRET, *SHIPPED_WEBHOOK_SECRETS])
    for binding in map(flags, bindings):
        assert binding["--member"] == f"serviceAccount:{RUNTIME_EMAIL}"
        assert binding["--role"] == "roles/secretmanager.secretAccessor"
    invoker = only(gcloud(cmds, "functions", "add-invoker-policy-binding"))
    assert invoker[3] == "sheetsync"
    assert flags(invoker)["--member"] == f"serviceAccount:{INVOKER_EMAIL}"
    created = {c[4] for c in gcloud(cmds, "iam", "service-accounts", "create")}
    assert created == {"sheetsync-run", "sheetsync-invoker"}
    assert not gcloud(cmds, "iam", "service-accounts", "keys"), "no key: Sheets goes through ADC"
    apis = set(only(gcloud(cmds, "services", "enable"))[3:]) - {f"--project={PROJECT}"}
    assert {"cloudfunctions.googleapis.com", "cloudscheduler.googleapis.com"} <= apis
    assert {"secretmanager.googleapis.com", "sheets.googleapis.com", "run.googleapis.com"} <= apis


def test_shared_secret_is_mounted_and_sent_by_the_jobs_but_never_printed(
    deploy: Deploy,
) -> None:
    secret = deploy.tmp / "shared-secret"
    secret.write_text(SHARED_SECRET + "\n")
    done = deploy.run("--dry-run", "--shared-secret-file", str(secret), forbid_gcloud=True)
    assert done.returncode == 0, done.stderr
    assert SHARED_SECRET not in done.stdout + done.stderr
    cmds = commands(done.stdout)
    deploy_cmd = only(gcloud(cmds, "functions", "deploy"))
    assert mounts(deploy_cmd)[SECRET_MOUNT] == "sheetsync-function-secret:latest"
    assert env_vars(deploy_cmd)["SHEETSYNC_FUNCTION_SECRET_FILE"] == SECRET_MOUNT
    bound = {c[3] for c in gcloud(cmds, "secrets", "add-iam-policy-binding")}
    assert bound == {KEY_SECRET, "sheetsync-function-secret", *SHIPPED_WEBHOOK_SECRETS}
    for job in gcloud(cmds, "scheduler", "jobs", "create", "http"):
        assert flags(job)["--headers"] == (
            f"Content-Type=application/json,X-Sheetsync-Secret=<value of {secret}>"
        )


def test_gs_mappings_are_uploaded_readable_and_not_bundled(deploy: Deploy) -> None:
    url = "gs://acme-config/sheetsync"
    done = deploy.run("--dry-run", "--mappings-url", url, forbid_gcloud=True)
    cmds = commands(done.stdout)
    env = env_vars(only(gcloud(cmds, "functions", "deploy")))
    assert env["SHEETSYNC_MAPPINGS"] == url
    grant = only(gcloud(cmds, "storage", "buckets", "add-iam-policy-binding"))
    assert grant[4] == "gs://acme-config"
    assert flags(grant)["--role"] == "roles/storage.objectViewer"
    upload = only(gcloud(cmds, "storage", "cp"))
    assert upload[-2] == f"{url}/"
    assert sorted(Path(p).name for p in upload[3:-2]) == sorted(
        Path(m.path or "").name for m in shipped_mappings()
    )
    package = only([c for c in cmds if c[1:2] == [str(FUNCTION_DIR / "package.py")]])
    assert "--no-mappings" in package


def test_mappings_only_touches_nothing_but_the_jobs(deploy: Deploy) -> None:
    cmds = commands(deploy.run("--dry-run", "--mappings-only", forbid_gcloud=True).stdout)
    kinds = {tuple(c[1:3]) for c in cmds}
    assert kinds == {("functions", "describe"), ("scheduler", "jobs")}, kinds


def test_no_secret_in_dry_run_output(dry_run: Finished) -> None:
    assert KEY_BODY not in dry_run.done.stdout + dry_run.done.stderr


# --- refusals --------------------------------------------------------------------------------


def test_missing_settings_are_all_named_and_nothing_runs(deploy: Deploy) -> None:
    for name in (
        "SHEETSYNC_GCP_PROJECT",
        "SHEETSYNC_GCP_REGION",
        "SHEETSYNC_PARDOT_BUSINESS_UNIT_ID",
        "SHEETSYNC_CLIENT_ID",
        "SHEETSYNC_USERNAME",
    ):
        del deploy.env[name]
    done = deploy.run(forbid_gcloud=True)
    assert done.returncode == 2
    for flag in ("--project", "--region", "--business-unit-id", "--client-id", "--username"):
        assert flag in done.stderr
    assert deploy.calls() == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--timeout", "3600"], "--timeout"),
        (["--timeout", "30s"], "--timeout"),
        (["--retries", "9"], "--retries"),
        (["--function", "Sheet_Sync"], "--function"),
        (["--function", "a-very-long-function-name-for-sync"], "service account id"),
        (["--mappings-url", "s3://bucket/x"], "--mappings-url"),
        (["--pardot-url", "http://127.0.0.1:8765"], "not an https URL"),
        (["--bogus"], "unknown option"),
        (["--region"], "needs a value"),
    ],
)
def test_bad_values_are_refused_before_anything_runs(
    deploy: Deploy, args: list[str], named: str
) -> None:
    done = deploy.run(*args, forbid_gcloud=True)
    assert done.returncode == 2
    assert named in done.stderr
    assert deploy.calls() == []


def test_a_key_file_without_a_private_key_is_refused(deploy: Deploy) -> None:
    not_a_key = deploy.tmp / "cert.pem"
    not_a_key.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    done = deploy.run("--private-key-file", str(not_a_key), forbid_gcloud=True)
    assert done.returncode == 2
    assert "PEM private key" in done.stderr
    assert deploy.calls() == []


def test_a_weak_shared_secret_is_refused(deploy: Deploy) -> None:
    weak = deploy.tmp / "secret"
    weak.write_text("short, with comma")
    done = deploy.run("--shared-secret-file", str(weak), forbid_gcloud=True)
    assert done.returncode == 2 and "--shared-secret-file" in done.stderr
    assert deploy.calls() == []


def test_an_invalid_mapping_stops_before_any_gcloud_call(deploy: Deploy) -> None:
    folder = deploy.tmp / "mappings"
    folder.mkdir()
    good = REPO / "mappings" / "campaigns.yaml"
    (folder / "campaigns.yaml").write_text(good.read_text().replace("0 6 * * *", "0 25 * * *"))
    done = deploy.run("--mappings-dir", str(folder), forbid_gcloud=True)
    assert done.returncode != 0
    assert "campaigns.yaml" in done.stderr and "hour" in done.stderr
    assert deploy.calls() == []


# --- alert webhooks: a Secret Manager secret each, mounted, named by SHEETSYNC_WEBHOOK_<NAME>_FILE


def create_command(secret: str) -> str:
    return (
        f"gcloud secrets create {secret} --project={PROJECT} --replication-policy=automatic "
        "--labels=app=sheetsync --data-file=-"
    )


def assert_gcloud_knows(command: str) -> None:
    if gcloud_tree.tree() is not None:
        assert gcloud_tree.problems(command.split()) == []


def webhook_env(deploy_cmd: list[str]) -> dict[str, str]:
    return {k: v for k, v in env_vars(deploy_cmd).items() if k.startswith("SHEETSYNC_WEBHOOK_")}


def test_each_webhook_secret_is_mounted_and_named_by_a_file_setting(deploy: Deploy) -> None:
    folder = two_webhooks(deploy.tmp / "mappings")
    done = deploy.run(
        "--dry-run",
        "--mappings-dir",
        str(folder),
        forbid_gcloud=True,
        SHEETSYNC_WEBHOOK_SALES_SLACK=LOCAL_WEBHOOK_URL,
    )
    assert done.returncode == 0, done.stderr
    cmds = commands(done.stdout)
    deploy_cmd = only(gcloud(cmds, "functions", "deploy"))
    assert mounts(deploy_cmd) == {
        KEY_MOUNT: f"{KEY_SECRET}:latest",
        "/secrets/webhook-ops-teams/url": "sheetsync-webhook-ops-teams:latest",
        "/secrets/webhook-sales-slack/url": "sheetsync-webhook-sales-slack:latest",
    }
    assert webhook_env(deploy_cmd) == {
        "SHEETSYNC_WEBHOOK_OPS_TEAMS_FILE": "/secrets/webhook-ops-teams/url",
        "SHEETSYNC_WEBHOOK_SALES_SLACK_FILE": "/secrets/webhook-sales-slack/url",
    }
    bindings = gcloud(cmds, "secrets", "add-iam-policy-binding")
    assert sorted(b[3] for b in bindings) == [
        KEY_SECRET,
        "sheetsync-webhook-ops-teams",
        "sheetsync-webhook-sales-slack",
    ]
    for binding in bindings:
        assert flags(binding)["--member"] == f"serviceAccount:{RUNTIME_EMAIL}"
        assert flags(binding)["--role"] == "roles/secretmanager.secretAccessor"
        assert cmds.index(binding) < cmds.index(deploy_cmd)
    # deploy.sh never creates a webhook's secret nor adds a version: that takes the URL.
    assert [c[3] for c in gcloud(cmds, "secrets", "create")] == [KEY_SECRET]
    assert [c[4] for c in gcloud(cmds, "secrets", "versions", "add")] == [KEY_SECRET]
    # The dry run says that each secret must exist, and how to create it.
    for secret in ("sheetsync-webhook-ops-teams", "sheetsync-webhook-sales-slack"):
        assert f"#   {create_command(secret)}\n" in done.stdout
        assert_gcloud_knows(create_command(secret))
    assert LOCAL_WEBHOOK_URL not in done.stdout + done.stderr


def test_a_webhook_secret_can_be_named(deploy: Deploy) -> None:
    folder = two_webhooks(deploy.tmp / "mappings")
    done = deploy.run(
        "--dry-run",
        "--mappings-dir",
        str(folder),
        "--webhook-secret",
        "ops_teams=from-option",
        "--webhook-secret=UNUSED=whatever",
        forbid_gcloud=True,
        SHEETSYNC_GCP_WEBHOOK_SECRETS="OPS_TEAMS=from-env, SALES_SLACK=shared-slack",
    )
    assert done.returncode == 0, done.stderr
    cmds = commands(done.stdout)
    found = mounts(only(gcloud(cmds, "functions", "deploy")))
    # The option wins over the environment; the other NAME keeps the environment's.
    assert found["/secrets/webhook-ops-teams/url"] == "from-option:latest"
    assert found["/secrets/webhook-sales-slack/url"] == "shared-slack:latest"
    bound = {c[3] for c in gcloud(cmds, "secrets", "add-iam-policy-binding")}
    assert bound == {KEY_SECRET, "from-option", "shared-slack"}
    assert "UNUSED: no mapping" in done.stderr


@pytest.mark.parametrize(
    "value", [f"SALES_SLACK={LOCAL_WEBHOOK_URL}", LOCAL_WEBHOOK_URL, "SALES SLACK=x"]
)
def test_a_bad_webhook_secret_is_refused_and_a_url_never_echoed(deploy: Deploy, value: str) -> None:
    done = deploy.run("--webhook-secret", value, forbid_gcloud=True)
    assert done.returncode == 2
    assert "--webhook-secret" in done.stderr and "NAME=ID" in done.stderr
    assert "hooks.slack.com" not in done.stdout + done.stderr
    assert deploy.calls() == []


def test_mappings_only_says_a_new_webhook_needs_a_deploy(deploy: Deploy) -> None:
    url = "gs://acme-config/sheetsync"
    done = deploy.run("--dry-run", "--mappings-only", "--mappings-url", url, forbid_gcloud=True)
    assert done.returncode == 0, done.stderr
    assert "deploy without --mappings-only" in done.stderr
    assert not gcloud(commands(done.stdout), "secrets")


@pytest.mark.slow
def test_the_webhook_secrets_are_checked_before_any_change(first_deployment: Finished) -> None:
    calls = first_deployment.calls
    first_change = calls.index(only(gcloud(calls, "services", "enable")))
    for secret in SHIPPED_WEBHOOK_SECRETS:
        checked = calls.index(only(gcloud(calls, "secrets", "describe", secret)))
        listed = calls.index(only(gcloud(calls, "secrets", "versions", "list", secret)))
        assert checked < listed < first_change
    deploy_cmd = only(gcloud(calls, "functions", "deploy"))
    assert webhook_env(deploy_cmd) == {
        f"SHEETSYNC_WEBHOOK_{n}_FILE": webhook_mount(n) for n in SHIPPED_WEBHOOKS
    }


@pytest.mark.slow
def test_a_missing_webhook_secret_stops_before_any_change_with_the_command_to_create_it(
    tmp_path: Path,
) -> None:
    deploy = make_deploy(tmp_path, webhook_secrets={"sheetsync-webhook-sales-slack": 1})
    stage_fake_build(deploy)
    folder = two_webhooks(tmp_path / "mappings")
    done = deploy.run(
        "--no-package", "--mappings-dir", str(folder), SHEETSYNC_WEBHOOK_OPS_TEAMS=LOCAL_WEBHOOK_URL
    )
    assert done.returncode == 2
    command = create_command("sheetsync-webhook-ops-teams")
    assert f"    {command}\n" in done.stderr
    assert_gcloud_knows(command)
    assert "webhook OPS_TEAMS: secret sheetsync-webhook-ops-teams does not exist" in done.stderr
    assert "sheetsync-webhook-sales-slack" not in done.stderr, "that one is ready"
    assert "nothing was changed" in done.stderr
    assert LOCAL_WEBHOOK_URL not in done.stdout + done.stderr
    # Only reads happened: no API enabled, no account, no secret, no function.
    calls = deploy.calls()
    assert calls
    for call in calls:
        assert call[1:3] == ["secrets", "describe"] or call[1:4] == ["secrets", "versions", "list"]
    world = deploy.world()
    assert world["secrets"] == {"sheetsync-webhook-sales-slack": 1}
    assert world["accounts"] == [] and world["functions"] == {}


@pytest.mark.slow
def test_a_webhook_secret_without_a_version_stops_with_the_command_to_add_one(
    tmp_path: Path,
) -> None:
    secret = webhook_secret(SHIPPED_WEBHOOKS[0])
    deploy = make_deploy(tmp_path, webhook_secrets={secret: 0})
    stage_fake_build(deploy)
    done = deploy.run("--no-package")
    assert done.returncode == 2
    command = f"gcloud secrets versions add {secret} --project={PROJECT} --data-file=-"
    assert f"    {command}\n" in done.stderr
    assert_gcloud_knows(command)
    assert not gcloud(deploy.calls(), "services", "enable")


@pytest.mark.slow
def test_mappings_without_alerts_deploy_as_before(tmp_path: Path) -> None:
    deploy = make_deploy(tmp_path, webhook_secrets={})
    stage_fake_build(deploy)
    folder = no_webhooks(tmp_path / "mappings")
    dry = deploy.run("--dry-run", "--mappings-dir", str(folder), forbid_gcloud=True)
    assert dry.returncode == 0, dry.stderr
    assert "webhook" not in (dry.stdout + dry.stderr).lower()
    deploy_cmd = only(gcloud(commands(dry.stdout), "functions", "deploy"))
    assert mounts(deploy_cmd) == {KEY_MOUNT: f"{KEY_SECRET}:latest"}
    assert webhook_env(deploy_cmd) == {}
    deploy.clear_log()
    done = deploy.run("--no-package", "--mappings-dir", str(folder))
    assert done.returncode == 0, done.stderr
    assert "webhook" not in (done.stdout + done.stderr).lower()
    assert not [c for c in deploy.calls() if "webhook" in " ".join(c)]
    assert deploy.world()["secrets"] == {KEY_SECRET: 1}


# --- against the fake gcloud -----------------------------------------------------------------


@pytest.mark.slow
def test_first_deployment_creates_everything_in_order(first_deployment: Finished) -> None:
    done, calls, world = (
        first_deployment.done,
        first_deployment.calls,
        first_deployment.deploy.world(),
    )
    assert sorted(world["accounts"]) == sorted([RUNTIME_EMAIL, INVOKER_EMAIL])
    # The key's secret is created; the webhooks' secrets were there (the user's) and are kept.
    assert world["secrets"] == {KEY_SECRET: 1, **SHIPPED_WEBHOOK_SECRETS}
    scheduled = {f"sheetsync-{m.name}" for m in shipped_mappings() if m.schedule}
    assert set(world["jobs"]) == scheduled
    url = "https://sheetsync-fake0123-ew.a.run.app"
    for job in world["jobs"].values():
        assert job["--uri"] == job["--oidc-token-audience"] == url
    deployed = calls.index(only(gcloud(calls, "functions", "deploy")))
    assert calls.index(only(gcloud(calls, "secrets", "versions", "add"))) < deployed
    assert deployed < calls.index(only(gcloud(calls, "functions", "add-invoker-policy-binding")))
    assert url in done.stderr and RUNTIME_EMAIL in done.stderr  # the summary says what to share
    assert KEY_BODY not in done.stdout + done.stderr


@pytest.mark.slow
def test_running_again_creates_nothing_and_updates_the_jobs(deployed: Deploy) -> None:
    done = deployed.run("--no-package")
    assert done.returncode == 0, done.stderr
    calls = deployed.calls()
    assert not [c for c in calls if "create" in c[1:5]], "everything exists already"
    assert not gcloud(calls, "secrets", "versions", "add"), "the key is uploaded once"
    assert "already has a version" in done.stderr
    updated = gcloud(calls, "scheduler", "jobs", "update", "http")
    assert len(updated) == len([m for m in shipped_mappings() if m.schedule])
    for job in updated:
        assert flags(job)["--update-headers"] == "Content-Type=application/json"
    assert gcloud(calls, "functions", "deploy"), "the function is redeployed"
    assert deployed.world()["secrets"] == {KEY_SECRET: 1, **SHIPPED_WEBHOOK_SECRETS}


@pytest.mark.slow
def test_rotate_secrets_uploads_a_new_version(deployed: Deploy) -> None:
    assert deployed.run("--no-package", "--rotate-secrets").returncode == 0
    # Webhook URLs are rotated with gcloud secrets versions add, never by deploy.sh.
    assert deployed.world()["secrets"] == {KEY_SECRET: 2, **SHIPPED_WEBHOOK_SECRETS}


@pytest.mark.slow
def test_a_first_deployment_without_a_key_is_refused(deploy: Deploy) -> None:
    stage_fake_build(deploy)
    del deploy.env["SHEETSYNC_PRIVATE_KEY_FILE"]
    done = deploy.run("--no-package")
    assert done.returncode == 2
    assert "--private-key-file" in done.stderr
    assert not gcloud(deploy.calls(), "functions", "deploy")


@pytest.mark.slow
def test_a_job_of_a_removed_mapping_is_pointed_out_not_deleted(deployed: Deploy) -> None:
    world = deployed.world()
    world["jobs"]["sheetsync-old-report"] = {}
    deployed.state.write_text(json.dumps(world))
    done = deployed.run("--mappings-only")
    assert done.returncode == 0, done.stderr
    assert "sheetsync-old-report matches no scheduled mapping" in done.stderr
    assert "gcloud scheduler jobs delete sheetsync-old-report" in done.stderr
    assert "sheetsync-old-report" in deployed.world()["jobs"]


def test_mappings_only_needs_a_deployed_function(deploy: Deploy) -> None:
    done = deploy.run("--mappings-only")
    assert done.returncode == 2
    assert "no URL" in done.stderr


@pytest.mark.slow
def test_mappings_only_updates_the_jobs_of_a_deployed_function(deployed: Deploy) -> None:
    done = deployed.run("--mappings-only")
    assert done.returncode == 0, done.stderr
    kinds = {tuple(c[1:4]) for c in deployed.calls()}
    assert kinds == {
        ("functions", "describe", "sheetsync"),
        ("scheduler", "jobs", "describe"),
        ("scheduler", "jobs", "update"),
        ("scheduler", "jobs", "list"),
    }


@pytest.mark.slow
def test_the_shared_secret_value_is_never_echoed_in_a_real_run(deployed: Deploy) -> None:
    secret = deployed.tmp / "shared-secret"
    secret.write_text(SHARED_SECRET)
    done = deployed.run("--no-package", "--shared-secret-file", str(secret))
    assert done.returncode == 0, done.stderr
    assert SHARED_SECRET not in done.stdout + done.stderr
    for job in deployed.world()["jobs"].values():
        assert job["--update-headers"].endswith(f",X-Sheetsync-Secret={SHARED_SECRET}")


@pytest.mark.slow
def test_packaging_then_deploying_the_real_tree(deploy: Deploy) -> None:
    if not (FUNCTION_DIR / "main.py").exists():
        pytest.skip("cloudfunction/main.py does not exist yet")
    done = deploy.run()
    assert done.returncode == 0, done.stderr
    staged = deploy.tmp / "build" / "function"
    assert (staged / "main.py").is_file() and (deploy.tmp / "build" / "function.zip").is_file()
    source = flags(only(gcloud(deploy.calls(), "functions", "deploy")))["--source"]
    assert source == str(staged)


# --- the installed gcloud knows every command and flag ---------------------------------------


@pytest.mark.slow
def test_every_gcloud_command_and_flag_exists(deployed: Deploy, first_deployment: Finished) -> None:
    """Every path through deploy.sh: a dry run with every option, the first deployment, a second
    one with every option, and --mappings-only, against the fake."""
    if gcloud_tree.tree() is None:
        pytest.skip("no Cloud SDK with its command tree installed")
    secret = deployed.tmp / "shared-secret"
    secret.write_text(SHARED_SECRET)
    options = [
        "--shared-secret-file",
        str(secret),
        "--mappings-url",
        "gs://acme-config/sheetsync",
        "--build-sa",
        f"builder@{PROJECT}.iam.gserviceaccount.com",
    ]
    found = commands(deployed.run("--dry-run", *options, forbid_gcloud=True).stdout)
    assert deployed.run("--no-package", *options).returncode == 0
    assert deployed.run("--mappings-only").returncode == 0
    found += first_deployment.calls + deployed.calls()
    found = [c for c in found if c[0] == "gcloud"]
    used = {tuple(c[1:4]) for c in found}
    assert ("scheduler", "jobs", "update") in used and ("scheduler", "jobs", "create") in used
    problems = sorted({p for cmd in found for p in gcloud_tree.problems(cmd)})
    assert problems == []
