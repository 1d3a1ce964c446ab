// The validation blocks of terraform/variables.tf, evaluated by real terraform.
//
// How: `terraform validate` never checks variable values, and a plan of the whole module
// needs the oci provider configured against a live tenancy. Variable validation, though, is
// terraform core's own work and reads nothing but the variable; so the module's
// variables.tf, byte for byte, is planned on its own in a scratch directory, where a bad
// value fails the plan with the block's error message exactly as it would in the module.
// Every case runs on the terraform found on PATH and, when it is cached, on the v1.8 build
// too: the module claims terraform >= 1.5, and 1.5-1.8 evaluate validations more strictly.
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cachedFallbackTerraform,
  ensureTerraform,
  type TerraformBinary,
} from '../tools/terraform.ts';
import { moduleDir, scratchDir, terraform } from './tf.ts';

const base = {
  region: 'eu-frankfurt-1',
  tenancy_ocid: 'ocid1.tenancy.oc1..aaaaaaaa2bq4vl5tmtmbwfkl3tyxsubq3nhx4zvaoowhc4lvj5x7vmcbrdha',
  kubernetes_version: 'v1.34.1',
};

type Vars = Record<string, unknown>;

const rejected: Array<[string, Vars, string]> = [
  [
    'a region that is a display name',
    { region: 'Frankfurt' },
    'The region must be an OCI region identifier',
  ],
  [
    'a compartment OCID as tenancy',
    { tenancy_ocid: 'ocid1.compartment.oc1..aaaaaaaaaaaaaaaaaaaaaaaa' },
    'The tenancy_ocid must look like ocid1.tenancy.oc1..',
  ],
  [
    'a compartment name as compartment_id',
    { compartment_id: 'todo-infra' },
    'The compartment_id must be a compartment OCID',
  ],
  [
    'a VCN CIDR with host bits',
    { network: { vcn_cidr: '10.0.0.1/16' } },
    'Every network CIDR must be an IPv4 network address',
  ],
  [
    'a subnet that is not a CIDR',
    { network: { lb_subnet_cidr: '10.0.0.0' } },
    'Every network CIDR must be an IPv4 network address',
  ],
  [
    'a VCN larger than /16',
    { network: { vcn_cidr: '10.0.0.0/8' } },
    'The network.vcn_cidr prefix must be between /16 and /24',
  ],
  [
    'a worker subnet outside the VCN',
    { network: { worker_subnet_cidr: '10.1.1.0/24' } },
    'must all lie inside network.vcn_cidr',
  ],
  [
    'an API subnet inside the worker subnet',
    { network: { api_subnet_cidr: '10.0.1.16/28' } },
    'must not overlap each other',
  ],
  [
    'client ranges that are not CIDRs',
    { api_allowed_cidrs: ['everyone'] },
    'The api_allowed_cidrs must be a non-empty list of IPv4 CIDRs',
  ],
  [
    'a Kubernetes version without the v',
    { kubernetes_version: '1.34.1' },
    'The kubernetes_version must look like v1.34.1',
  ],
  [
    'two 2-OCPU nodes (4 OCPUs)',
    { node_pool: { node_count: 2 } },
    'exceeds the Always Free A1 allowance of 2 OCPUs and 12 GB',
  ],
  [
    'one node with 16 GB',
    { node_pool: { ocpus: 1, memory_gbs: 16 } },
    'exceeds the Always Free A1 allowance of 2 OCPUs and 12 GB',
  ],
  [
    'three 1-OCPU nodes',
    { node_pool: { node_count: 3, ocpus: 1, memory_gbs: 4 } },
    'exceeds the Always Free A1 allowance',
  ],
  [
    'more than 64 GB per OCPU',
    { node_pool: { ocpus: 1, memory_gbs: 65, enforce_always_free: false } },
    'The node_pool.memory_gbs must be 1-64 GB per OCPU',
  ],
  [
    'a 40 GB boot volume',
    { node_pool: { boot_volume_gbs: 40 } },
    'The node_pool.boot_volume_gbs must be a whole number of at least 50',
  ],
  [
    'half an OCPU',
    { node_pool: { ocpus: 0.5, memory_gbs: 4 } },
    'The node_pool.ocpus must be a whole number of OCPUs',
  ],
  [
    'zero nodes',
    { node_pool: { node_count: 0 } },
    'The node_pool.node_count must be a whole number of at least 1',
  ],
  [
    'boot volumes leaving no room for Kafka',
    { node_pool: { boot_volume_gbs: 160 } },
    'boot volumes exceed 150 GB in total',
  ],
  [
    'a short AD name',
    { availability_domains: ['AD-1'] },
    'must be a full AD name such as Uocm:EU-FRANKFURT-1-AD-1',
  ],
  [
    'an image name instead of an OCID',
    { node_image_id: 'Oracle-Linux-8.10-aarch64' },
    'The node_image_id must be an image OCID',
  ],
  [
    'a prefix too long for a DNS label',
    { name_prefix: 'todoinfraprod' },
    'The name_prefix must start with a lowercase letter',
  ],
];

const accepted: Array<[string, Vars]> = [
  ['the defaults', {}],
  [
    'two 1-OCPU 6 GB nodes (exactly 2 OCPU / 12 GB)',
    { node_pool: { node_count: 2, ocpus: 1, memory_gbs: 6 } },
  ],
  [
    'four 2-OCPU nodes on a paid account',
    { node_pool: { node_count: 4, enforce_always_free: false } },
  ],
  [
    'an existing compartment and a pinned image',
    {
      compartment_id: 'ocid1.compartment.oc1..aaaaaaaaqz3lbnumvqnlq5kq4sqgdlq5xxbzwzldmtd7x',
      node_image_id: 'ocid1.image.oc1.eu-frankfurt-1.aaaaaaaanwpcbhzw2pmhq3ijbhdtunnqvkcm',
    },
  ],
  [
    'a rearranged layout',
    {
      network: {
        vcn_cidr: '172.16.0.0/20',
        lb_subnet_cidr: '172.16.8.0/24',
        worker_subnet_cidr: '172.16.0.0/22',
        api_subnet_cidr: '172.16.9.0/28',
      },
      availability_domains: ['Uocm:EU-FRANKFURT-1-AD-2'],
    },
  ],
];

// Builds terraform from the module proxy only when no terraform >= 1.5 is on PATH.
const first = await ensureTerraform();
const fallback = cachedFallbackTerraform();
const binaries: TerraformBinary[] =
  fallback && fallback.path !== first.path ? [first, fallback] : [first];
let dir = '';

beforeAll(() => {
  dir = scratchDir('tf-variables');
  copyFileSync(join(moduleDir, 'variables.tf'), join(dir, 'variables.tf'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

let caseNo = 0;
function plan(bin: TerraformBinary, vars: Vars) {
  const file = join(dir, `case-${++caseNo}.tfvars.json`);
  writeFileSync(file, JSON.stringify({ ...base, ...vars }));
  return terraform(bin.path, dir, ['plan', '-input=false', '-lock=false', `-var-file=${file}`]);
}

describe.each(binaries.map((b) => [`terraform ${b.version} (${b.source})`, b] as const))(
  '%s',
  (_label, bin) => {
    it.each(rejected)('rejects %s', (_name, vars, message) => {
      const result = plan(bin, vars);
      expect(result.status, result.text).not.toBe(0);
      expect(result.text).toContain('Invalid value for variable');
      expect(result.text).toContain(message);
    });

    it.each(accepted)('accepts %s', (_name, vars) => {
      const result = plan(bin, vars);
      expect(result.status, result.text).toBe(0);
      expect(result.text).toContain('No changes');
    });
  },
);
