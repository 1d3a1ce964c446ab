// The run's AbortSignal (Ctrl-C) against the real local control plane: a wait that would
// never end on its own — a condition nobody will set, an API server that stopped answering —
// ends at once with INTERRUPTED (exit 130) when the run is aborted, and the same Kube then
// refuses further calls the same way. Deadlines are far away, so only the signal can end them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import type { Kube } from '../../src/kube/types.js';
import {
  deleteTestNamespaces,
  kubeconfigVia,
  logged,
  namespace,
  testKube,
  uniqueName,
} from './cluster-helpers.js';
import { startTcpProxy } from './tcp-proxy.js';

const cluster = useCluster();
const FAR = 600_000;
let admin: Kube;

beforeAll(async () => {
  admin = (await testKube(cluster.kubeconfigPath)).kube;
});
afterAll(async () => {
  await deleteTestNamespaces(admin);
  await admin.close();
});

function interrupted(error: unknown): TodoInfraError {
  expect(error).toBeInstanceOf(TodoInfraError);
  const e = error as TodoInfraError;
  expect(e.code).toBe('INTERRUPTED');
  expect(e.exitCode).toBe(ExitCode.interrupted);
  return e;
}

describe('an aborted run', () => {
  it('ends a wait for a condition that never comes true', async () => {
    const ns = uniqueName('abort');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'never-ready', namespace: ns };
    await admin.apply([
      namespace(ns),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ref.name, namespace: ns },
        data: { ready: 'never' },
      },
    ]);
    const run = new AbortController();
    const t = await testKube(cluster.kubeconfigPath, undefined, undefined, run.signal);
    try {
      const waiting = t.kube
        .waitForCondition(ref, { type: 'Ready' }, { timeoutMs: FAR })
        .catch((e: unknown) => e);
      await logged(t.lines, new RegExp(`watch on /api/v1/namespaces/${ns}/configmaps connected`));
      run.abort();
      const e = interrupted(await waiting);
      expect(e.message).toBe(
        `Stopped waiting for ConfigMap ${ns}/never-ready to report Ready=True: interrupted`,
      );
      expect(e.details).toEqual(['last observed: no Ready condition reported yet']);
      // The run is over: the same client sends nothing more.
      const calls = t.lines.length;
      const later = interrupted(await t.kube.get(ref).catch((err: unknown) => err));
      expect(later.message).toMatch(/: interrupted$/);
      expect(t.lines.slice(calls).some((l) => /GET \/api\/v1\/namespaces/.test(l))).toBe(false);
    } finally {
      await t.kube.close();
    }
  });

  it('ends a wait that is riding out an API server that stopped answering', async () => {
    const ns = uniqueName('abort-outage');
    await admin.apply([namespace(ns)]);
    const proxy = await startTcpProxy(cluster.server);
    const run = new AbortController();
    // The default retry policy: without the signal this would retry for a minute, then keep
    // re-listing until the (far) deadline.
    const via = await testKube(
      kubeconfigVia(cluster.kubeconfigPath, proxy.url),
      undefined,
      undefined,
      run.signal,
    );
    try {
      const waiting = via.kube
        .waitForRollout(ns, 'not-there-yet', { timeoutMs: FAR })
        .catch((e: unknown) => e);
      const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
      await logged(via.lines, new RegExp(`watch on ${path} connected`));
      proxy.blackout();
      await logged(via.lines, new RegExp(`retrying GET ${path} in \\d+ ms after`));
      run.abort();
      const e = interrupted(await waiting);
      expect(e.message).toBe(
        `Stopped waiting for Deployment ${ns}/not-there-yet to roll out: interrupted`,
      );
    } finally {
      await via.kube.close();
      await proxy.close();
    }
  });
});
