terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source = "hashicorp/google"
      # 5.0 brought `replication { auto {} }` for secrets; the 7.0 and 8.0 upgrade guides change
      # nothing used here.
      version = ">= 5.0, < 9.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
