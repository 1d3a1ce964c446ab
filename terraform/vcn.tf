# Network: one VCN, three regional subnets, three gateways, two route tables.
#
#   lb      10.0.0.0/24  public   load balancers created by OKE for Services (the ingress)
#   workers 10.0.1.0/24  private  worker nodes; pods ride a flannel overlay on top
#   api     10.0.2.0/28  public*  the Kubernetes API endpoint (*private if not exposed)
#
# Why the API endpoint gets its own /28 instead of sharing the LB subnet: its security list
# can then admit 6443 from api_allowed_cidrs only, while the LB subnet admits 80/443 from
# anywhere; sharing one subnet would merge both rule sets onto both kinds of endpoint. A /28
# is the smallest subnet OCI allows and the endpoint needs a single address.

resource "oci_core_vcn" "this" {
  compartment_id = local.compartment_id
  cidr_blocks    = [var.network.vcn_cidr]
  display_name   = "${var.name_prefix}-vcn"
  dns_label      = var.name_prefix
  freeform_tags  = local.freeform_tags
}

resource "oci_core_internet_gateway" "this" {
  compartment_id = local.compartment_id
  vcn_id         = oci_core_vcn.this.id
  display_name   = "${var.name_prefix}-igw"
  enabled        = true
  freeform_tags  = local.freeform_tags
}

# Workers have no public IPs; they pull images from public registries through NAT.
resource "oci_core_nat_gateway" "this" {
  compartment_id = local.compartment_id
  vcn_id         = oci_core_vcn.this.id
  display_name   = "${var.name_prefix}-nat"
  freeform_tags  = local.freeform_tags
}

# "All <region> Services in Oracle Services Network": OKE, OCIR and Object Storage are
# reached over the service gateway without leaving Oracle's network.
data "oci_core_services" "all" {
  filter {
    name   = "name"
    values = ["All .* Services In Oracle Services Network"]
    regex  = true
  }
}

locals {
  osn_service_id   = data.oci_core_services.all.services[0].id
  osn_service_cidr = data.oci_core_services.all.services[0].cidr_block
}

resource "oci_core_service_gateway" "this" {
  compartment_id = local.compartment_id
  vcn_id         = oci_core_vcn.this.id
  display_name   = "${var.name_prefix}-sgw"
  freeform_tags  = local.freeform_tags

  services {
    service_id = local.osn_service_id
  }
}

resource "oci_core_route_table" "public" {
  compartment_id = local.compartment_id
  vcn_id         = oci_core_vcn.this.id
  display_name   = "${var.name_prefix}-public-rt"
  freeform_tags  = local.freeform_tags

  route_rules {
    description       = "Internet through the internet gateway"
    destination       = "0.0.0.0/0"
    destination_type  = "CIDR_BLOCK"
    network_entity_id = oci_core_internet_gateway.this.id
  }
}

resource "oci_core_route_table" "private" {
  compartment_id = local.compartment_id
  vcn_id         = oci_core_vcn.this.id
  display_name   = "${var.name_prefix}-private-rt"
  freeform_tags  = local.freeform_tags

  route_rules {
    description       = "Internet (image pulls) through the NAT gateway"
    destination       = "0.0.0.0/0"
    destination_type  = "CIDR_BLOCK"
    network_entity_id = oci_core_nat_gateway.this.id
  }

  route_rules {
    description       = "Oracle services (OKE, OCIR, Object Storage) through the service gateway"
    destination       = local.osn_service_cidr
    destination_type  = "SERVICE_CIDR_BLOCK"
    network_entity_id = oci_core_service_gateway.this.id
  }
}

resource "oci_core_subnet" "lb" {
  compartment_id             = local.compartment_id
  vcn_id                     = oci_core_vcn.this.id
  cidr_block                 = var.network.lb_subnet_cidr
  display_name               = "${var.name_prefix}-lb"
  dns_label                  = "lb"
  prohibit_public_ip_on_vnic = false
  route_table_id             = oci_core_route_table.public.id
  security_list_ids          = [oci_core_security_list.this["lb"].id]
  freeform_tags              = local.freeform_tags
}

resource "oci_core_subnet" "workers" {
  compartment_id             = local.compartment_id
  vcn_id                     = oci_core_vcn.this.id
  cidr_block                 = var.network.worker_subnet_cidr
  display_name               = "${var.name_prefix}-workers"
  dns_label                  = "workers"
  prohibit_public_ip_on_vnic = true
  route_table_id             = oci_core_route_table.private.id
  security_list_ids          = [oci_core_security_list.this["workers"].id]
  freeform_tags              = local.freeform_tags
}

resource "oci_core_subnet" "api" {
  compartment_id             = local.compartment_id
  vcn_id                     = oci_core_vcn.this.id
  cidr_block                 = var.network.api_subnet_cidr
  display_name               = "${var.name_prefix}-api"
  dns_label                  = "api"
  prohibit_public_ip_on_vnic = !var.api_endpoint_public
  # A private endpoint still needs the service gateway route to reach OKE itself.
  route_table_id = (var.api_endpoint_public ? oci_core_route_table.public.id
  : oci_core_route_table.private.id)
  security_list_ids = [oci_core_security_list.this["api"].id]
  freeform_tags     = local.freeform_tags
}
