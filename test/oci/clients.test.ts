// The SDK clients against the OCI API simulator: signatures verify, errors map to coded errors,
// 429/5xx are retried with backoff, and a signing problem is a test failure, not a pass.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { openSession, type OciSession } from '../../src/oci/clients.js';
import { FAST_RETRY, setup, useUnknownKey, type Fixture } from './fixtures.ts';

let fx: Fixture;
let session: OciSession;
let lines: string[];

beforeEach(async () => {
  fx = await setup();
  const mem = memoryLogger(2);
  lines = mem.lines;
  session = openSession({
    configFile: fx.configFile,
    profile: 'DEFAULT',
    endpoint: fx.sim.url,
    log: mem.logger,
    retry: FAST_RETRY,
  });
});
afterEach(async () => fx.cleanup());

describe('OCI clients against the simulator', () => {
  it('signs GET requests the simulator verifies (identity getTenancy)', async () => {
    const identity = await session.identity();
    const res = await session.call('getTenancy', () =>
      identity.getTenancy({ tenancyId: fx.sim.state.tenancyId }),
    );
    expect(res.tenancy.homeRegionKey).toBe('FRA');
    const rec = fx.sim.requests.at(-1);
    expect(rec?.status).toBe(200);
    expect(rec?.signatureProblem).toBeUndefined();
    expect(rec?.headers.authorization).toMatch(/^Signature version="1",/);
  });

  it('signs POST bodies (x-content-sha256, content-length) the simulator verifies', async () => {
    const artifacts = await session.artifacts();
    const res = await session.call('createContainerRepository', () =>
      artifacts.createContainerRepository({
        createContainerRepositoryDetails: {
          compartmentId: fx.sim.state.tenancyId,
          displayName: 'todo-frontend',
        },
      }),
    );
    expect(res.containerRepository.displayName).toBe('todo-frontend');
    const rec = fx.sim.requests.at(-1);
    expect(rec?.headers['x-content-sha256']).toBeTruthy();
    expect(rec?.headers.authorization).toContain('x-content-sha256');
  });

  it('maps 401 from a key the service does not know to OCI_NOT_AUTHENTICATED naming the profile', async () => {
    const other = useUnknownKey(fx);
    const s = openSession({
      configFile: fx.configFile,
      profile: 'DEFAULT',
      endpoint: fx.sim.url,
      log: memoryLogger().logger,
      retry: FAST_RETRY,
    });
    const identity = await s.identity();
    const err = await s
      .call('getTenancy', () => identity.getTenancy({ tenancyId: fx.sim.state.tenancyId }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OCI_NOT_AUTHENTICATED', source: 'user' });
    expect((err as { hint: string }).hint).toContain('profile [DEFAULT]');
    expect(fx.sim.requests.at(-1)?.signatureProblem).toBe(
      'unknown keyId ' + `${fx.sim.state.tenancyId}/${fx.sim.state.userId}/${other.fingerprint}`,
    );
  });

  it('maps 404 NotAuthorizedOrNotFound to OCI_NOT_FOUND', async () => {
    const identity = await session.identity();
    const err = await session
      .call('getCompartment', () =>
        identity.getCompartment({ compartmentId: 'ocid1.compartment.oc1..missingmissingmissing' }),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OCI_NOT_FOUND' });
    expect((err as Error).message).toContain('NotAuthorizedOrNotFound');
  });

  it('retries 429 TooManyRequests with backoff, then succeeds', async () => {
    fx.sim.fault({ path: /regionSubscriptions$/, status: 429, code: 'TooManyRequests', times: 2 });
    const identity = await session.identity();
    const res = await session.call('listRegionSubscriptions', () =>
      identity.listRegionSubscriptions({ tenancyId: fx.sim.state.tenancyId }),
    );
    expect(res.items.map((r) => r.regionName)).toEqual(['eu-frankfurt-1']);
    const statuses = fx.sim.requests
      .filter((r) => r.path.endsWith('regionSubscriptions'))
      .map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
    expect(lines.filter((l) => l.includes('429 TooManyRequests; retrying'))).toHaveLength(2);
  });

  it('gives up on persistent 429 with OCI_THROTTLED after the configured attempts', async () => {
    fx.sim.fault({ path: /regionSubscriptions$/, status: 429, code: 'TooManyRequests', times: 99 });
    const identity = await session.identity();
    const err = await session
      .call('listRegionSubscriptions', () =>
        identity.listRegionSubscriptions({ tenancyId: fx.sim.state.tenancyId }),
      )
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'OCI_THROTTLED', source: 'environment' });
    expect(fx.sim.requests.filter((r) => r.status === 429)).toHaveLength(FAST_RETRY.attempts);
  });

  it('retries 500 and reports OCI_SERVICE_ERROR when it persists', async () => {
    fx.sim.fault({
      path: /tenancies\/[^/]+$/,
      status: 500,
      code: 'InternalServerError',
      times: 99,
    });
    const identity = await session.identity();
    const err = await session
      .call('getTenancy', () => identity.getTenancy({ tenancyId: fx.sim.state.tenancyId }))
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'OCI_SERVICE_ERROR' });
    expect((err as { details: string[] }).details[0]).toMatch(/^opc-request-id: sim-/);
  });

  it('reports OCI_UNREACHABLE when nothing listens at the endpoint', async () => {
    await fx.sim.close();
    const identity = await session.identity();
    const err = await session
      .call('getTenancy', () => identity.getTenancy({ tenancyId: fx.sim.state.tenancyId }))
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'OCI_UNREACHABLE' });
  });
});
