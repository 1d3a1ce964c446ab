# Inputs. The CLI renders these into a tfvars file from its configuration and validates them
# there first; the checks below repeat the essential ones so that running this module by
# hand with a bad value fails at plan time with a message naming the fix, instead of minutes
# later with a cloud API error.
#
# Every validation condition references only its own variable: terraform 1.5-1.8 reject
# cross-variable references in validation blocks, and this module supports >= 1.5. Values
# that must be checked together (the subnet layout; the node pool's size and shape) are
# therefore grouped into one object variable each.

variable "region" {
  description = "OCI region identifier, e.g. eu-frankfurt-1 (A1 Always Free: home region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2,}-[a-z]+-[0-9]+$", var.region))
    error_message = "The region must be an OCI region identifier such as eu-frankfurt-1."
  }
}

variable "oci_config_profile" {
  description = "Profile of ~/.oci/config (API key auth) used by the provider."
  type        = string
  default     = "DEFAULT"

  validation {
    condition     = length(trimspace(var.oci_config_profile)) > 0
    error_message = "The oci_config_profile must name a section of ~/.oci/config, e.g. DEFAULT."
  }
}

variable "tenancy_ocid" {
  description = "Tenancy OCID (root compartment); ADs and node-pool options are listed there."
  type        = string

  validation {
    condition = can(regex(
      "^ocid1\\.tenancy\\.oc[0-9]+\\.[a-z0-9-]*\\.[a-z0-9]{20,}$", var.tenancy_ocid
    ))
    error_message = join(" ", [
      "The tenancy_ocid must look like ocid1.tenancy.oc1..aaaa… (the `tenancy` value in",
      "~/.oci/config).",
    ])
  }
}

variable "compartment_id" {
  description = "Existing compartment to build in; null creates one named compartment_name."
  type        = string
  default     = null

  validation {
    condition = var.compartment_id == null || can(regex(
      "^ocid1\\.(compartment|tenancy)\\.oc[0-9]+\\.[a-z0-9-]*\\.[a-z0-9]{20,}$",
      var.compartment_id
    ))
    error_message = join(" ", [
      "The compartment_id must be a compartment OCID (ocid1.compartment.oc1..aaaa…), or null",
      "to create a compartment.",
    ])
  }
}

variable "parent_compartment_id" {
  description = "Parent of a new compartment and home of the IAM policy; null = tenancy."
  type        = string
  default     = null

  validation {
    condition = var.parent_compartment_id == null || can(regex(
      "^ocid1\\.(compartment|tenancy)\\.oc[0-9]+\\.[a-z0-9-]*\\.[a-z0-9]{20,}$",
      var.parent_compartment_id
    ))
    error_message = "The parent_compartment_id must be a compartment or tenancy OCID, or null."
  }
}

variable "compartment_name" {
  description = "Name of the compartment created when compartment_id is null."
  type        = string
  default     = "todo-infra"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,100}$", var.compartment_name))
    error_message = "The compartment_name may use letters, digits, '.', '_' and '-' (1-100)."
  }
}

variable "name_prefix" {
  description = "Prefix of every display name; also the VCN DNS label, so keep it short."
  type        = string
  default     = "todo"

  validation {
    condition = can(regex("^[a-z][a-z0-9]{0,9}$", var.name_prefix))
    error_message = join(" ", [
      "The name_prefix must start with a lowercase letter and use only a-z and 0-9, at most 10",
      "characters (it is also the VCN's DNS label).",
    ])
  }
}

variable "create_iam_policy" {
  description = "Create the policy letting the cluster manage its LBs and volumes."
  type        = bool
  default     = true
}

variable "admin_group_name" {
  description = "Optional IAM group allowed to operate the cluster; null adds no statements."
  type        = string
  default     = null

  validation {
    condition = (var.admin_group_name == null ||
    can(regex("^[A-Za-z0-9._/-]{1,100}$", var.admin_group_name)))
    error_message = "The admin_group_name must be an IAM group name ('group' or 'domain/group')."
  }
}

