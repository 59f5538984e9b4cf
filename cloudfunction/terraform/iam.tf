# Two service accounts: one the function runs as (Sheets through ADC: no key; share each sheet
# with its e-mail), one Cloud Scheduler signs its OIDC tokens with.

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "${var.function_name}-run"
  display_name = "sheetsync runtime (${var.function_name})"
  description  = "Runs the sheetsync function; share each Google Sheet with it (Editor)"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "invoker" {
  project      = var.project_id
  account_id   = "${var.function_name}-invoker"
  display_name = "sheetsync invoker (${var.function_name})"
  description  = "Cloud Scheduler calls the sheetsync function as this account (OIDC)"
  depends_on   = [google_project_service.apis]
}

# The runtime account reads the private key and the alert webhooks' secrets, and nothing else in
# Secret Manager.
resource "google_secret_manager_secret_iam_member" "private_key" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.private_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

# The webhooks' secrets exist already (created with gcloud, URL included): only the grant.
resource "google_secret_manager_secret_iam_member" "webhook" {
  for_each  = local.webhooks
  project   = var.project_id
  secret_id = each.value.secret
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

# Reading gs:// mappings.
resource "google_storage_bucket_iam_member" "mappings_reader" {
  count  = local.mappings_bucket != "" ? 1 : 0
  bucket = local.mappings_bucket
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.runtime.email}"
}

# Scheduler's account may call the function. roles/run.invoker is granted on the function's
# Cloud Run service: the cloudfunctions2 IAM resources refuse that role. The service carries
# the function's name (kebab-case, enforced by var.function_name's validation).
resource "google_cloud_run_service_iam_member" "invoker" {
  project  = var.project_id
  location = google_cloudfunctions2_function.sync.location
  service  = google_cloudfunctions2_function.sync.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.invoker.email}"
}
