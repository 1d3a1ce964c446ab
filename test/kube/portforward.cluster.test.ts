// Kube.portForward against the real local control plane.
//
// Proven here: the request reaches the real kube-apiserver, which authenticates it, checks
// RBAC for pods/portforward, upgrades it and proxies it to the node's kubelet endpoint; when
// that endpoint is kwok's kubelet server (kwok-kubelet.ts — the upstream streaming code real
// kubelets use), bytes go both ways to a local port standing in for the pod's: the product's
// own Dapr publish request (publishEvent) arrives there intact. Refusals quote the API server
// (an unreachable kubelet, RBAC) or the kubelet (nothing listens on the port); close() and the
// run's signal end every open local connection and the listener.
//
// Not proven: a real kubelet dialling inside a pod's network namespace, daprd itself, OKE's
// API endpoint and its load balancer in the path, or kubectl's SPDY flavour of the protocol.
// Nor what happens past the API server once we close: kwok keeps its connection to the pod
// port until that port closes it (its tunnel waits for both directions); that our side closes
// its websockets is shown against the simulator in portforward.test.ts.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { TodoInfraError } from '../../src/core/errors.js';
import type { KubeObject, PortForward } from '../../src/kube/types.js';
import { publishEvent } from '../../src/manifests/dapr/publish.js';
import {
  deleteTestNamespaces,
  eventually,
  namespace,
  testKube,
  uniqueName,
  type TestKube,
} from './cluster-helpers.js';
import { freePort, startKwokKubelet, type KwokKubelet } from './kwok-kubelet.js';

const cluster = useCluster();
const ns = uniqueName('pf');
let t: TestKube;
let kubelet: KwokKubelet;
let closedPort: number;

/** Stands in for daprd's HTTP port: records requests, answers publishes with 204. */
const received: { method: string; url: string; body: string }[] = [];
const sidecarSockets = new Set<Socket>();
let sidecar: Server;

function pod(name: string, placement: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      automountServiceAccountToken: false,
      containers: [{ name: 'app', image: 'ghcr.io/acme/todo-backend:1.0.0' }],
      ...placement,
    },
  };
}

beforeAll(async () => {
  t = await testKube(cluster.kubeconfigPath);
  sidecar = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(204).end();
    });
  });
  sidecar.on('connection', (s) => {
    sidecarSockets.add(s);
    s.on('close', () => sidecarSockets.delete(s));
  });
  sidecar.keepAliveTimeout = 60_000;
  sidecar.listen(0, '127.0.0.1');
  await once(sidecar, 'listening');
  closedPort = await freePort();
  kubelet = await startKwokKubelet(cluster.kubeconfigPath, cluster.client(), [
    { namespace: ns, pod: 'backend', port: 3500, target: (sidecar.address() as any).port },
    { namespace: ns, pod: 'no-listener', port: 3500, target: closedPort },
  ]);
  await t.kube.apply([namespace(ns)]);
  await eventually(
    () => t.kube.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace: ns }),
    (sa) => sa !== undefined,
  );
  await t.kube.apply([
    pod('backend', kubelet.placement),
    pod('no-listener', kubelet.placement),
    pod('on-fake-node'), // scheduled onto the control plane's own kwok node
  ]);
  for (const name of ['backend', 'no-listener', 'on-fake-node']) {
    const ref = { apiVersion: 'v1', kind: 'Pod', name, namespace: ns };
    await t.kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 60_000 });
  }
});

afterAll(async () => {
  await kubelet?.stop();
  await deleteTestNamespaces(t.kube);
  await t.kube.close();
  sidecar.closeAllConnections();
  await new Promise((resolve) => sidecar.close(resolve));
});

async function rejection(p: Promise<unknown>): Promise<TodoInfraError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TodoInfraError);
  return e as TodoInfraError;
}

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await sleep(25);
  if (!ok()) throw new Error(`never happened: ${what}`);
}

