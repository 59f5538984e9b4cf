# The function's source: the zip made by cloudfunction/package.py, in a private bucket. The
# object's name carries the zip's sha256, so a changed zip is a new object and redeploys the
# function, and an unchanged one changes nothing (the zip is reproducible).

resource "google_storage_bucket" "source" {
  #checkov:skip=CKV_GCP_62:Holds only the function's source zips (no data, no secrets). Changes to the bucket and its IAM are in the always-on Admin Activity audit logs; usage logs would need a second bucket for little gain.
  project                     = var.project_id
  name                        = local.source_bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  versioning {
    enabled = true
  }
  lifecycle_rule {
    condition {
      num_newer_versions = 3
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket_object" "source" {
  bucket = google_storage_bucket.source.name
  name   = "${var.function_name}/function-${filesha256(var.source_zip)}.zip"
  source = var.source_zip
}

resource "google_cloudfunctions2_function" "sync" {
  project     = var.project_id
  name        = var.function_name
  location    = var.region
  description = "sheetsync: Pardot to Google Sheets"

  build_config {
    runtime     = "python312"
    entry_point = "sync_http"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    #checkov:skip=CKV_GCP_124:Ingress must admit Cloud Scheduler and `sheetsync resync --url` from outside a VPC; every caller is still checked by IAM: roles/run.invoker goes to named accounts only, never allUsers.
    ingress_settings                 = "ALLOW_ALL"
    service_account_email            = google_service_account.runtime.email
    timeout_seconds                  = var.timeout_seconds
    available_memory                 = var.memory
    max_instance_count               = 1
    max_instance_request_concurrency = 1
    all_traffic_on_latest_revision   = true
    environment_variables            = local.function_env

    secret_volumes {
      mount_path = local.key_mount_dir
      project_id = var.project_id
      secret     = google_secret_manager_secret.private_key.secret_id
      versions {
        version = "latest"
        path    = local.key_mount_file
      }
    }

    dynamic "secret_volumes" {
      for_each = local.webhooks
      content {
        mount_path = secret_volumes.value.mount_dir
        project_id = var.project_id
        secret     = secret_volumes.value.secret
        versions {
          version = "latest"
          path    = local.webhook_file
        }
      }
    }
  }

  # The runtime account must be able to read the secrets when the function starts.
  depends_on = [
    google_secret_manager_secret_iam_member.private_key,
    google_secret_manager_secret_iam_member.webhook,
  ]
}