variable "network" {
  description = "VCN and subnet layout; subnets must lie inside the VCN and must not overlap."
  type = object({
    vcn_cidr           = optional(string, "10.0.0.0/16")
    lb_subnet_cidr     = optional(string, "10.0.0.0/24")
    worker_subnet_cidr = optional(string, "10.0.1.0/24")
    api_subnet_cidr    = optional(string, "10.0.2.0/28")
  })
  default = {}

  validation {
    condition = alltrue([
      for c in values(var.network) : try(cidrhost(c, 0) == split("/", c)[0], false)
    ])
    error_message = join(" ", [
      "Every network CIDR must be an IPv4 network address with a prefix length, such as",
      "10.0.0.0/16, with no host bits set.",
    ])
  }

  validation {
    # HCL evaluates both sides of && and ||, so each rule below is wrapped in try(): a
    # malformed CIDR makes it pass here, because the rule above already reports it.
    condition = try(
      tonumber(split("/", var.network.vcn_cidr)[1]) >= 16 &&
      tonumber(split("/", var.network.vcn_cidr)[1]) <= 24,
    true)
    error_message = "The network.vcn_cidr prefix must be between /16 and /24 (OCI VCN limits)."
  }

  validation {
    # A subnet lies in the VCN when its own prefix is at least as long and its address,
    # widened to the VCN prefix, is the VCN's network address.
    condition = try(alltrue([
      for s in [
        var.network.lb_subnet_cidr, var.network.worker_subnet_cidr, var.network.api_subnet_cidr
      ] :
      tonumber(split("/", s)[1]) >= tonumber(split("/", var.network.vcn_cidr)[1]) &&
      cidrhost("${split("/", s)[0]}/${split("/", var.network.vcn_cidr)[1]}", 0) ==
      cidrhost(var.network.vcn_cidr, 0)
    ]), true)
    error_message = join(" ", [
      "The subnets network.lb_subnet_cidr, worker_subnet_cidr and api_subnet_cidr must all lie",
      "inside network.vcn_cidr.",
    ])
  }

  validation {
    # Two ranges overlap when they agree on the shorter of their two prefixes.
    condition = try(alltrue([
      for p in [
        for pair in [
          [var.network.lb_subnet_cidr, var.network.worker_subnet_cidr],
          [var.network.lb_subnet_cidr, var.network.api_subnet_cidr],
          [var.network.worker_subnet_cidr, var.network.api_subnet_cidr],
          ] : {
          a    = split("/", pair[0])[0]
          b    = split("/", pair[1])[0]
          bits = min(split("/", pair[0])[1], split("/", pair[1])[1])
        }
      ] : cidrhost("${p.a}/${p.bits}", 0) != cidrhost("${p.b}/${p.bits}", 0)
    ]), true)
    error_message = join(" ", [
      "The subnets network.lb_subnet_cidr, worker_subnet_cidr and api_subnet_cidr must not",
      "overlap each other.",
    ])
  }
}

variable "api_endpoint_public" {
  description = "Give the Kubernetes API endpoint a public IP (reachable from api_allowed_cidrs)."
  type        = bool
  default     = true
}

variable "api_allowed_cidrs" {
  description = "Client ranges allowed to reach the Kubernetes API endpoint on port 6443."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition = (length(var.api_allowed_cidrs) > 0 &&
    alltrue([for c in var.api_allowed_cidrs : can(cidrnetmask(c))]))
    error_message = "The api_allowed_cidrs must be a non-empty list of IPv4 CIDRs (1.2.3.4/32)."
  }
}

variable "kubernetes_version" {
  description = "OKE Kubernetes version such as v1.34.1; checked at plan against OKE's list."
  type        = string

  validation {
    condition = can(regex("^v1\\.[0-9]+\\.[0-9]+$", var.kubernetes_version))
    error_message = join(" ", [
      "The kubernetes_version must look like v1.34.1 (a leading 'v', then major.minor.patch);",
      "list the offered ones with `oci ce cluster-options get --cluster-option-id all`.",
    ])
  }
}

