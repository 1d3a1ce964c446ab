// Renders the module's variables from the CLI configuration into terraform.tfvars.json. The
// output is canonical (sorted keys, fixed layout) so the same configuration always produces
// the same bytes — the phase hashes it to decide whether terraform needs to run at all.
// No credentials appear here: the provider reads the API key from the OCI config file profile.
import type { Config } from '../config/schema.js';
import { formatIp, overlaps, parseCidr, type Cidr } from '../config/cidr.js';
import { canonicalJson } from '../engine/hash.js';
import { usageError } from '../core/errors.js';

/** Values the config may leave to the OCI config file profile, resolved by the caller. */
export interface ResolvedAccount {
  region: string;
  tenancyId: string;
}

export type Tfvars = Record<string, unknown>;

/** The module hard-codes the Always Free Arm shape (see terraform/oke.tf). */
const MODULE_SHAPE = 'VM.Standard.A1.Flex';

/**
 * The module's name_prefix (a-z0-9, at most 10, also the VCN DNS label) from cluster.name:
 * the module names the cluster "<prefix>-oke", so the default name todo-oke maps to "todo".
 */
export function namePrefix(clusterName: string): string {
  const prefix = clusterName.replace(/-oke$/, '').replace(/-/g, '').slice(0, 10);
  if (!/^[a-z][a-z0-9]{0,9}$/.test(prefix)) {
    throw usageError(
      'TERRAFORM_NAME_PREFIX',
      `cluster.name ${clusterName} does not give a usable resource prefix ("${prefix}")`,
      'Start cluster.name with a lower-case letter (e.g. todo-oke); its first 10 letters and ' +
        'digits prefix every OCI resource name and form the VCN DNS label.',
    );
  }
  return prefix;
}

/**
 * The Kubernetes API endpoint's /28: the first one inside the VCN that overlaps neither
 * configured subnet (10.0.2.0/28 for the default layout, the module's own default).
 */
export function apiSubnetCidr(network: Config['network']): string {
  const [vcn, pub, priv] = [
    network.vcnCidr,
    network.publicSubnetCidr,
    network.privateSubnetCidr,
  ].map(parseCidr);
  if (typeof vcn !== 'object' || typeof pub !== 'object' || typeof priv !== 'object') {
    const hint = 'Fix network.* in the config file.';
    throw usageError('TERRAFORM_NETWORK', 'network CIDRs are invalid', hint);
  }
  const size = 16;
  for (let base = vcn.base; base + size <= vcn.base + vcn.size; base += size) {
    const candidate: Cidr = { text: `${formatIp(base)}/28`, base, prefix: 28, size };
    if (!overlaps(candidate, pub) && !overlaps(candidate, priv)) return candidate.text;
  }
  throw usageError(
    'TERRAFORM_NETWORK',
    `network.vcnCidr ${network.vcnCidr} has no free /28 for the Kubernetes API endpoint`,
    'Widen network.vcnCidr or shrink the subnets so 16 addresses stay outside both.',
  );
}

export interface TfvarsOptions {
  /** Narrowed placement after "Out of host capacity" (see capacity.ts); empty = every AD. */
  availabilityDomains?: string[];
}

export function renderTfvars(
  config: Config,
  account: ResolvedAccount,
  options: TfvarsOptions = {},
): Tfvars {
  const { oci, cluster, network } = config;
  if (cluster.nodeShape !== MODULE_SHAPE) {
    throw usageError(
      'TERRAFORM_NODE_SHAPE',
      `cluster.nodeShape ${cluster.nodeShape} is not supported by the OKE module`,
      `The module provisions ${MODULE_SHAPE} (Always Free Arm) nodes; remove cluster.nodeShape.`,
    );
  }
  const vars: Tfvars = {
    region: account.region,
    tenancy_ocid: account.tenancyId,
    oci_config_profile: oci.profile,
    name_prefix: namePrefix(cluster.name),
    kubernetes_version: cluster.kubernetesVersion,
    api_endpoint_public: cluster.publicApiEndpoint,
    network: {
      vcn_cidr: network.vcnCidr,
      lb_subnet_cidr: network.publicSubnetCidr,
      worker_subnet_cidr: network.privateSubnetCidr,
      api_subnet_cidr: apiSubnetCidr(network),
    },
    node_pool: {
      node_count: cluster.nodeCount,
      ocpus: cluster.ocpusPerNode,
      memory_gbs: cluster.memoryGbPerNode,
      boot_volume_gbs: cluster.bootVolumeGb,
      enforce_always_free: !cluster.allowBeyondFreeTier,
    },
  };
  if (oci.createCompartment !== undefined) {
    // compartment_id stays unset (null): the module creates the compartment under the parent.
    vars.compartment_name = oci.createCompartment;
    if (oci.compartmentId !== undefined) vars.parent_compartment_id = oci.compartmentId;
  } else {
    // No compartment named: build in the tenancy root, as the config schema documents.
    vars.compartment_id = oci.compartmentId ?? account.tenancyId;
  }
  if (cluster.nodeImageId !== undefined) vars.node_image_id = cluster.nodeImageId;
  const ads = options.availabilityDomains ?? [];
  if (ads.length > 0) vars.availability_domains = [...ads];
  return vars;
}

/** The file's exact bytes: canonical key order, two-space indent, trailing newline. */
export function tfvarsJson(vars: Tfvars): string {
  return JSON.stringify(JSON.parse(canonicalJson(vars)), null, 2) + '\n';
}
