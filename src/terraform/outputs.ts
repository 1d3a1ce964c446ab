// The module's outputs as the rest of the CLI sees them. `terraform output -json` is parsed
// and checked here, once: a renamed or missing output in terraform/outputs.tf fails in this
// phase with the field named, instead of as an undefined cluster id two phases later.
import { z } from 'zod';
import { TodoInfraError } from '../core/errors.js';

const ocid = (type: string) =>
  z.string().regex(new RegExp(`^ocid1\\.${type}\\.`), { message: `must be an OCID of a ${type}` });

/** `terraform output -json`: every output as { sensitive, type, value }. */
const outputEnvelope = z.record(z.string(), z.object({ value: z.unknown() }).loose());

const moduleOutputs = z.object({
  compartment_id: ocid('(?:compartment|tenancy)'),
  cluster_id: ocid('cluster'),
  cluster_endpoint: z.string(),
  cluster_endpoints: z.object({ public_endpoint: z.string(), private_endpoint: z.string() }),
  kubernetes_version: z.string().regex(/^v\d+\.\d+\.\d+$/),
  vcn_id: ocid('vcn'),
  lb_subnet_id: ocid('subnet'),
  worker_subnet_id: ocid('subnet'),
  api_subnet_id: ocid('subnet'),
  node_pool_id: ocid('nodepool'),
  node_count: z.number().int().min(1),
  node_image_id: z.string().nullable(),
  availability_domains: z.array(z.string()),
  region: z.string(),
});

/** What the terraform phase records for its dependants (camelCase, journal-friendly). */
export interface TerraformOutputs {
  [key: string]: unknown;
  compartmentId: string;
  clusterId: string;
  /** host:port of the API endpoint clients should use (public when exposed). */
  clusterEndpoint: string;
  publicEndpoint: string;
  privateEndpoint: string;
  kubernetesVersion: string;
  vcnId: string;
  lbSubnetId: string;
  workerSubnetId: string;
  apiSubnetId: string;
  nodePoolId: string;
  nodeCount: number;
  nodeImageId: string | null;
  availabilityDomains: string[];
  region: string;
}

/** Raw `terraform output -json` values by name (empty when nothing was applied yet). */
export function parseOutputJson(stdout: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.trim() === '' ? '{}' : stdout);
  } catch (cause) {
    throw new TodoInfraError('TF_OUTPUT_INVALID', '`terraform output -json` did not print JSON', {
      cause,
      hint: 'Re-run with -vv and report the debug log; the terraform binary may be broken.',
    });
  }
  const envelope = outputEnvelope.safeParse(raw);
  if (!envelope.success) {
    const message = '`terraform output -json` has an unexpected shape';
    throw new TodoInfraError('TF_OUTPUT_INVALID', message, {
      details: envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return Object.fromEntries(Object.entries(envelope.data).map(([k, v]) => [k, v.value]));
}

export function toTerraformOutputs(values: Record<string, unknown>): TerraformOutputs {
  const parsed = moduleOutputs.safeParse(values);
  if (!parsed.success) {
    const message = 'the terraform outputs are missing or malformed';
    throw new TodoInfraError('TF_OUTPUT_INVALID', message, {
      details: parsed.error.issues.map(
        (i) => `output ${i.path.join('.') || '(all)'}: ${i.message}`,
      ),
      hint:
        'The state may be from an older module or an interrupted apply; resume with ' +
        '`todo-infra phase terraform` to apply the current module.',
    });
  }
  const o = parsed.data;
  return {
    compartmentId: o.compartment_id,
    clusterId: o.cluster_id,
    clusterEndpoint: o.cluster_endpoint,
    publicEndpoint: o.cluster_endpoints.public_endpoint,
    privateEndpoint: o.cluster_endpoints.private_endpoint,
    kubernetesVersion: o.kubernetes_version,
    vcnId: o.vcn_id,
    lbSubnetId: o.lb_subnet_id,
    workerSubnetId: o.worker_subnet_id,
    apiSubnetId: o.api_subnet_id,
    nodePoolId: o.node_pool_id,
    nodeCount: o.node_count,
    nodeImageId: o.node_image_id,
    availabilityDomains: o.availability_domains,
    region: o.region,
  };
}
