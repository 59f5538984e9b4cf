# sheetsync on Google Cloud: the same deployment as cloudfunction/deploy.sh, declaratively.
# Secret VALUES are never in this configuration or its state: Terraform creates the key's secret,
# its version is added with gcloud (see the README's "Deploying to Google Cloud"). The alert
# webhooks' secrets (var.webhook_secrets) are created with gcloud, value included; Terraform
# only mounts them and lets the runtime account read them.
#
# Not here: deploy.sh's optional shared secret. Cloud Scheduler would have to send it in its
# jobs' headers, which Terraform reads back into its state; IAM alone guards the function.

locals {
  apis = toset([
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "secretmanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "sheets.googleapis.com",
    "iam.googleapis.com",
    "storage.googleapis.com",
    "logging.googleapis.com",
  ])

  # Where the function finds the private key: its own directory, as a mount shadows its whole
  # directory. Same path as deploy.sh.
  key_mount_dir  = "/secrets/salesforce"
  key_mount_file = "private-key"

  # The alert webhooks: each secret in a directory of its own too, the file named by
  # SHEETSYNC_WEBHOOK_<NAME>_FILE. Same paths as deploy.sh. Mappings upper-case the names.
  webhooks = {
    for name, secret in var.webhook_secrets : upper(name) => {
      secret    = secret
      mount_dir = "/secrets/webhook-${lower(replace(name, "_", "-"))}"
    }
  }
  webhook_file = "url"
  webhook_env  = { for name, hook in local.webhooks : "SHEETSYNC_WEBHOOK_${name}_FILE" => "${hook.mount_dir}/${local.webhook_file}" }

  # The function stops cleanly before its timeout: 10% margin, at least 60 s (as deploy.sh).
  deadline_seconds = var.timeout_seconds - max(floor(var.timeout_seconds / 10), 60)

  function_env = merge(var.extra_env, local.webhook_env, {
    SHEETSYNC_AUTH_FLOW               = "jwt"
    SHEETSYNC_PARDOT_URL              = var.pardot_url
    SHEETSYNC_PARDOT_BUSINESS_UNIT_ID = var.pardot_business_unit_id
    SHEETSYNC_SALESFORCE_LOGIN_URL    = var.salesforce_login_url
    SHEETSYNC_CLIENT_ID               = var.client_id
    SHEETSYNC_USERNAME                = var.salesforce_username
    SHEETSYNC_PRIVATE_KEY_FILE        = "${local.key_mount_dir}/${local.key_mount_file}"
    SHEETSYNC_MAPPINGS                = var.mappings_location
    SHEETSYNC_DEADLINE_SECONDS        = tostring(local.deadline_seconds)
    LOG_EXECUTION_ID                  = "true"
  })

  source_bucket = var.source_bucket != "" ? var.source_bucket : "${var.project_id}-${var.function_name}-source"
  # The bucket holding gs:// mappings, if any (the runtime account may read it).
  mappings_bucket = startswith(var.mappings_location, "gs://") ? split("/", trimprefix(var.mappings_location, "gs://"))[0] : ""
}

resource "google_project_service" "apis" {
  for_each           = local.apis
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}
