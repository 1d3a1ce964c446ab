// Always Free capacity, read from the Limits service: how many A1 OCPUs and GB of memory each
// availability domain still has for this tenancy, and whether a flexible load balancer is
// left. The numbers are shown to the user either way, because "Out of host capacity" later,
// in the middle of terraform apply, is the failure this check exists to prevent.
import type { OciSession } from './clients.js';

export interface AdCapacity {
  ad: string;
  ocpus: number;
  memoryGb: number;
}

export interface CapacityNeed {
  nodeCount: number;
  ocpusPerNode: number;
  memoryGbPerNode: number;
}

export async function availabilityDomains(s: OciSession): Promise<string[]> {
  const identity = await s.identity();
  const res = await s.call('listAvailabilityDomains', () =>
    identity.listAvailabilityDomains({ compartmentId: s.auth.tenancyId }),
  );
  return res.items.map((ad) => ad.name ?? '').filter((n) => n.length > 0);
}

async function available(
  s: OciSession,
  compartmentId: string,
  service: string,
  limit: string,
  ad?: string,
): Promise<number> {
  const limits = await s.limits();
  const res = await s.call(
    `getResourceAvailability ${service}/${limit}${ad ? ` in ${ad}` : ''}`,
    () =>
      limits.getResourceAvailability({
        serviceName: service,
        limitName: limit,
        compartmentId,
        ...(ad ? { availabilityDomain: ad } : {}),
      }),
  );
  return res.resourceAvailability.available ?? 0;
}

/** Free A1 OCPUs and memory per availability domain (A1 limits are per AD). */
export async function a1Capacity(s: OciSession, compartmentId: string): Promise<AdCapacity[]> {
  const ads = await availabilityDomains(s);
  return Promise.all(
    ads.map(async (ad) => {
      const [ocpus, memoryGb] = await Promise.all([
        available(s, compartmentId, 'compute', 'standard-a1-core-count', ad),
        available(s, compartmentId, 'compute', 'standard-a1-memory-count', ad),
      ]);
      return { ad, ocpus, memoryGb };
    }),
  );
}

/**
 * How many nodes of the requested size fit: a node needs its OCPUs and memory in one AD, so
 * capacity is counted per AD, never summed across ADs.
 */
export function nodesThatFit(capacity: AdCapacity[], need: CapacityNeed): number {
  return capacity.reduce(
    (sum, c) =>
      sum +
      Math.max(
        0,
        Math.floor(Math.min(c.ocpus / need.ocpusPerNode, c.memoryGb / need.memoryGbPerNode)),
      ),
    0,
  );
}

/**
 * Flexible load balancers left in the region. OKE's cloud controller creates one for the
 * ingress Service; the Always Free one is the 10 Mbps flexible shape, counted under this limit.
 */
export async function flexibleLbAvailable(s: OciSession, compartmentId: string): Promise<number> {
  return available(s, compartmentId, 'load-balancer', 'lb-flexible-count');
}

/** "AD-1: 4 OCPU / 24 GB" lines, with the tenancy prefix (Uocm:) dropped for readability. */
export function describeCapacity(capacity: AdCapacity[]): string {
  return capacity
    .map((c) => `${c.ad.replace(/^[^:]+:/, '')}: ${c.ocpus} OCPU / ${c.memoryGb} GB free`)
    .join('; ');
}
