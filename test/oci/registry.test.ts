// OCIR through the simulator: host from the region key, namespace from the container
// configuration, repositories created once (list first, 409 = exists), the auth token
// registered for redaction the moment it arrives, and the .dockerconfigjson built in memory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { clearSecretsForTests, redact } from '../../src/core/redact.js';
import { openSession, type OciSession } from '../../src/oci/clients.js';
import {
  createAuthToken,
  dockerConfigJson,
  ensureRepositories,
  missingRepositories,
  ocirHost,
  ocirNamespace,
  ocirUsername,
  pullSecret,
  pullSecretLogin,
} from '../../src/oci/registry.js';
import { FAST_RETRY, setup, type Fixture } from './fixtures.ts';

let fx: Fixture;
let s: OciSession;
let lines: string[];
const NAMES = ['todo-frontend', 'todo-backend', 'todo-worker'];

beforeEach(async () => {
  fx = await setup();
  const mem = memoryLogger(2);
  lines = mem.lines;
  s = openSession({
    configFile: fx.configFile,
    profile: 'DEFAULT',
    endpoint: fx.sim.url,
    log: mem.logger,
    retry: FAST_RETRY,
  });
});
afterEach(async () => {
  clearSecretsForTests();
  await fx.cleanup();
});

describe('OCIR host and namespace', () => {
  it('maps regions to <key>.ocir.io from the SDK region table', async () => {
    expect(await ocirHost('eu-frankfurt-1')).toBe('fra.ocir.io');
    expect(await ocirHost('us-ashburn-1')).toBe('iad.ocir.io');
    expect(await ocirHost('ap-tokyo-1')).toBe('nrt.ocir.io');
    expect(await ocirHost('eu-frankfurt-1', 'registry.example.com')).toBe('registry.example.com');
  });

  it('asks for registry.host when the region is unknown', async () => {
    await expect(ocirHost('xx-nowhere-1')).rejects.toMatchObject({ code: 'OCIR_HOST_UNKNOWN' });
  });

  it('reads the namespace from the container configuration unless configured', async () => {
    expect(await ocirNamespace(s)).toBe(fx.sim.state.namespace);
    expect(await ocirNamespace(s, 'mine')).toBe('mine');
    const configReads = fx.sim.requests.filter((r) => r.path.endsWith('/container/configuration'));
    expect(configReads).toHaveLength(1);
  });

  it('builds the login as <namespace>/<user name>', async () => {
    expect(await ocirUsername(s, 'ns1')).toBe(`ns1/${fx.sim.state.userName}`);
  });
});

describe('ensureRepositories', () => {
  it('creates missing repositories, then finds them without creating again', async () => {
    const c = fx.sim.state.tenancyId;
    expect((await ensureRepositories(s, c, NAMES)).map((r) => r.action)).toEqual([
      'created',
      'created',
      'created',
    ]);
    const posts = () => fx.sim.requests.filter((r) => r.method === 'POST').length;
    expect(posts()).toBe(3);
    expect((await ensureRepositories(s, c, NAMES)).map((r) => r.action)).toEqual([
      'exists',
      'exists',
      'exists',
    ]);
    expect(posts()).toBe(3);
    expect(await missingRepositories(s, c, NAMES)).toEqual([]);
  });

  it('treats 409 (name taken in another compartment) as success', async () => {
    const other = 'ocid1.compartment.oc1..aaaaaaaaotherotherotherother';
    fx.sim.state.repositories.push({
      id: 'r1',
      compartmentId: other,
      displayName: 'todo-worker',
      namespace: fx.sim.state.namespace,
    });
    const res = await ensureRepositories(s, fx.sim.state.tenancyId, NAMES);
    expect(res.map((r) => [r.name, r.action])).toEqual([
      ['todo-frontend', 'created'],
      ['todo-backend', 'created'],
      ['todo-worker', 'exists-elsewhere'],
    ]);
    expect(fx.sim.requests.filter((r) => r.status === 409)).toHaveLength(1);
  });

  it('reports missing repositories', async () => {
    await ensureRepositories(s, fx.sim.state.tenancyId, ['todo-frontend']);
    expect(await missingRepositories(s, fx.sim.state.tenancyId, NAMES)).toEqual([
      'todo-backend',
      'todo-worker',
    ]);
  });

  it('fails with OCI_SERVICE_ERROR when creation keeps failing with 500', async () => {
    fx.sim.fault({
      method: 'POST',
      path: /container\/repositories$/,
      status: 500,
      code: 'InternalServerError',
      times: 99,
    });
    await expect(ensureRepositories(s, fx.sim.state.tenancyId, NAMES)).rejects.toMatchObject({
      code: 'OCI_SERVICE_ERROR',
    });
  });

  it('fails with OCI_NOT_FOUND for a compartment it cannot see', async () => {
    fx.sim.fault({
      method: 'GET',
      path: /container\/repositories$/,
      status: 404,
      code: 'NotAuthorizedOrNotFound',
      times: 1,
    });
    await expect(ensureRepositories(s, fx.sim.state.tenancyId, NAMES)).rejects.toMatchObject({
      code: 'OCI_NOT_FOUND',
    });
  });
});

describe('auth token and pull secret', () => {
  it('creates an auth token that is redacted from every log line, even at -vv', async () => {
    const token = await createAuthToken(s, 'todo-infra test');
    expect(token).toBe(fx.sim.state.authTokens[0]?.token);
    expect(redact(`password=${token}`)).toBe('password=[redacted]');
    s.log.debug(`accidental: ${token}`);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.some((l) => l.includes('accidental: [redacted]'))).toBe(true);
  });

  it('maps a 401 on createAuthToken to OCI_NOT_AUTHENTICATED', async () => {
    fx.sim.fault({ path: /authTokens$/, status: 401, code: 'NotAuthenticated', times: 1 });
    await expect(createAuthToken(s, 'x')).rejects.toMatchObject({ code: 'OCI_NOT_AUTHENTICATED' });
  });

  it('builds a dockerconfigjson Secret whose auth is base64(user:token)', () => {
    const obj = pullSecret(
      'ocir-pull',
      'todo-app',
      'fra.ocir.io',
      'ns/devops@example.com',
      'T0ken+/=x',
    );
    expect(obj).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'ocir-pull', namespace: 'todo-app' },
    });
    const json = Buffer.from(
      (obj.data as Record<string, string>)['.dockerconfigjson'] ?? '',
      'base64',
    ).toString();
    expect(JSON.parse(json)).toEqual({
      auths: {
        'fra.ocir.io': {
          username: 'ns/devops@example.com',
          password: 'T0ken+/=x',
          auth: Buffer.from('ns/devops@example.com:T0ken+/=x').toString('base64'),
        },
      },
    });
    expect(pullSecretLogin(obj, 'fra.ocir.io')).toBe('ns/devops@example.com');
    expect(pullSecretLogin(obj, 'iad.ocir.io')).toBeUndefined();
    // Every encoding of the password that could be printed is masked.
    const data = (obj.data as Record<string, string>)['.dockerconfigjson'] ?? '';
    expect(redact(data)).toBe('[redacted]');
    expect(redact(dockerConfigJson('fra.ocir.io', 'u', 'T0ken+/=x'))).not.toContain('T0ken+/=x');
  });
});