async function refused(port: number): Promise<string | undefined> {
  const s = connect(port, '127.0.0.1');
  const [error] = (await once(s, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
  return error.code;
}

/** A connection through the forward that stays open: a request the sidecar still waits on. */
async function held(port: number): Promise<Socket> {
  const before = sidecarSockets.size;
  const s = connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  s.write('POST /v1.0/publish/pubsub/task-events HTTP/1.1\r\nhost: x\r\ncontent-length: 9\r\n\r\n');
  await until(() => sidecarSockets.size > before, 'the held connection reached the pod port');
  return s;
}

const listeners = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap');

describe('portForward on the local control plane', () => {
  it("says in the API server's words that it cannot reach a kwok node's kubelet", async () => {
    const before = listeners().length;
    const e = await rejection(t.kube.portForward!(ns, 'on-fake-node', 3500));
    expect(e.code).toBe('KUBE_PORT_FORWARD_FAILED');
    // The fake node advertises its host name, which does not resolve here.
    expect(e.message).toMatch(
      new RegExp(
        `^port-forward to pod ${ns}/on-fake-node port 3500 failed: error dialing backend: `,
      ),
    );
    expect(e.hint).toMatch(/could not reach the kubelet/);
    expect(listeners()).toHaveLength(before);
  });

  it("carries the product's publish request to the pod port and back, then closes", async () => {
    const forward = await t.kube.portForward!(ns, 'backend', 3500);
    const base = `http://127.0.0.1:${forward.localPort}`;
    const signal = AbortSignal.timeout(30_000);
    await publishEvent(base, 'pubsub', 'task-events', { id: 'evt-1' }, signal);
    expect(received).toEqual([
      { method: 'POST', url: '/v1.0/publish/pubsub/task-events', body: '{"id":"evt-1"}' },
    ]);
    // Concurrent requests: undici opens several connections, each its own tunnel.
    const ids = ['evt-2', 'evt-3', 'evt-4'];
    await Promise.all(ids.map((id) => publishEvent(base, 'pubsub', 'task-events', { id }, signal)));
    expect(
      received
        .slice(1)
        .map((r) => JSON.parse(r.body).id)
        .sort(),
    ).toEqual(ids);
    const open = await held(forward.localPort);
    await forward.close();
    await forward.close(); // idempotent
    if (!open.closed) await once(open, 'close');
    expect(await refused(forward.localPort)).toBe('ECONNREFUSED');
  });

  it("ends a connection to a port nothing listens on, logging kwok's reason", async () => {
    const forward = await t.kube.portForward!(ns, 'no-listener', 3500);
    try {
      const base = `http://127.0.0.1:${forward.localPort}`;
      const e = await rejection(
        publishEvent(base, 'pubsub', 'task-events', { id: 'lost' }, AbortSignal.timeout(30_000)),
      );
      expect(e.code).toBe('DAPR_PUBLISH_FAILED');
      const said = new RegExp(
        `warn .*port-forward pod ${ns}/no-listener port 3500: error forwarding port 3500 ` +
          `to pod .*failed to dial 127\\.0\\.0\\.1:${closedPort}`,
      );
      await until(() => t.lines.some((l) => said.test(l)), 'the kubelet error was logged');
    } finally {
      await forward.close();
    }
  });

  it('needs "get" and "create" on pods/portforward, and says which is missing', async () => {
    const role = (verbs: string[]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'forwarder', namespace: ns },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
        ...(verbs.length ? [{ apiGroups: [''], resources: ['pods/portforward'], verbs }] : []),
      ],
    });
    await t.kube.apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'forwarder', namespace: ns } },
      role([]),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'forwarder', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'forwarder' },
        subjects: [{ kind: 'ServiceAccount', name: 'forwarder', namespace: ns }],
      },
    ]);
    const request = await cluster
      .client()
      .json('POST', `/api/v1/namespaces/${ns}/serviceaccounts/forwarder/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 600 },
      });
    const doc = parse(readFileSync(cluster.kubeconfigPath, 'utf8'));
    for (const u of doc.users) u.user = { token: request.status.token };
    const path = join(mkdtempSync(join(tmpdir(), 'kube-forwarder-')), 'kubeconfig');
    writeFileSync(path, stringify(doc), { mode: 0o600 });
    const sa = await testKube(path);
    const attempt = () =>
      sa.kube.portForward!(ns, 'backend', 3500).then(
        (forward): PortForward | TodoInfraError => forward,
        (e: unknown) => e as TodoInfraError,
      );
    // RBAC reaches the authorizer through an informer: each grant may take a moment to count.
    const seen = (r: PortForward | TodoInfraError, stale: string) =>
      !(r instanceof TodoInfraError) || !r.message.includes(stale);
    try {
      const none = await eventually(attempt, (r) => seen(r, 'cannot get resource "pods" '));
      expect(none).toBeInstanceOf(TodoInfraError);
      expect((none as TodoInfraError).code).toBe('KUBE_FORBIDDEN');
      expect((none as TodoInfraError).message).toContain(
        `User "system:serviceaccount:${ns}:forwarder" cannot get resource "pods/portforward"`,
      );
      expect((none as TodoInfraError).hint).toMatch(
        /"get" and "create" verbs on pods\/portforward/,
      );

      await t.kube.apply([role(['get'])]);
      const onlyGet = await eventually(attempt, (r) => seen(r, 'cannot get resource'));
      expect(onlyGet).toBeInstanceOf(TodoInfraError);
      expect((onlyGet as TodoInfraError).code).toBe('KUBE_FORBIDDEN');
      // The API server refuses the "create" half of a websocket upgrade without a reason.
      expect((onlyGet as TodoInfraError).message).toBe(
        `port-forward to pod ${ns}/backend port 3500 failed: pods "backend" is forbidden: ` +
          '(the API server gave no reason)',
      );

      await t.kube.apply([role(['get', 'create'])]);
      const forward = await eventually(attempt, (r) => seen(r, 'forbidden'));
      expect(forward).not.toBeInstanceOf(TodoInfraError);
      const base = `http://127.0.0.1:${(forward as PortForward).localPort}`;
      await publishEvent(
        base,
        'pubsub',
        'task-events',
        { id: 'by-sa' },
        AbortSignal.timeout(30_000),
      );
      expect(received.at(-1)?.body).toBe('{"id":"by-sa"}');
      await (forward as PortForward).close();
    } finally {
      await sa.kube.close();
    }
  });

  it("closes an open forward when the run's signal aborts", async () => {
    const run = new AbortController();
    const withRun = await testKube(cluster.kubeconfigPath, undefined, undefined, run.signal);
    try {
      const forward = await withRun.kube.portForward!(ns, 'backend', 3500);
      const base = `http://127.0.0.1:${forward.localPort}`;
      await publishEvent(
        base,
        'pubsub',
        'task-events',
        { id: 'evt-5' },
        AbortSignal.timeout(30_000),
      );
      const open = await held(forward.localPort);
      run.abort();
      if (!open.closed) await once(open, 'close');
      expect(await refused(forward.localPort)).toBe('ECONNREFUSED');
    } finally {
      await withRun.kube.close();
    }
  });
});
