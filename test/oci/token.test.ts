// The native OKE token: its signature is checked by the simulator's independent verifier (and
// over HTTP by its cluster_request endpoint), the ExecCredential carries a 4-minute expiry,
// and the cache is reused until shortly before that — without touching the key on a hit.
import { readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretsForTests, redact } from '../../src/core/redact.js';
import { runToken } from '../../src/oci/token.js';
import { setup, type Fixture } from './fixtures.ts';
import { simOcid } from './oci-simulator-state.ts';

let fx: Fixture;
let clusterId: string;
beforeEach(async () => {
  fx = await setup();
  clusterId = simOcid('cluster', 'eu-frankfurt-1');
});
afterEach(async () => {
  clearSecretsForTests();
  await fx.cleanup();
});

const base = () => ({
  clusterId,
  region: 'eu-frankfurt-1',
  configFile: fx.configFile,
  stateDir: join(fx.dir, 'state'),
});

function parse(json: string) {
  return JSON.parse(json) as {
    apiVersion: string;
    kind: string;
    status: { token: string; expirationTimestamp: string };
  };
}

describe('runToken', () => {
  it('prints an ExecCredential whose token verifies as a signed cluster_request', async () => {
    const now = new Date();
    const cred = parse(await runToken({ ...base(), now: () => now }));
    expect(cred.apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    expect(cred.kind).toBe('ExecCredential');
    expect(
      Date.parse(cred.status.expirationTimestamp) - Math.floor(now.getTime() / 1000) * 1000,
    ).toBe(4 * 60_000);
    expect(cred.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const check = fx.sim.verifyToken(cred.status.token);
    expect(check).toEqual({
      ok: true,
      clusterId,
      keyId: `${fx.sim.state.tenancyId}/${fx.sim.state.userId}/${fx.key.fingerprint}`,
    });
  });

  it('targets containerengine.<region>.oraclecloud.com and encodes like the OCI CLI', async () => {
    const { token } = parse(await runToken(base())).status;
    expect(token).not.toMatch(/[+/]/); // URL-safe alphabet
    expect(token.length % 4).toBe(0); // padding kept, as Python's urlsafe_b64encode does
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(`${url.origin}${url.pathname}`).toBe(
      `https://containerengine.eu-frankfurt-1.oraclecloud.com/cluster_request/${clusterId}`,
    );
    expect([...url.searchParams.keys()]).toEqual(['authorization', 'date']);
    expect(url.searchParams.get('authorization')).toMatch(
      new RegExp(
        '^Signature version="1",keyId="[^"]+",algorithm="rsa-sha256",' +
          'headers="date \\(request-target\\) host",signature="[A-Za-z0-9+/=]+"$',
      ),
    );
  });

  it('is accepted by the simulator cluster_request endpoint over HTTP, and a tampered one is not', async () => {
    const { token } = parse(await runToken({ ...base(), endpoint: fx.sim.url })).status;
    const url = Buffer.from(token, 'base64url').toString('utf8');
    expect(url.startsWith(`${fx.sim.url}/cluster_request/`)).toBe(true);
    expect((await fetch(url)).status).toBe(200);
    const other = url.replace(clusterId, simOcid('cluster', 'eu-frankfurt-1'));
    const res = await fetch(other);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, reason: 'signature does not verify' });
  });

  it('reuses the cached token (mode 600) without reading the key, then refreshes near expiry', async () => {
    const t0 = new Date();
    const first = parse(await runToken({ ...base(), now: () => t0 })).status.token;
    const dir = join(fx.dir, 'state', 'oke-tokens');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0] ?? '')).mode & 0o777).toBe(0o600);
    // With the key gone, only a cache hit can succeed.
    renameSync(fx.keyFile, `${fx.keyFile}.away`);
    const t1 = new Date(t0.getTime() + 3 * 60_000);
    expect(parse(await runToken({ ...base(), now: () => t1 })).status.token).toBe(first);
    // 20 s before expiry is inside the refresh margin: a new token needs the key again.
    const t2 = new Date(t0.getTime() + 3 * 60_000 + 40_000);
    await expect(runToken({ ...base(), now: () => t2 })).rejects.toMatchObject({
      code: 'OCI_KEY_FILE_MISSING',
    });
    renameSync(`${fx.keyFile}.away`, fx.keyFile);
    const refreshed = parse(await runToken({ ...base(), now: () => t2 })).status;
    expect(refreshed.token).not.toBe(first);
    expect(Date.parse(refreshed.expirationTimestamp)).toBe(
      Math.floor(t2.getTime() / 1000) * 1000 + 4 * 60_000,
    );
  });

  it('keeps separate cache entries per cluster', async () => {
    await runToken(base());
    await runToken({ ...base(), clusterId: simOcid('cluster', 'eu-frankfurt-1') });
    expect(readdirSync(join(fx.dir, 'state', 'oke-tokens'))).toHaveLength(2);
  });

  it('registers the token for redaction', async () => {
    const { token } = parse(await runToken(base())).status;
    expect(redact(`Authorization: Bearer ${token}`)).toBe('Authorization: Bearer [redacted]');
  });

  it('rejects a cluster id that is not a cluster OCID, and a malformed region', async () => {
    await expect(runToken({ ...base(), clusterId: 'my-cluster' })).rejects.toMatchObject({
      code: 'TOKEN_BAD_CLUSTER_ID',
      exitCode: 2,
    });
    await expect(runToken({ ...base(), region: 'Frankfurt' })).rejects.toMatchObject({
      code: 'TOKEN_BAD_REGION',
    });
  });
});
