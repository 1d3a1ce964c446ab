// The OCI API simulator must reject what OCI rejects, or the client tests prove nothing: these
// requests are signed by hand (not with src/) and then broken in one way each.
import { createHash, sign } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { clusterLifecycleState } from '../../src/oci/cluster.js';
import { openSession } from '../../src/oci/clients.js';
import { FAST_RETRY, setup, testKey, type Fixture } from './fixtures.ts';
import { simOcid } from './oci-simulator-state.ts';

let fx: Fixture;
beforeEach(async () => {
  fx = await setup();
});
afterEach(async () => fx.cleanup());

interface Opts {
  method?: string;
  path?: string;
  body?: string;
  signedPath?: string;
  signedBody?: string;
  headerNames?: string[];
  date?: Date;
  keyId?: string;
}

async function send(o: Opts = {}) {
  const method = o.method ?? 'GET';
  const path = o.path ?? `/20160918/tenancies/${fx.sim.state.tenancyId}`;
  const host = new URL(fx.sim.url).host;
  const body = o.body ?? '';
  const headers: Record<string, string> = {
    date: (o.date ?? new Date()).toUTCString(),
    host,
  };
  const names =
    o.headerNames ??
    (method === 'GET'
      ? ['date', '(request-target)', 'host']
      : ['date', '(request-target)', 'host', 'content-length', 'content-type', 'x-content-sha256']);
  if (method !== 'GET') {
    const signedBody = o.signedBody ?? body;
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(signedBody));
    headers['x-content-sha256'] = createHash('sha256').update(signedBody).digest('base64');
  }
  const text = names
    .map((n) =>
      n === '(request-target)'
        ? `(request-target): ${method.toLowerCase()} ${o.signedPath ?? path}`
        : `${n}: ${headers[n]}`,
    )
    .join('\n');
  const signature = sign('sha256', Buffer.from(text), testKey().privatePem).toString('base64');
  const keyId = o.keyId ?? `${fx.sim.state.tenancyId}/${fx.sim.state.userId}/${fx.key.fingerprint}`;
  headers.authorization =
    `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",` +
    `headers="${names.join(' ')}",signature="${signature}"`;
  const { host: _h, 'content-length': _l, ...sendable } = headers;
  const res = await fetch(`${fx.sim.url}${path}`, {
    method,
    headers: sendable,
    ...(method === 'GET' ? {} : { body }),
  });
  return { status: res.status, problem: fx.sim.requests.at(-1)?.signatureProblem };
}

describe('OCI API simulator signature checks', () => {
  it('accepts a correctly signed GET and POST', async () => {
    expect(await send()).toEqual({ status: 200, problem: undefined });
    const body = JSON.stringify({ compartmentId: fx.sim.state.tenancyId, displayName: 'r' });
    expect(
      (await send({ method: 'POST', path: '/20160918/container/repositories', body })).status,
    ).toBe(200);
  });

  it('rejects a signature over another path', async () => {
    expect(await send({ signedPath: '/20160918/tenancies/other' })).toEqual({
      status: 401,
      problem: 'signature does not verify',
    });
  });

  it('rejects a body that differs from the signed digest', async () => {
    const res = await send({
      method: 'POST',
      path: '/20160918/container/repositories',
      body: '{"displayName":"b"}',
      signedBody: '{"displayName":"a"}',
    });
    expect(res).toEqual({ status: 401, problem: 'body digest' });
  });

  it('rejects requests that do not sign host, or bodies without their digest', async () => {
    expect((await send({ headerNames: ['date', '(request-target)'] })).problem).toBe(
      'header host is not signed',
    );
    expect(
      (
        await send({
          method: 'POST',
          path: '/20160918/container/repositories',
          body: '{}',
          headerNames: ['date', '(request-target)', 'host'],
        })
      ).problem,
    ).toBe('header content-length is not signed');
  });

  it('rejects a date outside the 5-minute window and an unknown key', async () => {
    expect((await send({ date: new Date(Date.now() - 6 * 60_000) })).problem).toMatch(
      /outside the allowed clock skew/,
    );
    expect((await send({ keyId: 'ocid1.tenancy.oc1..x/ocid1.user.oc1..y/00:11' })).problem).toMatch(
      /^unknown keyId/,
    );
  });

  it('serves cluster lifecycle state to the Container Engine client', async () => {
    const id = simOcid('cluster', 'eu-frankfurt-1');
    fx.sim.state.clusters.set(id, {
      id,
      server: 'https://203.0.113.1:6443',
      caData: '',
      lifecycleState: 'CREATING',
    });
    const s = openSession({
      configFile: fx.configFile,
      profile: 'DEFAULT',
      endpoint: fx.sim.url,
      log: memoryLogger().logger,
      retry: FAST_RETRY,
    });
    expect(await clusterLifecycleState(s, id)).toBe('CREATING');
  });
});
