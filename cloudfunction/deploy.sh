#!/usr/bin/env bash
# Deploy sheetsync to Google Cloud with gcloud: APIs, service accounts, Secret Manager secrets,
# the Cloud Run function (gen2) and one Cloud Scheduler job per scheduled mapping. The alert
# webhooks the mappings name are read from Secret Manager secrets you create (deploy.sh never
# sees a webhook URL): it checks they exist before changing anything, and mounts them.
#
# Safe to run again: what exists is kept (service accounts, secrets and their versions) or
# updated in place (the function, the Scheduler jobs, IAM bindings). --dry-run prints the
# commands of a first deployment without running any of them (and without calling gcloud).
# Run with --help for the settings; the README's "Deploying to Google Cloud" walks through it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

usage() {
  cat <<'EOF'
Usage: cloudfunction/deploy.sh [options]

Every option can also come from the environment variable shown; options win.

Google Cloud
  --project ID                SHEETSYNC_GCP_PROJECT        project id (required)
  --region REGION             SHEETSYNC_GCP_REGION         function and Scheduler region (required)
  --scheduler-region REGION   SHEETSYNC_SCHEDULER_REGION   Scheduler region (default: --region)
  --function NAME             SHEETSYNC_FUNCTION_NAME      function name, also the prefix of the
                                                           jobs, secrets, accounts (default sheetsync)
  --runtime-sa ID             SHEETSYNC_RUNTIME_SA         runtime service account id (default NAME-run)
  --invoker-sa ID             SHEETSYNC_INVOKER_SA         Scheduler's service account id
                                                           (default NAME-invoker)
  --build-sa EMAIL            SHEETSYNC_BUILD_SA           Cloud Build service account (default: Google's)
  --timeout SECONDS           SHEETSYNC_FUNCTION_TIMEOUT   function timeout and Scheduler attempt
                                                           deadline, 60-1800 (default 1800)
  --memory SIZE               SHEETSYNC_FUNCTION_MEMORY    function memory (default 1Gi)
  --retries N                 SHEETSYNC_SCHEDULER_RETRIES  Scheduler retries of a failed call, 0-5
                                                           (default 2)

Salesforce / Pardot (the settings the function runs with; see the README's Settings)
  --business-unit-id ID       SHEETSYNC_PARDOT_BUSINESS_UNIT_ID   (required)
  --client-id KEY             SHEETSYNC_CLIENT_ID          connected app consumer key (required)
  --username USER             SHEETSYNC_USERNAME           Salesforce user of the JWT flow (required)
  --private-key-file PEM      SHEETSYNC_PRIVATE_KEY_FILE   the JWT private key, uploaded to Secret
                                                           Manager (required the first time)
  --pardot-url URL            SHEETSYNC_PARDOT_URL         (default https://pi.pardot.com)
  --login-url URL             SHEETSYNC_SALESFORCE_LOGIN_URL (default https://login.salesforce.com)
  --shared-secret-file FILE   SHEETSYNC_FUNCTION_SECRET_FILE  optional: every caller must also send
                                                           this secret (X-Sheetsync-Secret); the
                                                           Scheduler jobs then carry it in their
                                                           headers. Give it on every deploy.
  Also passed to the function when set: SHEETSYNC_SALESFORCE_AUDIENCE, SHEETSYNC_PARDOT_TIMEZONE,
  SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN, SHEETSYNC_PARDOT_TIMEOUT_SECONDS,
  SHEETSYNC_LOOKBACK_MINUTES, SHEETSYNC_FULL_SYNC_EVERY_HOURS, SHEETSYNC_MAX_REMOVE_PERCENT.

Mappings
  --mappings-dir DIR          SHEETSYNC_MAPPINGS_DIR       local mapping folder: bundled with the
                                                           function, and the source of the jobs
                                                           (default ./mappings)
  --mappings-url gs://B/P     SHEETSYNC_MAPPINGS_URL       optional: the function reads its mappings
                                                           from this prefix instead; the local files
                                                           are uploaded there
  (SHEETSYNC_MAPPINGS, the command line's setting, is not read here.)

Alert webhooks (every NAME of the mappings' alerts.destinations.*.webhook)
  --webhook-secret NAME=ID    SHEETSYNC_GCP_WEBHOOK_SECRETS (NAME=ID,NAME=ID...)
                                                           the Secret Manager secret holding
                                                           webhook NAME's URL; repeatable
                                                           (default ID: FUNCTION-webhook-<name in
                                                           lowercase, _ as ->, e.g.
                                                           sheetsync-webhook-sales-slack)
  Each secret must exist, with the URL as its value: deploy.sh stops before changing anything
  when one is missing, and prints the command creating it (gcloud secrets create ID
  --data-file=-). It mounts each at /secrets/webhook-<name>/url, sets
  SHEETSYNC_WEBHOOK_<NAME>_FILE to that path, and lets the runtime account read the secret.

Actions
  --dry-run                   print the commands of a first deployment, run nothing
  --mappings-only             only upload the mappings (with --mappings-url) and update the
                              Scheduler jobs: no function deployment
  --rotate-secrets            add the given key/secret files as new secret versions
  --no-package                deploy BUILD/function as it is (do not run package.py)
  --build-dir DIR             SHEETSYNC_BUILD_DIR          where package.py builds (default ./build)
  -h, --help                  this help
EOF
}

die() {
  printf 'deploy.sh: %s\n' "$*" >&2
  exit 2
}

note() {
  printf '%s\n' "$*" >&2
}

# --- settings --------------------------------------------------------------------------------

PROJECT=${SHEETSYNC_GCP_PROJECT:-}
REGION=${SHEETSYNC_GCP_REGION:-}
SCHEDULER_REGION=${SHEETSYNC_SCHEDULER_REGION:-}
FUNCTION=${SHEETSYNC_FUNCTION_NAME:-sheetsync}
RUNTIME_SA=${SHEETSYNC_RUNTIME_SA:-}
INVOKER_SA=${SHEETSYNC_INVOKER_SA:-}
BUILD_SA=${SHEETSYNC_BUILD_SA:-}
TIMEOUT=${SHEETSYNC_FUNCTION_TIMEOUT:-1800}
MEMORY=${SHEETSYNC_FUNCTION_MEMORY:-1Gi}
RETRIES=${SHEETSYNC_SCHEDULER_RETRIES:-2}
BUSINESS_UNIT_ID=${SHEETSYNC_PARDOT_BUSINESS_UNIT_ID:-}
CLIENT_ID=${SHEETSYNC_CLIENT_ID:-}
SF_USERNAME=${SHEETSYNC_USERNAME:-}
PRIVATE_KEY_FILE=${SHEETSYNC_PRIVATE_KEY_FILE:-}
PARDOT_URL=${SHEETSYNC_PARDOT_URL:-https://pi.pardot.com}
LOGIN_URL=${SHEETSYNC_SALESFORCE_LOGIN_URL:-https://login.salesforce.com}
SHARED_SECRET_FILE=${SHEETSYNC_FUNCTION_SECRET_FILE:-}
MAPPINGS_DIR=${SHEETSYNC_MAPPINGS_DIR:-$REPO/mappings}
MAPPINGS_URL=${SHEETSYNC_MAPPINGS_URL:-}
# NAME=ID overrides of the webhook secrets' names: the environment's first, then the options'
# (the last one given for a NAME wins).
WEBHOOK_OVERRIDES=()
IFS=', ' read -r -a WEBHOOK_OVERRIDES <<<"${SHEETSYNC_GCP_WEBHOOK_SECRETS:-}"
PYTHON=${SHEETSYNC_PYTHON:-$REPO/.venv/bin/python}
BUILD_DIR=${SHEETSYNC_BUILD_DIR:-$REPO/build}
DRY_RUN=0
MAPPINGS_ONLY=0
ROTATE=0
PACKAGE=1

# Where the function finds its secrets (one directory per secret: a mount shadows its directory).
KEY_MOUNT=/secrets/salesforce/private-key
SHARED_SECRET_MOUNT=/secrets/function/shared-secret
# Webhook NAME's URL: /secrets/webhook-<name in lowercase, _ as ->/url (as the Terraform).
WEBHOOK_MOUNT_PREFIX=/secrets/webhook-
WEBHOOK_MOUNT_FILE=url
RUNTIME=python312
ENTRY_POINT=sync_http
PASS_THROUGH=(SHEETSYNC_SALESFORCE_AUDIENCE SHEETSYNC_PARDOT_TIMEZONE
  SHEETSYNC_PARDOT_MAX_CALLS_PER_RUN SHEETSYNC_PARDOT_TIMEOUT_SECONDS SHEETSYNC_LOOKBACK_MINUTES
  SHEETSYNC_FULL_SYNC_EVERY_HOURS SHEETSYNC_MAX_REMOVE_PERCENT)

while (($#)); do
  opt=$1
  value=
  if [[ $opt == --*=* ]]; then
    value=${opt#*=}
    opt=${opt%%=*}
  fi
  case $opt in
    --dry-run) DRY_RUN=1 ;;
    --mappings-only) MAPPINGS_ONLY=1 ;;
    --rotate-secrets) ROTATE=1 ;;
    --no-package) PACKAGE=0 ;;
    -h | --help)
      usage
      exit 0
      ;;
    --project | --region | --scheduler-region | --function | --runtime-sa | --invoker-sa | \
      --build-sa | --timeout | --memory | --retries | --business-unit-id | --client-id | \
      --username | --private-key-file | --pardot-url | --login-url | --shared-secret-file | \
      --mappings-dir | --mappings-url | --build-dir | --webhook-secret)
      if [[ $1 != *=* ]]; then
        (($# >= 2)) || die "$opt needs a value"
        value=$2
        shift
      fi
      case $opt in
        --project) PROJECT=$value ;;
        --region) REGION=$value ;;
        --scheduler-region) SCHEDULER_REGION=$value ;;
        --function) FUNCTION=$value ;;
        --runtime-sa) RUNTIME_SA=$value ;;
        --invoker-sa) INVOKER_SA=$value ;;
        --build-sa) BUILD_SA=$value ;;
        --timeout) TIMEOUT=$value ;;
        --memory) MEMORY=$value ;;
        --retries) RETRIES=$value ;;
        --business-unit-id) BUSINESS_UNIT_ID=$value ;;
        --client-id) CLIENT_ID=$value ;;
        --username) SF_USERNAME=$value ;;
        --private-key-file) PRIVATE_KEY_FILE=$value ;;
        --pardot-url) PARDOT_URL=$value ;;
        --login-url) LOGIN_URL=$value ;;
        --shared-secret-file) SHARED_SECRET_FILE=$value ;;
        --mappings-dir) MAPPINGS_DIR=$value ;;
        --mappings-url) MAPPINGS_URL=$value ;;
        --build-dir) BUILD_DIR=$value ;;
        --webhook-secret) WEBHOOK_OVERRIDES+=("$value") ;;
      esac
      ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

