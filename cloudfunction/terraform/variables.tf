# --- Google Cloud ---------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project id that holds everything."
  type        = string
}

variable "region" {
  description = "Region of the function, its source bucket and the Scheduler jobs (e.g. europe-west1)."
  type        = string
}

variable "function_name" {
  description = "Name of the function; also the Cloud Run service name and the prefix of the jobs, secrets and service accounts."
  type        = string
  default     = "sheetsync"
  validation {
    # Lowercase kebab-case keeps the Cloud Run service name equal to the function name, which
    # the run.invoker binding relies on.
    condition     = can(regex("^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$", var.function_name))
    error_message = "Use lowercase letters, digits and -, starting with a letter (at most 42 characters)."
  }
}

variable "source_zip" {
  description = "Path of the function zip made by `cloudfunction/package.py` (build/function.zip)."
  type        = string
  default     = "../../build/function.zip"
}

variable "source_bucket" {
  description = "Name of the bucket created for the function's source zips; empty = \"<project_id>-<function_name>-source\"."
  type        = string
  default     = ""
}

variable "timeout_seconds" {
  description = "Function timeout, also the Scheduler attempt deadline (Cloud Scheduler waits at most 1800 s)."
  type        = number
  default     = 1800
  validation {
    condition     = var.timeout_seconds >= 60 && var.timeout_seconds <= 1800
    error_message = "Give 60 to 1800 seconds."
  }
}

variable "memory" {
  description = "Memory of the function instance (e.g. 512M, 1Gi)."
  type        = string
  default     = "1Gi"
}

variable "scheduler_retries" {
  description = "How many times Scheduler retries a call the function answered with 5xx or did not answer (0-5)."
  type        = number
  default     = 2
  validation {
    condition     = var.scheduler_retries >= 0 && var.scheduler_retries <= 5
    error_message = "Give 0 to 5."
  }
}

variable "mappings" {
  description = "The scheduled mappings: name => { schedule (unix cron), time_zone (IANA) }. Generate it: `.venv/bin/python cloudfunction/schedules.py --format tfvars-json > cloudfunction/terraform/mappings.auto.tfvars.json`."
  type = map(object({
    schedule  = string
    time_zone = string
  }))
}

# --- Salesforce / Pardot (the function's settings; see the README's Settings) ----------------

variable "pardot_business_unit_id" {
  description = "Account Engagement business unit id (0Uv..., 18 characters)."
  type        = string
  validation {
    condition     = can(regex("^0Uv[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$", var.pardot_business_unit_id))
    error_message = "The business unit id starts with 0Uv and has 18 (or 15) letters and digits."
  }
}

variable "client_id" {
  description = "Consumer key of the Salesforce connected app."
  type        = string
}

variable "salesforce_username" {
  description = "Salesforce username the JWT bearer flow acts as."
  type        = string
}

variable "pardot_url" {
  description = "Account Engagement API host: https://pi.pardot.com, or https://pi.demo.pardot.com for sandboxes and developer orgs."
  type        = string
  default     = "https://pi.pardot.com"
}

variable "salesforce_login_url" {
  description = "Where tokens come from: https://login.salesforce.com, https://test.salesforce.com (sandbox) or the My Domain URL."
  type        = string
  default     = "https://login.salesforce.com"
}

variable "mappings_location" {
  description = "Where the function reads the mappings: \"mappings\" (the folder bundled in the zip) or gs://bucket/prefix (editable without a redeploy)."
  type        = string
  default     = "mappings"
  validation {
    condition     = var.mappings_location == "mappings" || can(regex("^gs://[a-z0-9][-a-z0-9_.]*[a-z0-9](/.*)?$", var.mappings_location))
    error_message = "Give \"mappings\" or gs://bucket/prefix."
  }
}

variable "extra_env" {
  description = "More SHEETSYNC_* settings for the function (e.g. SHEETSYNC_PARDOT_TIMEZONE); never put secrets here."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for name in keys(var.extra_env) : !startswith(upper(name), "SHEETSYNC_WEBHOOK_")])
    error_message = "A webhook URL is a secret: give its Secret Manager secret in webhook_secrets, not a SHEETSYNC_WEBHOOK_* setting here."
  }
}

# --- Alerts ---------------------------------------------------------------------------------

variable "webhook_secrets" {
  description = "Alert webhooks: NAME => id of the Secret Manager secret (in project_id) holding its URL, one per NAME the mappings' alerts.destinations.*.webhook name (`.venv/bin/python cloudfunction/schedules.py --format webhooks` lists them; deploy.sh's secret for NAME is \"<function_name>-webhook-<name in lowercase, _ as ->\"). Create each secret first, out of band, so that the URL never enters the state: gcloud secrets create ID --data-file=- --project=PROJECT (paste the URL). Each is mounted at /secrets/webhook-<name>/url and named by SHEETSYNC_WEBHOOK_<NAME>_FILE; the runtime account may read it. A NAME missing here drops its alerts."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for name, id in var.webhook_secrets : can(regex("^[A-Za-z][A-Za-z0-9_]*$", name)) && can(regex("^[A-Za-z0-9_-]{1,255}$", id))])
    error_message = "Keys are webhook names as in the mappings (letters, digits, _; e.g. SALES_SLACK); values are secret ids (letters, digits, - and _), never a URL."
  }
}
