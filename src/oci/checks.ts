// The cloud half of `todo-infra check`: credentials, region, compartment, Always Free capacity.
// Each finding is a CheckOutcome with the numbers that were seen, so a user can tell "no A1
// capacity in this region right now" from "my compartment OCID is wrong" without the console.
import type { Config } from '../config/schema.js';
import { isTodoInfraError } from '../core/errors.js';
import { log as rootLog, type Logger } from '../core/log.js';
import type { CheckOutcome } from '../preflight/types.js';
import { a1Capacity, describeCapacity, flexibleLbAvailable, nodesThatFit } from './capacity.js';
import { openSession, sessionOptions, type OciSession } from './clients.js';
import type { RetryPolicy } from './call.js';

export interface CloudCheckOptions {
  log?: Logger;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

function failed(id: string, title: string, err: unknown, optional = false): CheckOutcome {
  if (isTodoInfraError(err)) {
    return { id, title, ok: false, detail: err.message, fix: err.hint, optional };
  }
  return { id, title, ok: false, detail: String(err), optional };
}

/** Runs one check; an exception becomes a failed outcome carrying the coded error's fix. */
async function guarded(
  id: string,
  title: string,
  run: () => Promise<Omit<CheckOutcome, 'id' | 'title'>>,
  optional = false,
): Promise<CheckOutcome> {
  try {
    return { id, title, optional, ...(await run()) };
  } catch (err) {
    return failed(id, title, err, optional);
  }
}

export async function cloudChecks(
  config: Config,
  options: CloudCheckOptions = {},
): Promise<CheckOutcome[]> {
  const log = (options.log ?? rootLog()).child('oci');
  let s: OciSession;
  try {
    s = openSession({
      ...sessionOptions(config, log),
      retry: options.retry,
      signal: options.signal,
    });
  } catch (err) {
    return [failed('oci-config', 'OCI API key profile', err)];
  }
  const profile: CheckOutcome = {
    id: 'oci-config',
    title: 'OCI API key profile',
    ok: true,
    detail: `[${s.auth.profile}] in ${s.auth.configFile}, key ${s.auth.fingerprint}`,
  };
  const creds = await guarded('oci-credentials', 'OCI credentials accepted', async () => {
    const identity = await s.identity();
    const t = await s.call('getTenancy', () =>
      identity.getTenancy({ tenancyId: s.auth.tenancyId }),
    );
    return {
      ok: true,
      detail:
        `tenancy ${t.tenancy.name ?? s.auth.tenancyId} ` +
        `(home region ${t.tenancy.homeRegionKey ?? '?'})`,
    };
  });
  // Without accepted credentials every other call would fail the same way: say it once.
  if (!creds.ok) return [profile, creds];
  const compartmentId = config.oci.compartmentId ?? s.auth.tenancyId;
  const need = {
    nodeCount: config.cluster.nodeCount,
    ocpusPerNode: config.cluster.ocpusPerNode,
    memoryGbPerNode: config.cluster.memoryGbPerNode,
  };
  const rest = await Promise.all([
    regionCheck(s),
    compartmentCheck(s, compartmentId, config.oci.createCompartment),
    config.cluster.nodeShape === 'VM.Standard.A1.Flex'
      ? capacityCheck(s, compartmentId, need)
      : Promise.resolve({
          id: 'oci-a1-capacity',
          title: 'Ampere A1 capacity',
          ok: true,
          optional: true,
          detail: `not checked: node shape is ${config.cluster.nodeShape}`,
        }),
    lbCheck(s, compartmentId),
  ]);
  return [profile, creds, ...rest];
}

function regionCheck(s: OciSession): Promise<CheckOutcome> {
  return guarded('oci-region', `region ${s.region} subscribed`, async () => {
    const identity = await s.identity();
    const res = await s.call('listRegionSubscriptions', () =>
      identity.listRegionSubscriptions({ tenancyId: s.auth.tenancyId }),
    );
    const sub = res.items.find((r) => r.regionName === s.region);
    const all = res.items.map((r) => `${r.regionName} (${r.status})`).join(', ');
    if (sub?.status === 'READY') return { ok: true, detail: `subscribed regions: ${all}` };
    return {
      ok: false,
      detail: sub ? `${s.region} is ${sub.status}` : `${s.region} is not subscribed (${all})`,
      fix: sub
        ? 'Wait for the subscription to finish, then re-run.'
        : 'Set oci.region (or the profile region) to a subscribed region, or subscribe to it ' +
          'in the console (Governance → Region management). Always Free A1 lives in the ' +
          'home region.',
    };
  });
}

function compartmentCheck(s: OciSession, id: string, create?: string): Promise<CheckOutcome> {
  return guarded('oci-compartment', 'compartment exists', async () => {
    const identity = await s.identity();
    const c = await s.call('getCompartment', () => identity.getCompartment({ compartmentId: id }));
    const state = c.compartment.lifecycleState;
    const then = create ? `; compartment ${create} will be created inside it` : '';
    if (state === 'ACTIVE') return { ok: true, detail: `${c.compartment.name} is ACTIVE${then}` };
    return {
      ok: false,
      detail: `${c.compartment.name} is ${state}`,
      fix: 'Use an ACTIVE compartment in oci.compartmentId.',
    };
  });
}

function capacityCheck(
  s: OciSession,
  compartmentId: string,
  need: { nodeCount: number; ocpusPerNode: number; memoryGbPerNode: number },
) {
  return guarded('oci-a1-capacity', 'Ampere A1 capacity (Always Free)', async () => {
    const capacity = await a1Capacity(s, compartmentId);
    const fits = nodesThatFit(capacity, need);
    const wanted =
      `needs ${need.nodeCount} × ${need.ocpusPerNode} OCPU / ` +
      `${need.memoryGbPerNode} GB = ${need.nodeCount * need.ocpusPerNode} OCPU / ` +
      `${need.nodeCount * need.memoryGbPerNode} GB`;
    const detail = `${describeCapacity(capacity)} — ${wanted}`;
    if (fits >= need.nodeCount) return { ok: true, detail };
    return {
      ok: false,
      detail: `${detail}; only ${fits} node(s) fit`,
      fix:
        'Free A1 capacity used by other instances (Compute → Instances), or lower ' +
        'cluster.nodeCount / ocpusPerNode / memoryGbPerNode.',
    };
  });
}

function lbCheck(s: OciSession, compartmentId: string): Promise<CheckOutcome> {
  return guarded('oci-lb-allowance', 'flexible load balancer allowance', async () => {
    const n = await flexibleLbAvailable(s, compartmentId);
    if (n >= 1) {
      return { ok: true, detail: `${n} flexible load balancer(s) available (ingress needs 1)` };
    }
    return {
      ok: false,
      detail:
        'no flexible load balancer left (lb-flexible-count: 0 available; ' + 'ingress needs 1)',
      fix: 'Delete an unused load balancer (Networking → Load balancers).',
    };
  });
}
