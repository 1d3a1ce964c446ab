// The one source of truth for todo-infra.yaml: `config schema` prints this as JSON Schema,
// the loader validates files, flags and environment against it, and every phase reads the
// parsed, defaulted result. Cross-field rules (CIDRs inside the VCN, the Always Free
// allowance) live here too, so every entry point enforces them.
import { z } from 'zod';
import { contains, overlaps, parseCidr } from './cidr.js';
import { cluster, network, oci, registry, terraform } from './sections/cloud.js';
import { charts, dapr, ingress, kafka } from './sections/platform.js';
import { apps } from './sections/apps.js';
import { hardening, kube, monitoring, pipeline, secrets } from './sections/operations.js';

/** Always Free Ampere A1 allowance per tenancy. */
export const FREE_TIER = { ocpus: 2, memoryGb: 12 } as const;

export const configShape = z.strictObject({
  apiVersion: z.literal('todo-infra/v1').default('todo-infra/v1'),
  /** oke: provision everything on OCI; existing: use the cluster in kube.context. */
  target: z.enum(['oke', 'existing']).default('oke'),
  kube: kube.prefault({}),
  oci: oci.prefault({}),
  // Section rules are attached to their section, not the whole file: zod skips an object's
  // refinements once any field under it failed to parse, and one typo elsewhere must not hide
  // an overlapping subnet or an over-allowance cluster.
  network: network.superRefine(checkNetwork).prefault({}),
  cluster: cluster.superRefine(checkFreeTier).prefault({}),
  terraform: terraform.prefault({}),
  registry: registry.prefault({}),
  charts,
  ingress: ingress.prefault({}),
  kafka: kafka.prefault({}),
  dapr: dapr.prefault({}),
  apps: apps.superRefine(checkHpa).prefault({}),
  monitoring: monitoring.prefault({}),
  hardening: hardening.prefault({}),
  pipeline: pipeline.prefault({}),
  secrets: secrets.prefault({}),
});

/** Rules that span sections; they run once every section parsed. */
export const configSchema = configShape.superRefine((cfg, ctx) => {
  checkTopics(cfg, ctx);
});

export type Config = z.infer<typeof configSchema>;
/** What a user may write: every field optional where a default exists. */
export type ConfigInput = z.input<typeof configSchema>;

function checkHpa(a: z.infer<typeof apps>, ctx: z.RefinementCtx): void {
  for (const [name, comp] of [
    ['frontend', a.frontend],
    ['backend', a.backend],
  ] as const) {
    if (comp.hpa.minReplicas > comp.hpa.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: [name, 'hpa', 'minReplicas'],
        message: `is above maxReplicas (${comp.hpa.maxReplicas}); lower it or raise maxReplicas`,
      });
    }
  }
}

function checkNetwork(net: z.infer<typeof network>, ctx: z.RefinementCtx): void {
  const fields = ['vcnCidr', 'publicSubnetCidr', 'privateSubnetCidr'] as const;
  const parsed = new Map<string, ReturnType<typeof parseCidr>>();
  for (const field of fields) {
    const result = parseCidr(net[field]);
    parsed.set(field, result);
    if (typeof result === 'string') {
      ctx.addIssue({ code: 'custom', path: [field], message: result });
    }
  }
  const vcn = parsed.get('vcnCidr');
  const pub = parsed.get('publicSubnetCidr');
  const priv = parsed.get('privateSubnetCidr');
  if (typeof vcn === 'object' && vcn) {
    for (const [field, sub] of [
      ['publicSubnetCidr', pub],
      ['privateSubnetCidr', priv],
    ] as const) {
      if (typeof sub === 'object' && sub && !contains(vcn, sub)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${sub.text} is outside the VCN ${vcn.text}; pick a range inside it`,
        });
      }
    }
  }
  if (typeof pub === 'object' && pub && typeof priv === 'object' && priv && overlaps(pub, priv)) {
    ctx.addIssue({
      code: 'custom',
      path: ['privateSubnetCidr'],
      message: `${priv.text} overlaps the public subnet ${pub.text}; subnets must not overlap`,
    });
  }
}

function checkFreeTier(c: z.infer<typeof cluster>, ctx: z.RefinementCtx): void {
  if (c.allowBeyondFreeTier || c.nodeShape !== 'VM.Standard.A1.Flex') return;
  const ocpus = c.nodeCount * c.ocpusPerNode;
  const mem = c.nodeCount * c.memoryGbPerNode;
  if (ocpus > FREE_TIER.ocpus) {
    ctx.addIssue({
      code: 'custom',
      path: ['ocpusPerNode'],
      message:
        `${c.nodeCount} node(s) × ${c.ocpusPerNode} OCPU = ${ocpus} OCPU exceeds the Always Free ` +
        `${FREE_TIER.ocpus} OCPU; reduce it or set cluster.allowBeyondFreeTier: true`,
    });
  }
  if (mem > FREE_TIER.memoryGb) {
    ctx.addIssue({
      code: 'custom',
      path: ['memoryGbPerNode'],
      message:
        `${c.nodeCount} node(s) × ${c.memoryGbPerNode} GB = ${mem} GB exceeds the Always Free ` +
        `${FREE_TIER.memoryGb} GB; reduce it or set cluster.allowBeyondFreeTier: true`,
    });
  }
}

function checkTopics(cfg: Config, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  cfg.kafka.topics.forEach((t, i) => {
    if (names.has(t.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kafka', 'topics', i, 'name'],
        message: `topic ${t.name} is listed twice; remove one`,
      });
    }
    names.add(t.name);
  });
  cfg.apps.workers.forEach((w, i) => {
    w.topics.forEach((topic, j) => {
      if (!names.has(topic)) {
        ctx.addIssue({
          code: 'custom',
          path: ['apps', 'workers', i, 'topics', j],
          message: `topic ${topic} is not in kafka.topics; add it there or fix the name`,
        });
      }
    });
  });
}
