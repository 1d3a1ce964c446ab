import { afterEach, describe, expect, it } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/log.js';
import { createKube } from '../../src/kube/index.js';
import {
  backoffDelay,
  isTransientNetworkError,
  isTransientStatus,
  parseRetryAfter,
} from '../../src/kube/retry.js';
import { startFakeApiServer, status, type FakeApiServer } from './fake-apiserver.js';

const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 300 };

describe('retry classification', () => {
  it('retries throttling and server errors only', () => {
    for (const s of [429, 500, 502, 503, 504]) expect(isTransientStatus(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 410, 422, 501])
      expect(isTransientStatus(s)).toBe(false);
  });

  it('finds network codes through undici cause chains', () => {
    const wrapped = new TypeError('fetch failed', {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
    expect(isTransientNetworkError(wrapped)).toBe(true);
    expect(isTransientNetworkError(new Error('socket hang up'))).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    // A wrong host name will not resolve on the next try either.
    expect(isTransientNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe(
      false,
    );
    expect(isTransientNetworkError(new Error('unexpected token'))).toBe(false);
  });

  it('grows the backoff window exponentially, caps it, and keeps half of it as a floor', () => {
    const p = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, p, undefined, () => 0)).toBe(50);
    expect(backoffDelay(1, p, undefined, () => 1)).toBe(100);
    expect(backoffDelay(3, p, undefined, () => 1)).toBe(400);
    expect(backoffDelay(9, p, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(9, p, undefined, () => 0)).toBe(500);
  });

  it('honours Retry-After (seconds or HTTP date), capped by the policy', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    const p = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, p, 700)).toBe(700);
    expect(backoffDelay(1, p, 60_000)).toBe(1000);
  });
});

describe('transport against a scripted API server', () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function kubeFor(s: FakeApiServer) {
    const { logger, lines } = memoryLogger(2);
    const kube = await createKube({ kubeconfigPath: s.kubeconfigPath, logger, retry: policy });
    return { kube, lines };
  }

  it('retries a 429 and honours its Retry-After, then succeeds', async () => {
    server = await startFakeApiServer([
      {
        status: 429,
        body: status(429, 'TooManyRequests', 'slow down'),
        headers: { 'retry-after': '1' },
      },
      { status: 200, body: { gitVersion: 'v1.36.3' } },
    ]);
    const { kube, lines } = await kubeFor(server);
    expect(await kube.serverVersion()).toBe('v1.36.3');
    expect(server.requests.map((r) => r.url)).toEqual(['/version', '/version']);
    // Retry-After said 1 s; the policy caps every wait at 300 ms.
    expect(lines.some((l) => /retrying GET \/version in 300 ms after HTTP 429/.test(l))).toBe(true);
    await kube.close();
  });

  it('retries 503 and dropped connections, then succeeds', async () => {
    server = await startFakeApiServer([
      { status: 503, body: status(503, 'ServiceUnavailable', 'etcd leader changed') },
      { drop: true },
      { status: 200, body: { gitVersion: 'v1.36.3' } },
    ]);
    const { kube, lines } = await kubeFor(server);
    expect(await kube.serverVersion()).toBe('v1.36.3');
    expect(server.requests).toHaveLength(3);
    expect(lines.filter((l) => l.includes('retrying GET /version'))).toHaveLength(2);
    await kube.close();
  });

  it('gives up after the policy attempts with the API message and a coded error', async () => {
    server = await startFakeApiServer([
      { status: 503, body: status(503, 'ServiceUnavailable', 'apiserver is shutting down') },
    ]);
    const { kube } = await kubeFor(server);
    const error = await kube.serverVersion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TodoInfraError);
    expect((error as TodoInfraError).code).toBe('KUBE_SERVER_ERROR');
    expect((error as TodoInfraError).message).toBe(
      'read the server version failed: apiserver is shutting down',
    );
    expect(server.requests).toHaveLength(policy.attempts);
    await kube.close();
  });

  it('fails fast on a non-transient error, quoting Status.message', async () => {
    server = await startFakeApiServer([
      {
        status: 403,
        body: status(
          403,
          'Forbidden',
          'nodes is forbidden: User "dev" cannot list resource "nodes"',
        ),
      },
    ]);
    const { kube } = await kubeFor(server);
    const error = (await kube.serverVersion().catch((e: unknown) => e)) as TodoInfraError;
    expect(error.code).toBe('KUBE_FORBIDDEN');
    expect(error.message).toContain('User "dev" cannot list resource "nodes"');
    expect(server.requests).toHaveLength(1);
    await kube.close();
  });

  it('reports an unreachable server by URL after retrying the refused connections', async () => {
    server = await startFakeApiServer([{ status: 200, body: {} }]);
    const path = server.kubeconfigPath;
    const url = server.url;
    await server.close();
    server = undefined;
    const { logger, lines } = memoryLogger(2);
    const kube = await createKube({ kubeconfigPath: path, logger, retry: policy });
    const error = (await kube.serverVersion().catch((e: unknown) => e)) as TodoInfraError;
    expect(error.code).toBe('KUBE_UNREACHABLE');
    expect(error.message).toContain(`cannot reach the API server ${url} (ECONNREFUSED`);
    expect(lines.filter((l) => l.includes('retrying GET /version'))).toHaveLength(
      policy.attempts - 1,
    );
    await kube.close();
  });
});

describe('TLS failures', () => {
  it('name the certificate problem instead of calling the server unreachable', async () => {
    // An HTTPS kubeconfig pointing at a plain-HTTP server fails the TLS handshake.
    const server = await startFakeApiServer([{ status: 200, body: {} }]);
    try {
      const { writeKubeconfig } = await import('./fake-apiserver.js');
      const { mkdtempSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const path = join(mkdtempSync(join(tmpdir(), 'kube-tls-')), 'kubeconfig');
      writeKubeconfig(path, server.url.replace('http:', 'https:'));
      const logger = memoryLogger().logger;
      const kube = await createKube({ kubeconfigPath: path, logger, retry: policy });
      const error = (await kube.serverVersion().catch((e: unknown) => e)) as TodoInfraError;
      expect(error.code).toBe('KUBE_TLS');
      expect(error.message).toContain(
        `the TLS connection to ${server.url.replace('http:', 'https:')} was refused`,
      );
      // A handshake that fails will fail again: no retries.
      expect(server.requests).toHaveLength(0);
      await kube.close();
    } finally {
      await server.close();
    }
  });
});
