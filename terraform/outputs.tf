# Outputs read by the CLI through `terraform output -json` (validated with a schema there);
# renaming one is a breaking change for the terraform runner and the kubeconfig phase.

output "compartment_id" {
  description = "Compartment holding every resource of the stack."
  value       = local.compartment_id
}

output "cluster_id" {
  description = "OKE cluster OCID (kubeconfig and token generation use it)."
  value       = oci_containerengine_cluster.this.id
}

output "cluster_endpoints" {
  description = "Kubernetes API endpoints (host:port); public_endpoint is empty when not exposed."
  value = {
    public_endpoint  = try(oci_containerengine_cluster.this.endpoints[0].public_endpoint, "")
    private_endpoint = try(oci_containerengine_cluster.this.endpoints[0].private_endpoint, "")
  }
}

output "cluster_endpoint" {
  description = "The endpoint clients should use: public when exposed, else private."
  value = (var.api_endpoint_public
    ? try(oci_containerengine_cluster.this.endpoints[0].public_endpoint, "")
  : try(oci_containerengine_cluster.this.endpoints[0].private_endpoint, ""))
}

output "kubernetes_version" {
  description = "Kubernetes version of the control plane."
  value       = oci_containerengine_cluster.this.kubernetes_version
}

output "vcn_id" {
  description = "VCN OCID."
  value       = oci_core_vcn.this.id
}

output "lb_subnet_id" {
  description = "Public subnet for load balancers (the ingress controller's Service annotation)."
  value       = oci_core_subnet.lb.id
}

output "worker_subnet_id" {
  description = "Private subnet of the worker nodes."
  value       = oci_core_subnet.workers.id
}

output "api_subnet_id" {
  description = "Subnet of the Kubernetes API endpoint."
  value       = oci_core_subnet.api.id
}

output "node_pool_id" {
  description = "Node pool OCID."
  value       = oci_containerengine_node_pool.this.id
}

output "node_count" {
  description = "Nodes requested; the kubeconfig checkpoint waits for this many Ready."
  value       = var.node_pool.node_count
}

output "node_image_id" {
  description = "Worker image in use (looked up or given)."
  value       = local.node_image_id
}

output "availability_domains" {
  description = "ADs the node pool may place workers in."
  value       = local.placement_ads
}

output "region" {
  description = "Region of the stack."
  value       = var.region
}
