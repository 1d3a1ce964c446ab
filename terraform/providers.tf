# The OKE stack for todo-infra: one VCN, one BASIC cluster, one Always Free A1 node pool.
#
# Rendered into the CLI's state directory and driven by `todo-infra up` (init, plan -out,
# apply). The provider authenticates from the OCI CLI config file, the same file the CLI's
# own OCI checks read, so one profile drives both.

terraform {
  # 1.5 brings `check` blocks and stable `optional()` object attributes with defaults, which
  # the variable validations rely on; validation conditions here only ever reference their
  # own variable, so terraform 1.5 through 1.8 evaluate them the same way 1.9+ does.
  required_version = ">= 1.5.0"

  required_providers {
    oci = {
      source = "oracle/oci"
      # 8.x is the current major. `~> 8.24` accepts later 8.x minors (new resources,
      # fixes) but never 9.0, whose breaking changes would need a review of this module.
      version = "~> 8.24"
    }
  }
}

provider "oci" {
  # `auth` is left at the provider's default (API key); the key, fingerprint, user and
  # tenancy come from this profile of ~/.oci/config, so no secret is ever a variable here.
  region              = var.region
  config_file_profile = var.oci_config_profile
}
