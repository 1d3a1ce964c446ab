// The run's AbortSignal (Ctrl-C) ends Kubernetes calls wherever they are: in flight to a
// server that never answers, or pausing between retries. Against a scripted HTTP server, with
// the default retry policy, so an ignored signal would show as a test that hangs or retries.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/log.js';
import { createKube } from '../../src/kube/index.js';
import { startFakeApiServer, status, type FakeApiServer } from './fake-apiserver.js';

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function kubeFor(s: FakeApiServer, signal: AbortSignal) {
  const { logger, lines } = memoryLogger(2);
  const kube = await createKube({ kubeconfigPath: s.kubeconfigPath, logger, signal, env: {} });
  return { kube, lines };
}

/** Polls until `ok` holds; the bound only limits a failing test. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await sleep(25);
  if (!ok()) throw new Error(`never happened: ${what}`);
}

function expectInterrupted(error: unknown, what: string): void {
  expect(error).toBeInstanceOf(TodoInfraError);
  const e = error as TodoInfraError;
  expect(e.code).toBe('INTERRUPTED');
  expect(e.exitCode).toBe(ExitCode.interrupted);
  expect(e.message).toBe(`${what}: interrupted`);
}

describe('the run signal', () => {
  it('ends a request the API server accepted but never answers', async () => {
    server = await startFakeApiServer([{ hang: true }]);
    const run = new AbortController();
    const { kube } = await kubeFor(server, run.signal);
    const pending = kube.serverVersion().catch((e: unknown) => e);
    await until(() => server!.requests.length === 1, 'the request reached the server');
    run.abort();
    expectInterrupted(await pending, 'read the server version');
    // Not retried: an interruption is not a transient failure.
    expect(server.requests).toHaveLength(1);
    await kube.close();
  });

  it('ends the pause before a retry instead of sleeping it out', async () => {
    // Retry-After asks for an hour; the default policy caps the pause at 8 s.
    server = await startFakeApiServer([
      {
        status: 503,
        body: status(503, 'ServiceUnavailable', 'etcd leader changed'),
        headers: { 'retry-after': '3600' },
      },
    ]);
    const run = new AbortController();
    const { kube, lines } = await kubeFor(server, run.signal);
    const pending = kube.serverVersion().catch((e: unknown) => e);
    await until(
      () => lines.some((l) => /retrying GET \/version in \d+ ms after HTTP 503/.test(l)),
      'the transport started its pause',
    );
    run.abort();
    const error = await pending;
    expectInterrupted(error, 'read the server version');
    expect(server.requests).toHaveLength(1);
    await kube.close();
  });

  it('once aborted, fails every later call without sending anything', async () => {
    server = await startFakeApiServer([{ status: 200, body: { gitVersion: 'v1.36.3' } }]);
    const run = new AbortController();
    const { kube } = await kubeFor(server, run.signal);
    expect(await kube.serverVersion()).toBe('v1.36.3');
    run.abort();
    expectInterrupted(
      await kube.serverVersion().catch((e: unknown) => e),
      'read the server version',
    );
    const forward = await kube.portForward!('todo-app', 'backend-1', 3500).catch((e) => e);
    expect((forward as TodoInfraError).code).toBe('INTERRUPTED');
    expect(server.requests).toHaveLength(1);
    await kube.close();
  });
});
