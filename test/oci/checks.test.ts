// `check`'s cloud checks against the OCI API simulator: the numbers are shown, shortfalls fail
// with a fix, and an authentication failure is reported once instead of five times.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { memoryLogger } from '../../src/core/log.js';
import { cloudChecks } from '../../src/oci/checks.js';
import { nodesThatFit } from '../../src/oci/capacity.js';
import { FAST_RETRY, setup, useUnknownKey, type Fixture } from './fixtures.ts';

let fx: Fixture;
beforeEach(async () => {
  fx = await setup();
});
afterEach(async () => fx.cleanup());

function config(
  extra: Record<string, unknown> = {},
  cluster: Record<string, unknown> = {},
): Config {
  return configSchema.parse({
    oci: { configFile: fx.configFile, endpoint: fx.sim.url, ...extra },
    cluster,
  });
}

const run = (c: Config) => cloudChecks(c, { log: memoryLogger().logger, retry: FAST_RETRY });
const byId = (outcomes: Awaited<ReturnType<typeof run>>, id: string) => {
  const found = outcomes.find((o) => o.id === id);
  if (!found) throw new Error(`no outcome ${id} in ${outcomes.map((o) => o.id).join(',')}`);
  return found;
};

describe('cloudChecks', () => {
  it('passes on a healthy tenancy and shows the capacity numbers against the need', async () => {
    const out = await run(config());
    expect(out.map((o) => o.id)).toEqual([
      'oci-config',
      'oci-credentials',
      'oci-region',
      'oci-compartment',
      'oci-a1-capacity',
      'oci-lb-allowance',
    ]);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(byId(out, 'oci-a1-capacity').detail).toBe(
      'EU-FRANKFURT-1-AD-1: 4 OCPU / 24 GB free; EU-FRANKFURT-1-AD-2: 4 OCPU / 24 GB free; ' +
        'EU-FRANKFURT-1-AD-3: 4 OCPU / 24 GB free — needs 1 × 2 OCPU / 8 GB = 2 OCPU / 8 GB',
    );
    expect(byId(out, 'oci-lb-allowance').detail).toContain('1 flexible load balancer(s) available');
    // Every call went out signed and verified.
    expect(fx.sim.requests.every((r) => r.signatureProblem === undefined)).toBe(true);
  });

  it('fails capacity when no AD can hold a node, with the per-AD numbers', async () => {
    for (const ad of fx.sim.state.availabilityDomains) {
      fx.sim.state.limits.set(`compute/standard-a1-core-count/${ad}`, { used: 3, available: 1 });
    }
    const a1 = byId(await run(config()), 'oci-a1-capacity');
    expect(a1.ok).toBe(false);
    expect(a1.detail).toContain('EU-FRANKFURT-1-AD-1: 1 OCPU / 24 GB free');
    expect(a1.detail).toContain('only 0 node(s) fit');
    expect(a1.fix).toContain('cluster.nodeCount');
  });

  it('counts capacity per AD: 2 × 1-OCPU nodes fit in two ADs with 1 OCPU each', () => {
    const caps = [
      { ad: 'a', ocpus: 1, memoryGb: 6 },
      { ad: 'b', ocpus: 1, memoryGb: 6 },
    ];
    expect(nodesThatFit(caps, { nodeCount: 2, ocpusPerNode: 1, memoryGbPerNode: 6 })).toBe(2);
    expect(nodesThatFit(caps, { nodeCount: 1, ocpusPerNode: 2, memoryGbPerNode: 6 })).toBe(0);
  });

  it('fails the load balancer check when none is left', async () => {
    fx.sim.state.limits.set('load-balancer/lb-flexible-count/', { used: 1, available: 0 });
    const lb = byId(await run(config()), 'oci-lb-allowance');
    expect(lb).toMatchObject({ ok: false });
    expect(lb.detail).toContain('lb-flexible-count: 0 available');
  });

  it('reports an unsubscribed region with the subscribed ones', async () => {
    const region = byId(await run(config({ region: 'us-ashburn-1' })), 'oci-region');
    expect(region.ok).toBe(false);
    expect(region.detail).toBe('us-ashburn-1 is not subscribed (eu-frankfurt-1 (READY))');
  });

  it('reports a missing compartment as not found / not authorized', async () => {
    const c = byId(
      await run(
        config({
          compartmentId: 'ocid1.compartment.oc1..aaaaaaaamissingmissingmissing',
        }),
      ),
      'oci-compartment',
    );
    expect(c.ok).toBe(false);
    expect(c.detail).toContain('404 NotAuthorizedOrNotFound');
    expect(c.fix).toContain('IAM policies');
  });

  it('reports an inactive compartment', async () => {
    const id = 'ocid1.compartment.oc1..aaaaaaaadeleteddeleteddeleted';
    fx.sim.state.compartments.set(id, { name: 'old', lifecycleState: 'DELETED', parent: '' });
    const c = byId(await run(config({ compartmentId: id })), 'oci-compartment');
    expect(c).toMatchObject({ ok: false, detail: 'old is DELETED' });
  });

  it('stops after rejected credentials: one failure, naming the profile', async () => {
    useUnknownKey(fx);
    const out = await run(config());
    expect(out.map((o) => [o.id, o.ok])).toEqual([
      ['oci-config', true],
      ['oci-credentials', false],
    ]);
    expect(out[1]?.fix).toContain('profile [DEFAULT]');
  });

  it('turns a local credential problem into one failed outcome with the fix', async () => {
    const out = await run(config({ profile: 'missing' }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'oci-config', ok: false });
    expect(out[0]?.fix).toContain('DEFAULT');
  });

  it('survives throttling: 429 on a limit call is retried and the check still passes', async () => {
    fx.sim.fault({ path: /resourceAvailability$/, status: 429, code: 'TooManyRequests', times: 2 });
    const out = await run(config());
    expect(byId(out, 'oci-a1-capacity').ok).toBe(true);
    expect(fx.sim.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });
});
