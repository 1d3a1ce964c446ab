# Compartment, IAM and the lookups every other file shares.

locals {
  parent_compartment_id = coalesce(var.parent_compartment_id, var.tenancy_ocid)
  compartment_id = (var.compartment_id != null ? var.compartment_id
  : oci_identity_compartment.this[0].id)

  # Applied to everything this module creates, so `todo-infra down` and a human in the
  # console can both tell these resources apart from anything else in the compartment.
  freeform_tags = {
    "managed-by" = "todo-infra"
    "stack"      = var.name_prefix
  }
}

# Created only when the user did not name an existing compartment. enable_delete lets
# `terraform destroy` remove it; without it the provider would only forget it, leaving an
# empty compartment that blocks re-creating one of the same name.
resource "oci_identity_compartment" "this" {
  count = var.compartment_id == null ? 1 : 0

  compartment_id = local.parent_compartment_id
  name           = var.compartment_name
  description    = "Todo platform on OKE, managed by todo-infra"
  enable_delete  = true
  freeform_tags  = local.freeform_tags
}

# Statements for the cluster's own principal (request.principal.type = 'cluster'): OKE's
# cloud controller manager creates the ingress load balancer and programs its security
# rules, and the block volume CSI driver provisions the Kafka volumes, acting as that
# principal. The policy is attached to the parent because a policy can only grant access
# in the compartment it is attached to and below it, and naming the target compartment by
# id keeps the grant exact when the compartment is renamed.
locals {
  target = "compartment id ${local.compartment_id}"

  cluster_statements = [
    for rule in ["manage load-balancers", "use virtual-network-family", "manage volume-family"] :
    "Allow any-user to ${rule} in ${local.target} where request.principal.type = 'cluster'"
  ]

  # The statements OKE documents for a non-administrator who creates and operates clusters.
  group_statements = var.admin_group_name == null ? [] : [
    for rule in [
      "manage cluster-family", "manage instance-family", "use subnets",
      "read virtual-network-family", "use vnics", "inspect compartments",
    ] : "Allow group ${var.admin_group_name} to ${rule} in ${local.target}"
  ]
}

resource "oci_identity_policy" "oke" {
  count = var.create_iam_policy ? 1 : 0

  compartment_id = local.parent_compartment_id
  name           = "${var.name_prefix}-oke"
  description    = "Lets the ${var.name_prefix} OKE cluster manage its load balancers and volumes"
  statements     = concat(local.cluster_statements, local.group_statements)
  freeform_tags  = local.freeform_tags
}

data "oci_identity_availability_domains" "all" {
  compartment_id = var.tenancy_ocid
}

locals {
  all_ad_names = [
    for ad in data.oci_identity_availability_domains.all.availability_domains : ad.name
  ]
  # Placement follows the user's list when given (the runner rotates it after "Out of host
  # capacity"), else every AD of the region so OKE can place the node wherever A1 is free.
  placement_ads = (length(var.availability_domains) > 0 ? var.availability_domains
  : local.all_ad_names)
}
