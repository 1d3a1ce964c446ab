# The cluster and its node pool.

# Kubernetes versions OKE offers in this region; checked so a retired or mistyped version
# fails at plan with the list to choose from, not after the VCN has been built. Read in the
# tenancy (the options are the same in every compartment) so that it is known at plan time
# even when this run creates the compartment.
data "oci_containerengine_cluster_option" "all" {
  cluster_option_id = "all"
  compartment_id    = var.tenancy_ocid

  lifecycle {
    postcondition {
      condition = contains(self.kubernetes_versions, var.kubernetes_version)
      error_message = join(" ", [
        "Kubernetes ${var.kubernetes_version} is not offered by OKE in ${var.region}. Set",
        "kubernetes_version to one of: ${join(", ", self.kubernetes_versions)}.",
      ])
    }
  }
}

# BASIC_CLUSTER: no control-plane fee (ENHANCED clusters are billed per hour). The features
# it lacks (virtual nodes, add-on management, workload identity) are not used here.
resource "oci_containerengine_cluster" "this" {
  compartment_id     = local.compartment_id
  name               = "${var.name_prefix}-oke"
  kubernetes_version = var.kubernetes_version
  vcn_id             = oci_core_vcn.this.id
  type               = "BASIC_CLUSTER"
  freeform_tags      = local.freeform_tags

  # Flannel rather than VCN-native pod networking: native pods take a VCN IP each from
  # secondary VNICs, and a 2-OCPU A1 node has too few VNICs for the platform's pod count.
  cluster_pod_network_options {
    cni_type = "FLANNEL_OVERLAY"
  }

  endpoint_config {
    subnet_id            = oci_core_subnet.api.id
    is_public_ip_enabled = var.api_endpoint_public
  }

  options {
    service_lb_subnet_ids = [oci_core_subnet.lb.id]

    kubernetes_network_config {
      pods_cidr     = "10.244.0.0/16"
      services_cidr = "10.96.0.0/16"
    }

    add_ons {
      is_kubernetes_dashboard_enabled = false
      is_tiller_enabled               = false
    }

    persistent_volume_config {
      freeform_tags = local.freeform_tags
    }

    service_lb_config {
      freeform_tags = local.freeform_tags
    }
  }
}

# The OKE worker images for every shape and version; filtered below to aarch64 (A1 is Arm)
# images built for this Kubernetes version.
data "oci_containerengine_node_pool_option" "all" {
  node_pool_option_id = "all"
  compartment_id      = var.tenancy_ocid

  lifecycle {
    postcondition {
      condition = var.node_image_id != null || anytrue([
        for s in self.sources : strcontains(s.source_name, "aarch64") &&
        strcontains(s.source_name, "-OKE-${trimprefix(var.kubernetes_version, "v")}-") &&
        !strcontains(s.source_name, "GPU")
      ])
      error_message = join(" ", [
        "OKE offers no aarch64 worker image for Kubernetes ${var.kubernetes_version} in",
        "${var.region}. Pick another kubernetes_version, or set node_image_id.",
      ])
    }
  }
}

locals {
  # Worker image names look like Oracle-Linux-8.10-aarch64-2026.06.30-0-OKE-1.34.1-812: OS
  # release, architecture, build date, Kubernetes version. Among the aarch64 (A1 is Arm),
  # non-GPU builds for this version, take the newest build date; the sort key puts the date
  # first so "8.9" vs "8.10" in the OS part cannot decide it.
  aarch64_images = {
    for s in data.oci_containerengine_node_pool_option.all.sources :
    format("%s|%s",
      try(regex("aarch64-([0-9]{4}\\.[0-9]{2}\\.[0-9]{2})", s.source_name)[0], "0"),
      s.source_name,
    ) => s.image_id
    if strcontains(s.source_name, "aarch64") &&
    strcontains(s.source_name, "-OKE-${trimprefix(var.kubernetes_version, "v")}-") &&
    !strcontains(s.source_name, "GPU")
  }
  newest_image_key = try(reverse(sort(keys(local.aarch64_images)))[0], null)
  node_image_id = (var.node_image_id != null ? var.node_image_id
  : try(local.aarch64_images[local.newest_image_key], null))
}

resource "oci_containerengine_node_pool" "this" {
  cluster_id         = oci_containerengine_cluster.this.id
  compartment_id     = local.compartment_id
  name               = "${var.name_prefix}-a1"
  kubernetes_version = var.kubernetes_version
  node_shape         = "VM.Standard.A1.Flex"
  ssh_public_key     = var.ssh_public_key
  freeform_tags      = local.freeform_tags

  node_shape_config {
    ocpus         = var.node_pool.ocpus
    memory_in_gbs = var.node_pool.memory_gbs
  }

  node_source_details {
    source_type             = "IMAGE"
    image_id                = local.node_image_id
    boot_volume_size_in_gbs = tostring(var.node_pool.boot_volume_gbs)
  }

  node_config_details {
    size          = var.node_pool.node_count
    freeform_tags = local.freeform_tags

    node_pool_pod_network_option_details {
      cni_type = "FLANNEL_OVERLAY"
    }

    # One placement per AD: OKE spreads nodes over them and can use whichever AD has A1
    # capacity. The runner narrows availability_domains after "Out of host capacity".
    dynamic "placement_configs" {
      for_each = local.placement_ads
      content {
        availability_domain = placement_configs.value
        subnet_id           = oci_core_subnet.workers.id
      }
    }
  }

  # Teardown and node replacement must not hang on a pod disruption budget: give pods
  # 15 minutes to drain, then delete the node anyway.
  node_eviction_node_pool_settings {
    eviction_grace_duration              = "PT15M"
    is_force_delete_after_grace_duration = true
  }

  # Policy statements must exist before OKE's principal creates volumes or load balancers.
  depends_on = [oci_identity_policy.oke]
}
