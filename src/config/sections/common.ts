// Building blocks shared by the config sections.
import { z } from 'zod';
import { ocidPattern } from '../ocid.js';

/** An OCID of one of the given resource types (any type when none is given). */
export function ocid(...types: string[]) {
  const what = types.length > 0 ? `an OCID of a ${types.join(' or ')}` : 'an OCID';
  return z.string().regex(ocidPattern(...types), {
    message: `must be ${what}, like ocid1.${types[0] ?? 'compartment'}.oc1..aaaaaaaa…`,
  });
}

/** Kubernetes CPU quantity (e.g. 250m, 1, 1.5). */
export const cpu = z
  .string()
  .regex(/^(\d+m|\d+(\.\d+)?)$/, { message: 'must be a CPU quantity such as 250m or 1' });

/** Kubernetes memory quantity (e.g. 256Mi, 1Gi). */
export const memory = z
  .string()
  .regex(/^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/, { message: 'must be a memory quantity such as 256Mi' });

export const resources = z.strictObject({
  requests: z.strictObject({ cpu, memory }),
  limits: z.strictObject({ cpu, memory }),
});
export type Resources = z.infer<typeof resources>;

export function res(reqCpu: string, reqMem: string, limCpu: string, limMem: string): Resources {
  return { requests: { cpu: reqCpu, memory: reqMem }, limits: { cpu: limCpu, memory: limMem } };
}

/** A DNS-1123 label: namespace and resource names. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message: 'must be lower-case letters, digits and dashes (a DNS label)',
  })
  .max(63);

/**
 * Where a Helm chart comes from. `ref` is an OCI reference (oci://…), a local chart directory
 * or .tgz (for mirrored and air-gapped installs), or a chart name resolved against `repo`.
 */
export const chartSource = z.strictObject({
  ref: z.string().min(1),
  repo: z.url().optional(),
  version: z.string().min(1),
});
export type ChartSource = z.infer<typeof chartSource>;

/** Seconds a wait may take before it fails with the last observed state. */
export const seconds = z.number().int().min(1).max(7200);
