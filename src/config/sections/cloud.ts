// The cloud half of the configuration: OCI credentials, network, cluster, terraform, registry.
import { z } from 'zod';
import { ocid, dnsLabel } from './common.js';

export const oci = z.strictObject({
  /** The OCI CLI/SDK config file holding the API key profile. */
  configFile: z.string().default('~/.oci/config'),
  profile: z.string().default('DEFAULT'),
  /** Home region (e.g. eu-frankfurt-1); read from the profile when not given. */
  region: z
    .string()
    .regex(/^[a-z]+-[a-z]+-\d+$/, { message: 'must be a region identifier like eu-frankfurt-1' })
    .optional(),
  /** Read from the profile's `tenancy` when not given. */
  tenancyId: ocid('tenancy').optional(),
  /** Where the network and cluster are created; the tenancy root when not given. */
  compartmentId: ocid('compartment', 'tenancy').optional(),
  /** Create a new compartment with this name under compartmentId (or the root). */
  createCompartment: z.string().min(1).optional(),
  /** Override the API endpoints (tests point this at a local stand-in). */
  endpoint: z.url().optional(),
});

export const network = z.strictObject({
  vcnCidr: z.string().default('10.0.0.0/16'),
  /** Load balancers (and the public API endpoint) live here. */
  publicSubnetCidr: z.string().default('10.0.0.0/24'),
  /** Worker nodes live here, reaching the internet through the NAT gateway. */
  privateSubnetCidr: z.string().default('10.0.1.0/24'),
});

/**
 * Always Free Ampere A1 allows 2 OCPU and 12 GB of memory in total per tenancy. The defaults
 * (one node, 2 OCPU, 8 GB) leave 4 GB for another free instance; nodeCount × ocpus ≤ 2 and
 * nodeCount × memoryGb ≤ 12 are enforced unless allowBeyondFreeTier is set.
 */
export const cluster = z.strictObject({
  name: dnsLabel.default('todo-oke'),
  kubernetesVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+$/, { message: 'must look like v1.34.1' })
    .default('v1.34.1'),
  publicApiEndpoint: z.boolean().default(true),
  nodeShape: z.string().default('VM.Standard.A1.Flex'),
  ocpusPerNode: z.number().int().min(1).max(80).default(2),
  memoryGbPerNode: z.number().int().min(1).max(512).default(8),
  nodeCount: z.number().int().min(1).max(10).default(1),
  /** OKE block volumes are at least 50 GB; Always Free includes 200 GB of block storage. */
  bootVolumeGb: z.number().int().min(50).max(32768).default(50),
  /** Pin a node image instead of looking up the aarch64 OKE image for kubernetesVersion. */
  nodeImageId: ocid('image').optional(),
  allowBeyondFreeTier: z.boolean().default(false),
});

export const terraform = z.strictObject({
  /** Local state (reported on every run) or an OCI Object Storage bucket. */
  backend: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('local') }),
      z.strictObject({
        type: z.literal('oci'),
        bucket: z.string().min(1),
        namespace: z.string().min(1),
        key: z.string().default('todo-infra/terraform.tfstate'),
        region: z.string().optional(),
      }),
    ])
    .default({ type: 'local' }),
  /** Path of the terraform binary; found on PATH when not given. */
  binary: z.string().optional(),
});

export const registry = z.strictObject({
  /** The tenancy's Object Storage namespace, which OCIR uses as the first path segment. */
  namespace: z
    .string()
    .regex(/^[a-z0-9]+$/, { message: 'must be lower-case letters and digits' })
    .optional(),
  /** OCIR host; <region-key>.ocir.io, derived from the region when not given. */
  host: z.string().optional(),
  repositories: z
    .strictObject({
      frontend: z.string().default('todo-frontend'),
      backend: z.string().default('todo-backend'),
      worker: z.string().default('todo-worker'),
    })
    .prefault({}),
  /** Name of the kubernetes.io/dockerconfigjson pull secret in the app namespace. */
  pullSecretName: dnsLabel.default('ocir-pull'),
  /** Create an OCIR auth token for the user (only when asked: a user may hold at most two). */
  createAuthToken: z.boolean().default(false),
  /** OCIR login user (<namespace>/<user name>); the token itself never goes in this file. */
  username: z.string().optional(),
});
