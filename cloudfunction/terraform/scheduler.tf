# One Cloud Scheduler job per scheduled mapping (var.mappings, generated from the mapping files
# by cloudfunction/schedules.py): POST {"mapping": NAME} to the function with an OIDC token of
# the invoker account, whose audience is the function's URL.

resource "google_cloud_scheduler_job" "sync" {
  for_each         = var.mappings
  project          = var.project_id
  region           = var.region
  name             = "${var.function_name}-${each.key}"
  description      = "sheetsync: mapping ${each.key}, function ${var.function_name}"
  schedule         = each.value.schedule
  time_zone        = each.value.time_zone
  attempt_deadline = "${var.timeout_seconds}s"

  # A 5xx answer (a failure a retry can fix) or no answer is retried; 2xx ends the attempt.
  retry_config {
    retry_count          = var.scheduler_retries
    min_backoff_duration = "60s"
    max_backoff_duration = "600s"
    max_doublings        = 2
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.sync.service_config[0].uri
    body        = base64encode(jsonencode({ mapping = each.key }))
    headers     = { "Content-Type" = "application/json" }
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = google_cloudfunctions2_function.sync.service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_service_iam_member.invoker]
}