variable "node_pool" {
  description = "VM.Standard.A1.Flex worker pool; per-node values, totals checked for Always Free."
  type = object({
    node_count      = optional(number, 1)
    ocpus           = optional(number, 2)
    memory_gbs      = optional(number, 8)
    boot_volume_gbs = optional(number, 50)
    # false only on a paid account: lifts the Always Free totals checked below.
    enforce_always_free = optional(bool, true)
  })
  default = {}

  validation {
    condition = (var.node_pool.node_count >= 1 &&
    floor(var.node_pool.node_count) == var.node_pool.node_count)
    error_message = "The node_pool.node_count must be a whole number of at least 1."
  }

  validation {
    condition     = var.node_pool.ocpus >= 1 && floor(var.node_pool.ocpus) == var.node_pool.ocpus
    error_message = "The node_pool.ocpus must be a whole number of OCPUs, at least 1."
  }

  validation {
    # VM.Standard.A1.Flex takes 1 to 64 GB of memory per OCPU.
    condition = (var.node_pool.memory_gbs >= var.node_pool.ocpus &&
    var.node_pool.memory_gbs <= 64 * var.node_pool.ocpus)
    error_message = "The node_pool.memory_gbs must be 1-64 GB per OCPU for VM.Standard.A1.Flex."
  }

  validation {
    condition = (var.node_pool.boot_volume_gbs >= 50 &&
    floor(var.node_pool.boot_volume_gbs) == var.node_pool.boot_volume_gbs)
    error_message = "The node_pool.boot_volume_gbs must be a whole number of at least 50 (GB)."
  }

  validation {
    condition = !var.node_pool.enforce_always_free || (
      var.node_pool.node_count * var.node_pool.ocpus <= 2 &&
      var.node_pool.node_count * var.node_pool.memory_gbs <= 12
    )
    error_message = join(" ", [
      "The node_pool exceeds the Always Free A1 allowance of 2 OCPUs and 12 GB memory in total",
      "(node_count x ocpus, node_count x memory_gbs). Lower them, or set",
      "node_pool.enforce_always_free = false on a paid account.",
    ])
  }

  validation {
    # 200 GB of block storage (boot and block volumes together) is free; Kafka's volumes
    # need at least 50 GB of it.
    condition = (!var.node_pool.enforce_always_free ||
    var.node_pool.node_count * var.node_pool.boot_volume_gbs <= 150)
    error_message = join(" ", [
      "The node_pool boot volumes exceed 150 GB in total; Always Free block storage is 200 GB",
      "including Kafka's volumes. Lower boot_volume_gbs or node_count.",
    ])
  }
}

variable "node_image_id" {
  description = "Worker image OCID; null picks the newest aarch64 OKE image for the version."
  type        = string
  default     = null

  validation {
    condition = var.node_image_id == null || can(regex(
      "^ocid1\\.image\\.oc[0-9]+\\.[a-z0-9-]*\\.[a-z0-9]{20,}$", var.node_image_id
    ))
    error_message = "The node_image_id must be an image OCID (ocid1.image.oc1.<region>.aaaa…)."
  }
}

variable "availability_domains" {
  description = "AD names to place workers in (the runner rotates these); empty means all."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for ad in var.availability_domains : can(regex("^[A-Za-z0-9]+:[A-Z0-9-]+-AD-[0-9]$", ad))
    ])
    error_message = join(" ", [
      "Each of availability_domains must be a full AD name such as Uocm:EU-FRANKFURT-1-AD-1",
      "(see `oci iam availability-domain list`).",
    ])
  }
}

variable "ssh_public_key" {
  description = "Optional OpenSSH public key for the workers (no public IPs: use a bastion)."
  type        = string
  default     = null

  validation {
    condition = var.ssh_public_key == null || can(regex(
      "^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp[0-9]+) [A-Za-z0-9+/=]+", var.ssh_public_key
    ))
    error_message = "The ssh_public_key must be an OpenSSH public key line (ssh-ed25519 AAAA…)."
  }
}
