# The secret only: its value (a version) is added out of band with
#   gcloud secrets versions add SECRET --data-file=FILE
# so that the private key never lands in the Terraform state.

resource "google_secret_manager_secret" "private_key" {
  project   = var.project_id
  secret_id = "${var.function_name}-salesforce-private-key"
  labels    = { app = "sheetsync" }
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}
