# Security lists: exactly the flows OKE documents for a flannel cluster with a public API
# endpoint, private workers and public load balancers, and nothing more. All rules are
# stateful, so replies need no rule of their own.
#
# Each rule is data: proto ("6" TCP, "1" ICMP, "all"), the peer range and its type, an
# optional TCP port range, and whether it is the ICMP type 3 code 4 ("fragmentation
# needed") rule that path MTU discovery depends on.

locals {
  workers = var.network.worker_subnet_cidr
  api     = var.network.api_subnet_cidr
  lb      = var.network.lb_subnet_cidr
  osn     = local.osn_service_cidr

  rule = { proto = "6", peer_type = "CIDR_BLOCK", min = null, max = null, pmtu = false }

  # Kubernetes API endpoint subnet.
  api_ingress = concat(
    [for c in var.api_allowed_cidrs : merge(local.rule, {
      peer = c, min = 6443, max = 6443, desc = "Clients to the Kubernetes API"
    })],
    [
      merge(local.rule, {
        peer = local.workers, min = 6443, max = 6443, desc = "Workers to the Kubernetes API"
      }),
      merge(local.rule, {
        peer = local.workers, min = 12250, max = 12250, desc = "Workers to the OKE control plane"
      }),
      merge(local.rule, {
        peer = local.workers, proto = "1", pmtu = true, desc = "Path MTU discovery"
      }),
    ]
  )
  api_egress = [
    merge(local.rule, {
      peer = local.osn, peer_type = "SERVICE_CIDR_BLOCK", desc = "Control plane to OKE"
    }),
    merge(local.rule, {
      peer = local.osn, peer_type = "SERVICE_CIDR_BLOCK", proto = "1", pmtu = true,
      desc = "Path MTU discovery"
    }),
    merge(local.rule, {
      peer = local.workers, desc = "Control plane to workers (kubelet, webhooks)"
    }),
    merge(local.rule, {
      peer = local.workers, proto = "1", pmtu = true, desc = "Path MTU discovery"
    }),
  ]

  # Worker subnet.
  worker_ingress = [
    merge(local.rule, {
      peer = local.workers, proto = "all", desc = "Pod-to-pod and node-to-node (flannel VXLAN)"
    }),
    merge(local.rule, { peer = local.api, desc = "Control plane to workers" }),
    merge(local.rule, {
      peer = "0.0.0.0/0", proto = "1", pmtu = true, desc = "Path MTU discovery"
    }),
    merge(local.rule, {
      peer = local.lb, min = 30000, max = 32767, desc = "Load balancers to NodePorts"
    }),
    merge(local.rule, {
      peer = local.lb, min = 10256, max = 10256, desc = "Load balancer health checks to kube-proxy"
    }),
  ]
  worker_egress = [
    merge(local.rule, {
      peer = local.workers, proto = "all", desc = "Pod-to-pod and node-to-node (flannel VXLAN)"
    }),
    merge(local.rule, {
      peer = local.api, min = 6443, max = 6443, desc = "Workers to the Kubernetes API"
    }),
    merge(local.rule, {
      peer = local.api, min = 12250, max = 12250, desc = "Workers to the OKE control plane"
    }),
    merge(local.rule, {
      peer = local.api, proto = "1", pmtu = true, desc = "Path MTU discovery"
    }),
    merge(local.rule, {
      peer = local.osn, peer_type = "SERVICE_CIDR_BLOCK",
      desc = "Workers to OKE, OCIR and Object Storage"
    }),
    merge(local.rule, {
      peer = "0.0.0.0/0", proto = "1", pmtu = true, desc = "Path MTU discovery"
    }),
    merge(local.rule, {
      peer = "0.0.0.0/0", proto = "all", desc = "Image pulls from public registries (via NAT)"
    }),
  ]

  # Load balancer subnet: the ingress controller's LB serves HTTP and HTTPS.
  lb_ingress = [
    merge(local.rule, {
      peer = "0.0.0.0/0", min = 80, max = 80, desc = "HTTP to the ingress load balancer"
    }),
    merge(local.rule, {
      peer = "0.0.0.0/0", min = 443, max = 443, desc = "HTTPS to the ingress load balancer"
    }),
  ]
  lb_egress = [
    merge(local.rule, {
      peer = local.workers, min = 30000, max = 32767, desc = "Load balancers to NodePorts"
    }),
    merge(local.rule, {
      peer = local.workers, min = 10256, max = 10256,
      desc = "Load balancer health checks to kube-proxy"
    }),
    merge(local.rule, {
      peer = local.workers, proto = "1", pmtu = true, desc = "Path MTU discovery"
    }),
  ]

  security_lists = {
    api     = { ingress = local.api_ingress, egress = local.api_egress }
    workers = { ingress = local.worker_ingress, egress = local.worker_egress }
    lb      = { ingress = local.lb_ingress, egress = local.lb_egress }
  }
}

# One resource per subnet role, built from the rule tables above.
resource "oci_core_security_list" "this" {
  for_each = local.security_lists

  compartment_id = local.compartment_id
  vcn_id         = oci_core_vcn.this.id
  display_name   = "${var.name_prefix}-${each.key}-sl"
  freeform_tags  = local.freeform_tags

  dynamic "ingress_security_rules" {
    for_each = each.value.ingress
    iterator = r
    content {
      protocol    = r.value.proto
      source      = r.value.peer
      source_type = r.value.peer_type
      stateless   = false
      description = r.value.desc
      dynamic "tcp_options" {
        for_each = r.value.min == null ? [] : [r.value]
        content {
          min = tcp_options.value.min
          max = tcp_options.value.max
        }
      }
      dynamic "icmp_options" {
        for_each = r.value.pmtu ? [1] : []
        content {
          type = 3
          code = 4
        }
      }
    }
  }

  dynamic "egress_security_rules" {
    for_each = each.value.egress
    iterator = r
    content {
      protocol         = r.value.proto
      destination      = r.value.peer
      destination_type = r.value.peer_type
      stateless        = false
      description      = r.value.desc
      dynamic "tcp_options" {
        for_each = r.value.min == null ? [] : [r.value]
        content {
          min = tcp_options.value.min
          max = tcp_options.value.max
        }
      }
      dynamic "icmp_options" {
        for_each = r.value.pmtu ? [1] : []
        content {
          type = 3
          code = 4
        }
      }
    }
  }
}
