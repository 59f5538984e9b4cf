output "function_url" {
  description = "URL of the function (sheetsync resync --url ...; the Scheduler jobs' target and OIDC audience)."
  value       = google_cloudfunctions2_function.sync.service_config[0].uri
}

output "runtime_service_account_email" {
  description = "Share every spreadsheet of the mappings with this e-mail (Editor)."
  value       = google_service_account.runtime.email
}

output "invoker_service_account_email" {
  description = "The account Cloud Scheduler calls the function as."
  value       = google_service_account.invoker.email
}

output "scheduler_jobs" {
  description = "Scheduler job name per mapping (gcloud scheduler jobs run NAME --location=REGION; the Apps Script menu's JOB property)."
  value       = { for mapping, job in google_cloud_scheduler_job.sync : mapping => job.name }
}

output "private_key_secret" {
  description = "The secret whose value you add: gcloud secrets versions add SECRET --data-file=sheetsync.key --project=PROJECT"
  value       = google_secret_manager_secret.private_key.secret_id
}