# --- checks (all before anything changes in Google Cloud) ------------------------------------

problems=()
require() { # require VALUE "what it is"
  [[ -n $1 ]] || problems+=("$2")
}
require "$PROJECT" "--project (or SHEETSYNC_GCP_PROJECT): the Google Cloud project id"
require "$REGION" "--region (or SHEETSYNC_GCP_REGION): e.g. europe-west1"
if ((!MAPPINGS_ONLY)); then
  require "$BUSINESS_UNIT_ID" "--business-unit-id (or SHEETSYNC_PARDOT_BUSINESS_UNIT_ID): 0Uv..."
  require "$CLIENT_ID" "--client-id (or SHEETSYNC_CLIENT_ID): the connected app's consumer key"
  require "$SF_USERNAME" "--username (or SHEETSYNC_USERNAME): the Salesforce user of the JWT flow"
fi
if ((${#problems[@]})); then
  note "deploy.sh: missing settings:"
  for p in "${problems[@]}"; do note "  $p"; done
  note "(see cloudfunction/deploy.sh --help)"
  exit 2
fi

SCHEDULER_REGION=${SCHEDULER_REGION:-$REGION}
RUNTIME_SA=${RUNTIME_SA:-$FUNCTION-run}
INVOKER_SA=${INVOKER_SA:-$FUNCTION-invoker}
RUNTIME_EMAIL=$RUNTIME_SA@$PROJECT.iam.gserviceaccount.com
INVOKER_EMAIL=$INVOKER_SA@$PROJECT.iam.gserviceaccount.com
KEY_SECRET=$FUNCTION-salesforce-private-key
SHARED_SECRET=$FUNCTION-function-secret

[[ $FUNCTION =~ ^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$ ]] ||
  die "--function '$FUNCTION': use lowercase letters, digits and - (it names the Cloud Run service too)"
for sa in "$RUNTIME_SA" "$INVOKER_SA"; do
  [[ $sa =~ ^[a-z][-a-z0-9]{4,28}[a-z0-9]$ ]] ||
    die "service account id '$sa' must be 6-30 lowercase letters, digits or - (set --runtime-sa / --invoker-sa)"
done
if [[ ! $TIMEOUT =~ ^[0-9]+$ ]] || ((TIMEOUT < 60 || TIMEOUT > 1800)); then
  die "--timeout $TIMEOUT: give 60-1800 seconds (Cloud Scheduler waits at most 1800s for an answer)"
fi
[[ $RETRIES =~ ^[0-5]$ ]] || die "--retries $RETRIES: give 0-5"
[[ -z $MAPPINGS_URL || $MAPPINGS_URL =~ ^gs://[a-z0-9][-a-z0-9_.]*[a-z0-9](/.*)?$ ]] ||
  die "--mappings-url '$MAPPINGS_URL' must look like gs://bucket/prefix"
[[ -d $MAPPINGS_DIR ]] || die "--mappings-dir '$MAPPINGS_DIR' is not a folder"
# A shell still holding `sheetsync emulate`'s exports would point the function at 127.0.0.1.
for url in "$PARDOT_URL" "$LOGIN_URL"; do
  [[ $url == https://* ]] || die "'$url' is not an https URL (--pardot-url / --login-url; emulator settings left in this shell?)"
done
if [[ -n $PRIVATE_KEY_FILE ]]; then
  [[ -r $PRIVATE_KEY_FILE ]] || die "--private-key-file '$PRIVATE_KEY_FILE' cannot be read"
  grep -q -- '-----BEGIN .*PRIVATE KEY-----' "$PRIVATE_KEY_FILE" ||
    die "--private-key-file '$PRIVATE_KEY_FILE' holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)"
fi
# The shared secret travels in the Scheduler jobs' headers: one line of header-safe characters.
SHARED_SECRET_VALUE=
if [[ -n $SHARED_SECRET_FILE ]]; then
  [[ -r $SHARED_SECRET_FILE ]] || die "--shared-secret-file '$SHARED_SECRET_FILE' cannot be read"
  SHARED_SECRET_VALUE=$(<"$SHARED_SECRET_FILE")
  [[ $SHARED_SECRET_VALUE =~ ^[A-Za-z0-9._~+/=-]{16,}$ ]] ||
    die "--shared-secret-file '$SHARED_SECRET_FILE' must hold one line of at least 16 letters, digits or ._~+/=- (e.g. openssl rand -hex 32)"
fi
for item in ${WEBHOOK_OVERRIDES[@]+"${WEBHOOK_OVERRIDES[@]}"}; do
  # Never echo what may be a URL pasted here by mistake.
  shown="'$item'"
  [[ $item =~ ^[-A-Za-z0-9_=]*$ ]] || shown="(a value that is not NAME=ID)"
  [[ $item =~ ^[A-Za-z][A-Za-z0-9_]*=[A-Za-z0-9_-]{1,255}$ ]] ||
    die "--webhook-secret $shown: give NAME=ID, NAME as in a mapping's webhook: and ID a Secret Manager secret id (letters, digits, - and _), never the webhook's URL"
done
[[ -x $PYTHON ]] || die "no Python at $PYTHON: run 'make setup' (or set SHEETSYNC_PYTHON)"
if ((!DRY_RUN)); then
  command -v gcloud >/dev/null || die "gcloud is not installed (https://cloud.google.com/sdk)"
fi

# Validates every mapping with sheetsync's own loader before anything is deployed.
schedules=$("$PYTHON" "$HERE/schedules.py" --mappings "$MAPPINGS_DIR") ||
  die "the mappings in $MAPPINGS_DIR are not valid (see above)"
webhooks=$("$PYTHON" "$HERE/schedules.py" --mappings "$MAPPINGS_DIR" --format webhooks) ||
  die "the mappings in $MAPPINGS_DIR are not valid (see above)"

# The webhooks the mappings' alerts name, each with its secret and where the function finds it.
upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }
WEBHOOK_NAMES=()
WEBHOOK_SECRETS=()
WEBHOOK_MOUNTS=()
while read -r name; do
  [[ -n $name ]] || continue
  slug=$(tr '[:upper:]' '[:lower:]' <<<"${name//_/-}")
  secret_id=$FUNCTION-webhook-$slug
  for item in ${WEBHOOK_OVERRIDES[@]+"${WEBHOOK_OVERRIDES[@]}"}; do
    [[ $(upper "${item%%=*}") != "$name" ]] || secret_id=${item#*=}
  done
  WEBHOOK_NAMES+=("$name")
  WEBHOOK_SECRETS+=("$secret_id")
  WEBHOOK_MOUNTS+=("$WEBHOOK_MOUNT_PREFIX$slug/$WEBHOOK_MOUNT_FILE")
done <<<"$webhooks"
for item in ${WEBHOOK_OVERRIDES[@]+"${WEBHOOK_OVERRIDES[@]}"}; do
  [[ $'\n'$webhooks$'\n' == *$'\n'"$(upper "${item%%=*}")"$'\n'* ]] ||
    note "deploy.sh: --webhook-secret ${item%%=*}: no mapping in $MAPPINGS_DIR names this webhook (ignored)"
done

export CLOUDSDK_CORE_DISABLE_PROMPTS=1

# --- running (or printing) commands ----------------------------------------------------------

SAFE_WORD='^[-A-Za-z0-9_./:=@,+%]+$'
quote() {
  if [[ $1 =~ $SAFE_WORD ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

print_command() {
  local line="" arg
  for arg in "$@"; do
    # The shared secret's value is never printed, not even in a dry run.
    [[ -z $SHARED_SECRET_VALUE ]] || arg=${arg//"$SHARED_SECRET_VALUE"/<value of $SHARED_SECRET_FILE>}
    line+="$(quote "$arg") "
  done
  printf '%s\n' "${line% }"
}

run() {
  if ((DRY_RUN)); then
    print_command "$@"
  else
    printf '+ %s\n' "$(print_command "$@")" >&2
    "$@"
  fi
}

# IAM sometimes does not know a service account for a few seconds after its creation.
run_retrying() {
  local attempt
  if ((DRY_RUN)); then
    print_command "$@"
    return
  fi
  for attempt in 1 2 3 4 5; do
    printf '+ %s\n' "$(print_command "$@")" >&2
    if "$@"; then return 0; fi
    ((attempt < 5)) || break
    note "  (retrying in $((attempt * 5))s)"
    sleep $((attempt * 5))
  done
  die "failed: $(print_command "$@")"
}

# exists COMMAND...: true when the describe command succeeds. A dry run shows a first deployment.
exists() {
  if ((DRY_RUN)); then
    printf '# if missing:\n'
    return 1
  fi
  "$@" >/dev/null 2>&1
}

section() {
  if ((DRY_RUN)); then printf '\n# %s\n' "$*"; else note "== $*"; fi
}

# --- steps -----------------------------------------------------------------------------------

enable_apis() {
  section "APIs"
  run gcloud services enable cloudfunctions.googleapis.com run.googleapis.com \
    cloudbuild.googleapis.com artifactregistry.googleapis.com secretmanager.googleapis.com \
    cloudscheduler.googleapis.com sheets.googleapis.com iam.googleapis.com \
    storage.googleapis.com logging.googleapis.com --project="$PROJECT"
}

service_accounts() {
  section "service accounts: $RUNTIME_EMAIL (runs the sync), $INVOKER_EMAIL (Scheduler calls)"
  if ! exists gcloud iam service-accounts describe "$RUNTIME_EMAIL" --project="$PROJECT"; then
    run gcloud iam service-accounts create "$RUNTIME_SA" --project="$PROJECT" \
      --display-name="sheetsync runtime ($FUNCTION)" \
      --description="Runs the sheetsync function; share each Google Sheet with it (Editor)"
  fi
  if ! exists gcloud iam service-accounts describe "$INVOKER_EMAIL" --project="$PROJECT"; then
    run gcloud iam service-accounts create "$INVOKER_SA" --project="$PROJECT" \
      --display-name="sheetsync invoker ($FUNCTION)" \
      --description="Cloud Scheduler calls the sheetsync function as this account (OIDC)"
  fi
}

has_version() { # has_version SECRET: an enabled version exists
  ((!DRY_RUN)) || return 1
  [[ -n $(gcloud secrets versions list "$1" --project="$PROJECT" --filter=state:ENABLED \
    --limit=1 --format='value(name)' 2>/dev/null) ]]
}

# secret NAME FILE "what": creates the secret, adds FILE as a version when the secret has none
# (or with --rotate-secrets), and lets the runtime account read it (and only it).
secret() {
  local name=$1 file=$2 what=$3 created=0
  if ! exists gcloud secrets describe "$name" --project="$PROJECT"; then
    run gcloud secrets create "$name" --project="$PROJECT" --replication-policy=automatic \
      --labels=app=sheetsync
    created=1
  fi
  if ((created || ROTATE)) || ! has_version "$name"; then
    [[ -n $file ]] || die "secret $name has no version yet: give $what"
    run gcloud secrets versions add "$name" --project="$PROJECT" --data-file="$file"
  elif [[ -n $file ]]; then
    note "  secret $name already has a version; not uploading $file again (--rotate-secrets does)"
  fi
  run_retrying gcloud secrets add-iam-policy-binding "$name" --project="$PROJECT" \
    --member="serviceAccount:$RUNTIME_EMAIL" --role=roles/secretmanager.secretAccessor
}

secrets() {
  section "secrets (the runtime account may read each one; no one else is granted anything)"
  secret "$KEY_SECRET" "$PRIVATE_KEY_FILE" "--private-key-file (the JWT private key, PEM)"
  if [[ -n $SHARED_SECRET_FILE ]]; then
    secret "$SHARED_SECRET" "$SHARED_SECRET_FILE" "--shared-secret-file"
  fi
  # The webhooks' secrets exist (webhook_secrets_check): only the grant.
  local i
  for ((i = 0; i < ${#WEBHOOK_SECRETS[@]}; i++)); do
    run_retrying gcloud secrets add-iam-policy-binding "${WEBHOOK_SECRETS[i]}" \
      --project="$PROJECT" --member="serviceAccount:$RUNTIME_EMAIL" \
      --role=roles/secretmanager.secretAccessor
  done
}

# Before anything changes: every webhook's secret exists and has a version. deploy.sh never
# creates them (it would have to read the URL): it prints the commands that do.
webhook_secrets_check() {
  ((${#WEBHOOK_NAMES[@]})) || return 0
  section "alert webhooks ${WEBHOOK_NAMES[*]}: each URL is in a secret of its own (you create it)"
  local i name secret err create add fixes=()
  for ((i = 0; i < ${#WEBHOOK_NAMES[@]}; i++)); do
    name=${WEBHOOK_NAMES[i]}
    secret=${WEBHOOK_SECRETS[i]}
    create=$(print_command gcloud secrets create "$secret" --project="$PROJECT" \
      --replication-policy=automatic --labels=app=sheetsync --data-file=-)
    add=$(print_command gcloud secrets versions add "$secret" --project="$PROJECT" --data-file=-)
    if ((DRY_RUN)); then
      printf '# webhook %s: secret %s must exist (checked before any change); if missing:\n#   %s\n' \
        "$name" "$secret" "$create"
      continue
    fi
    if ! err=$(gcloud secrets describe "$secret" --project="$PROJECT" --format='value(name)' \
      2>&1 >/dev/null); then
      if [[ $err == *NOT_FOUND* ]]; then
        fixes+=("webhook $name: secret $secret does not exist. Create it:" "    $create")
      else
        fixes+=("webhook $name: cannot read secret $secret (gcloud: ${err%%$'\n'*})."
          "  If it does not exist, create it:" "    $create")
      fi
    elif ! has_version "$secret"; then
      fixes+=("webhook $name: secret $secret has no enabled version. Add the URL:" "    $add")
    fi
  done
  ((${#fixes[@]})) || return 0
  note "deploy.sh: the mappings' alerts need webhook secrets that are not ready (nothing was changed):"
  for err in "${fixes[@]}"; do note "  $err"; done
  note "Each command waits for the URL: paste it, press Enter, then Ctrl-D (the URL stays out of"
  note "your shell history, and deploy.sh never reads it). Then run deploy.sh again."
  note "(--webhook-secret NAME=ID uses another secret.)"
  exit 2
}

mappings_bucket() {
  [[ -n $MAPPINGS_URL ]] || return 0
  local bucket=${MAPPINGS_URL#gs://}
  bucket=gs://${bucket%%/*}
  section "mappings read from $MAPPINGS_URL"
  run_retrying gcloud storage buckets add-iam-policy-binding "$bucket" --project="$PROJECT" \
    --member="serviceAccount:$RUNTIME_EMAIL" --role=roles/storage.objectViewer
  local files=()
  shopt -s nullglob
  files=("$MAPPINGS_DIR"/*.yaml "$MAPPINGS_DIR"/*.yml)
  shopt -u nullglob
  run gcloud storage cp "${files[@]}" "${MAPPINGS_URL%/}/" --project="$PROJECT"
}

package() {
  section "package $BUILD_DIR/function (main.py, requirements.txt, sheetsync/, mappings/)"
  if ((PACKAGE)); then
    local cmd=("$PYTHON" "$HERE/package.py" --out "$BUILD_DIR" --mappings "$MAPPINGS_DIR")
    [[ -z $MAPPINGS_URL ]] || cmd+=(--no-mappings) # the function reads them from gs://
    run "${cmd[@]}"
  fi
  ((DRY_RUN)) || [[ -f $BUILD_DIR/function/main.py ]] ||
    die "$BUILD_DIR/function/main.py is missing: run cloudfunction/package.py"
}

function_env() {
  local env=(
    "SHEETSYNC_AUTH_FLOW=jwt"
    "SHEETSYNC_PARDOT_URL=$PARDOT_URL"
    "SHEETSYNC_PARDOT_BUSINESS_UNIT_ID=$BUSINESS_UNIT_ID"
    "SHEETSYNC_SALESFORCE_LOGIN_URL=$LOGIN_URL"
    "SHEETSYNC_CLIENT_ID=$CLIENT_ID"
    "SHEETSYNC_USERNAME=$SF_USERNAME"
    "SHEETSYNC_PRIVATE_KEY_FILE=$KEY_MOUNT"
    "SHEETSYNC_MAPPINGS=${MAPPINGS_URL:-mappings}"
    # The function stops cleanly this long after it starts: its timeout minus a margin to finish
    # the batch in flight and answer (10%, at least 60s).
    "SHEETSYNC_DEADLINE_SECONDS=$((TIMEOUT - (TIMEOUT / 10 > 60 ? TIMEOUT / 10 : 60)))"
    "LOG_EXECUTION_ID=true"
  )
  [[ -z $SHARED_SECRET_FILE ]] || env+=("SHEETSYNC_FUNCTION_SECRET_FILE=$SHARED_SECRET_MOUNT")
  local i name
  for ((i = 0; i < ${#WEBHOOK_NAMES[@]}; i++)); do
    env+=("SHEETSYNC_WEBHOOK_${WEBHOOK_NAMES[i]}_FILE=${WEBHOOK_MOUNTS[i]}")
  done
  for name in "${PASS_THROUGH[@]}"; do
    [[ -z ${!name:-} ]] || env+=("$name=${!name}")
  done
  local item joined=""
  for item in "${env[@]}"; do
    [[ $item != *,* ]] || die "${item%%=*} contains a comma, which gcloud's --set-env-vars cannot take"
    joined+=${joined:+,}$item
  done
  printf '%s' "$joined"
}

deploy_function() {
  section "function $FUNCTION (gen2, private: only IAM-authorised callers)"
  local secrets_flag="$KEY_MOUNT=$KEY_SECRET:latest"
  [[ -z $SHARED_SECRET_FILE ]] || secrets_flag+=",$SHARED_SECRET_MOUNT=$SHARED_SECRET:latest"
  local i
  for ((i = 0; i < ${#WEBHOOK_NAMES[@]}; i++)); do
    secrets_flag+=",${WEBHOOK_MOUNTS[i]}=${WEBHOOK_SECRETS[i]}:latest"
  done
  local env
  env=$(function_env)
  local cmd=(gcloud functions deploy "$FUNCTION" --gen2 --project="$PROJECT" --region="$REGION"
    --runtime="$RUNTIME" --source="$BUILD_DIR/function" --entry-point="$ENTRY_POINT"
    --trigger-http --no-allow-unauthenticated --ingress-settings=all
    --timeout="${TIMEOUT}s" --memory="$MEMORY" --max-instances=1 --concurrency=1
    --service-account="$RUNTIME_EMAIL" --set-env-vars="$env" --set-secrets="$secrets_flag")
  [[ -z $BUILD_SA ]] ||
    cmd+=(--build-service-account="projects/$PROJECT/serviceAccounts/$BUILD_SA")
  run "${cmd[@]}"
}

FUNCTION_URL=
function_url() {
  local cmd=(gcloud functions describe "$FUNCTION" --project="$PROJECT" --region="$REGION"
    --format='value(serviceConfig.uri)')
  if ((DRY_RUN)); then
    printf '# FUNCTION_URL is what this prints:\n'
    print_command "${cmd[@]}"
    FUNCTION_URL='<FUNCTION_URL>'
    return
  fi
  FUNCTION_URL=$("${cmd[@]}") || FUNCTION_URL=
  [[ $FUNCTION_URL == https://* ]] ||
    die "function $FUNCTION has no URL in $REGION (deploy it first: run without --mappings-only)"
}

invoker() {
  section "the Scheduler account may call the function (roles/run.invoker on its service)"
  run_retrying gcloud functions add-invoker-policy-binding "$FUNCTION" --project="$PROJECT" \
    --region="$REGION" --member="serviceAccount:$INVOKER_EMAIL"
}

scheduler_jobs() {
  section "Scheduler jobs in $SCHEDULER_REGION: one per scheduled mapping"
  local mapping schedule zone job verb wanted=" " headers=Content-Type=application/json
  [[ -z $SHARED_SECRET_VALUE ]] || headers+=",X-Sheetsync-Secret=$SHARED_SECRET_VALUE"
  while IFS=$'\t' read -r mapping schedule zone; do
    [[ -n $mapping ]] || continue
    job=$FUNCTION-$mapping
    wanted+="$job "
    local target=(--project="$PROJECT" --location="$SCHEDULER_REGION"
      --schedule="$schedule" --time-zone="$zone"
      --uri="$FUNCTION_URL" --http-method=post
      --message-body="{\"mapping\": \"$mapping\"}"
      --oidc-service-account-email="$INVOKER_EMAIL" --oidc-token-audience="$FUNCTION_URL"
      --attempt-deadline="${TIMEOUT}s"
      --max-retry-attempts="$RETRIES" --min-backoff=60s --max-backoff=600s --max-doublings=2
      --description="sheetsync: mapping $mapping, function $FUNCTION")
    if exists gcloud scheduler jobs describe "$job" --project="$PROJECT" \
      --location="$SCHEDULER_REGION"; then
      verb=(jobs update http "$job" --update-headers="$headers")
    else
      verb=(jobs create http "$job" --headers="$headers")
    fi
    run gcloud scheduler "${verb[@]}" "${target[@]}"
  done <<<"$schedules"
  if ((!DRY_RUN)); then
    local existing
    for existing in $(gcloud scheduler jobs list --project="$PROJECT" \
      --location="$SCHEDULER_REGION" --format='value(name)' 2>/dev/null); do
      existing=${existing##*/}
      if [[ $existing == "$FUNCTION"-* && $wanted != *" $existing "* ]]; then
        note "  job $existing matches no scheduled mapping; if it is this deployment's, delete it:"
        note "    gcloud scheduler jobs delete $existing --location=$SCHEDULER_REGION --project=$PROJECT"
      fi
    done
  fi
}

summary() {
  ((!DRY_RUN)) || return 0
  note ""
  note "Deployed. Function URL: $FUNCTION_URL"
  note "Share every spreadsheet of the mappings with $RUNTIME_EMAIL (Editor)."
  note "Run a job now:  gcloud scheduler jobs run $FUNCTION-<mapping> --location=$SCHEDULER_REGION --project=$PROJECT"
  note "Or call it:     sheetsync resync --url $FUNCTION_URL --mapping <mapping>"
  if ((${#WEBHOOK_SECRETS[@]})); then
    note "Alerts post to the URLs in the secrets ${WEBHOOK_SECRETS[*]}. A new URL is a new version"
    note "(the function reads the latest one at each alert): gcloud secrets versions add SECRET --data-file=- --project=$PROJECT"
  fi
}

if ((DRY_RUN)); then
  printf '# sheetsync deployment (dry run): project %s, region %s, function %s\n' \
    "$PROJECT" "$REGION" "$FUNCTION"
fi
if ((MAPPINGS_ONLY)); then
  mappings_bucket
  if ((${#WEBHOOK_NAMES[@]})) && [[ -n $MAPPINGS_URL ]]; then
    note "deploy.sh: the function posts only to the webhooks whose secrets it got when deployed:"
    note "  after adding one to the mappings (they name ${WEBHOOK_NAMES[*]}),"
    note "  deploy without --mappings-only"
  fi
else
  webhook_secrets_check
  package
  enable_apis
  service_accounts
  secrets
  mappings_bucket
  deploy_function
  invoker
fi
function_url
scheduler_jobs
summary
