// Every wait against the real control plane: it returns as soon as the condition becomes true
// (flipped by a simulator or by kwok), it times out with the last status and the likely cause
// when it does not, and it survives its watch being ended, expired (410) or cut.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import type { KubeClient as ProductClient } from '../../src/kube/client.js';
import type { Kube, KubeObject } from '../../src/kube/index.js';
import { evaluateCondition } from '../../src/kube/waits/condition.js';
import { useCluster } from '../cluster/fixture.ts';
import { condition } from '../cluster/helpers.ts';
import { startLbSimulator } from '../cluster/lb-simulator.ts';
import { setCondition } from '../cluster/operator-simulator.ts';
import {
  deleteTestNamespaces,
  deployment,
  eventually,
  kubeconfigVia,
  logged,
  namespace,
  podsOf,
  testKube,
  uniqueName,
  type TestKube,
} from './cluster-helpers.js';
import {
  createSimulatedNode,
  reportCrashLoop,
  reportImagePullBackOff,
  reportNodeReady,
  reportPodFailed,
  type SimulatedNode,
} from './kubelet-simulator.js';
import { startTcpProxy } from './tcp-proxy.js';

const cluster = useCluster();
const SLOW = { timeout: 180_000 };
/** Watches end every second on this one, so every wait below lives through restarts. */
let t: TestKube;
let kube: Kube;
let node: SimulatedNode;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  t = await testKube(cluster.kubeconfigPath, 1);
  kube = t.kube;
  node = await createSimulatedNode(cluster.client());
  cleanups.push(
    () => node.remove(),
    () => kube.close(),
    () => deleteTestNamespaces(kube),
  );
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function failure(p: Promise<unknown>): Promise<TodoInfraError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof TodoInfraError))
    throw new Error(`expected a TodoInfraError, got ${String(e)}`);
  return e;
}

async function kafka(ns: string, name = 'events') {
  await kube.apply([
    namespace(ns),
    {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      metadata: { name, namespace: ns },
      spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
    },
  ]);
  const ref = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', name, namespace: ns };
  const simRef = {
    group: 'kafka.strimzi.io',
    version: 'v1',
    plural: 'kafkas',
    namespace: ns,
    name,
  };
  return { ref, simRef };
}

describe('waitForCondition', SLOW, () => {
  it('returns on Ready=True, across server-ended watches, without re-listing', async () => {
    const ns = uniqueName('cond');
    const { ref, simRef } = await kafka(ns);
    const before = t.lines.length;
    const waiting = kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 120_000 });
    await logged(t.lines, new RegExp(`watch on .*${ns}/kafkas ended by the server; resuming`), 2);
    await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
    const obj = await waiting;
    expect(condition(obj, 'Ready').status).toBe('True');
    const lists = t.lines
      .slice(before)
      .filter((l) => l.includes(`GET /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas →`));
    expect(lists).toHaveLength(1);
  });

  it('times out with the last status it saw', async () => {
    const ns = uniqueName('cond-late');
    const { ref, simRef } = await kafka(ns);
    await setCondition(cluster.kubeconfigPath, simRef, {
      status: 'False',
      reason: 'Creating',
      message: 'brokers starting',
    });
    const e = await failure(kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 2000 }));
    expect(e.code).toBe('KUBE_WAIT_TIMEOUT');
    expect(e.exitCode).toBe(ExitCode.timeout);
    expect(e.message).toBe(
      `Timed out after 2 s waiting for Kafka ${ns}/events to report Ready=True; last status: ` +
        'Ready=False (Creating: brokers starting)',
    );
  });

  it('re-lists after 410 Gone (a resourceVersion too old to watch from)', async () => {
    const ns = uniqueName('gone');
    const { ref, simRef } = await kafka(ns);
    const { watcher } = (kube as unknown as ProductClient).internals;
    const waiting = watcher.until({
      path: `/apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas`,
      fieldSelector: 'metadata.name=events',
      what: 'Kafka Ready from a stale resourceVersion',
      evaluate: (objects: KubeObject[]) => evaluateCondition(objects[0], ref, 'Ready', 'True'),
      timeoutMs: 60_000,
      onTimeout: async (last: string) => new TodoInfraError('TEST_TIMEOUT', last),
      resourceVersion: '1',
    });
    await logged(
      t.lines,
      new RegExp(`watch on .*${ns}/kafkas: resourceVersion 1 expired \\(410\\); re-listing`),
    );
    await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
    expect(condition(await waiting, 'Ready').status).toBe('True');
  });

  it('survives the connection being cut mid-watch', async () => {
    const proxy = await startTcpProxy(cluster.server);
    const via = await testKube(kubeconfigVia(cluster.kubeconfigPath, proxy.url));
    try {
      const ns = uniqueName('cut');
      const { ref, simRef } = await kafka(ns);
      const waiting = via.kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 120_000 });
      await logged(via.lines, new RegExp(`watch on .*${ns}/kafkas connected`));
      expect(proxy.cutAll()).toBeGreaterThan(0);
      await logged(via.lines, new RegExp(`watch on .*${ns}/kafkas failed \\(.*\\); re-listing`));
      await logged(
        via.lines,
        new RegExp(`watching /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas from`),
        2,
      );
      await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
      expect(condition(await waiting, 'Ready').status).toBe('True');
    } finally {
      await via.kube.close();
      await proxy.close();
    }
  });

  it('rides out an API server that stops answering for a while', async () => {
    const proxy = await startTcpProxy(cluster.server);
    // Few, quick transport retries, so the wait itself has to handle the outage.
    const via = await testKube(kubeconfigVia(cluster.kubeconfigPath, proxy.url), undefined, {
      attempts: 2,
      baseDelayMs: 20,
      maxDelayMs: 100,
    });
    try {
      const ns = uniqueName('outage');
      const { ref, simRef } = await kafka(ns);
      const waiting = via.kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 120_000 });
      await logged(
        via.lines,
        new RegExp(`watching /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas from`),
      );
      proxy.blackout();
      await logged(
        via.lines,
        new RegExp(
          `re-listing /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas failed; ` +
            'retrying until the deadline',
        ),
        2,
      );
      await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
      proxy.restore();
      expect(condition(await waiting, 'Ready').status).toBe('True');
    } finally {
      await via.kube.close();
      await proxy.close();
    }
  });
});

describe('waitForCrdEstablished', SLOW, () => {
  it('returns for an installed CRD, and for one created while waiting', async () => {
    await kube.waitForCrdEstablished('kafkas.kafka.strimzi.io', { timeoutMs: 10_000 });
    const group = `${uniqueName('g')}.todo-infra.test`;
    const name = `gadgets.${group}`;
    const waiting = kube.waitForCrdEstablished(name, { timeoutMs: 60_000 });
    await logged(
      t.lines,
      /watching \/apis\/apiextensions\.k8s\.io\/v1\/customresourcedefinitions from/,
    );
    await cluster.client().json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      metadata: { name },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object' } },
          },
        ],
      },
    });
    await waiting;
    cleanups.push(() =>
      cluster
        .client()
        .request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`),
    );
  });

  it('times out for a CRD that never appears', async () => {
    const e = await failure(
      kube.waitForCrdEstablished('nothings.todo-infra.test', { timeoutMs: 1500 }),
    );
    expect(e.message).toContain(
      'last status: CustomResourceDefinition nothings.todo-infra.test does not exist yet',
    );
  });
});

describe('waitForRollout', SLOW, () => {
  it('returns when kwok has made the new pods available, reporting progress', async () => {
    const ns = uniqueName('roll');
    await kube.apply([namespace(ns), deployment(ns, 'web', {}, 2)]);
    const progress: string[] = [];
    await kube.waitForRollout(ns, 'web', {
      timeoutMs: 120_000,
      onProgress: (s) => progress.push(s),
    });
    const dep = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: ns,
    });
    expect((dep!.status as { availableReplicas: number }).availableReplicas).toBe(2);
    // A rollout restart is a new generation, rolled out the same way.
    await kube.rolloutRestart(ns, 'web');
    await kube.waitForRollout(ns, 'web', { timeoutMs: 120_000 });
    const restarted = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: ns,
    });
    expect(
      (restarted!.spec as any).template.metadata.annotations['kubectl.kubernetes.io/restartedAt'],
    ).toMatch(/^\d{4}-/);
    expect(restarted!.metadata.generation).toBe(2);
  });

  it('times out naming "Insufficient cpu" for a pod that requests 64 CPUs', async () => {
    const ns = uniqueName('cpu');
    const big = deployment(ns, 'big', {
      containers: [
        {
          name: 'app',
          image: 'ghcr.io/acme/todo-backend:1.0.0',
          resources: { requests: { cpu: '64' } },
        },
      ],
    });
    await kube.apply([namespace(ns), big]);
    const e = await failure(kube.waitForRollout(ns, 'big', { timeoutMs: 3000 }));
    expect(e.code).toBe('KUBE_WAIT_TIMEOUT');
    expect(e.message).toContain('last status: 0 of 1 updated replicas available');
    expect(e.message).toMatch(/Most likely cause: pod big-[a-z0-9-]+ cannot be scheduled: /);
    expect(e.message).toMatch(/0\/\d+ nodes are available: .*Insufficient cpu/);
    expect(e.hint).toMatch(/lower their resource requests/);
  });

  it('times out naming ImagePullBackOff when the kubelet cannot pull the image', async () => {
    const ns = uniqueName('pull');
    await kube.apply([namespace(ns), deployment(ns, 'web', node.podPlacement)]);
    const [pod] = await eventually(
      () => podsOf(cluster.client(), ns, 'app=web'),
      (p) => p.length === 1,
    );
    await reportImagePullBackOff(cluster.client(), ns, pod);
    const e = await failure(kube.waitForRollout(ns, 'web', { timeoutMs: 2000 }));
    expect(e.message).toContain(
      `Most likely cause: pod ${pod.metadata.name}, container app cannot pull image ` +
        'ghcr.io/acme/todo-backend:1.0.0 (ImagePullBackOff)',
    );
  });

  it('times out naming CrashLoopBackOff with the last exit code', async () => {
    const ns = uniqueName('crash');
    await kube.apply([namespace(ns), deployment(ns, 'web', node.podPlacement)]);
    const [pod] = await eventually(
      () => podsOf(cluster.client(), ns, 'app=web'),
      (p) => p.length === 1,
    );
    await reportCrashLoop(cluster.client(), ns, pod, 3);
    const e = await failure(kube.waitForRollout(ns, 'web', { timeoutMs: 2000 }));
    expect(e.message).toContain(
      `pod ${pod.metadata.name}, container app is crash-looping ` +
        '(5 restarts, last exit code 3 (Error))',
    );
  });

  it('times out naming the quota when pods without requests are refused', async () => {
    const ns = uniqueName('quota');
    await kube.apply([
      namespace(ns),
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute', namespace: ns },
        spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi' } },
      },
    ]);
    await eventually(
      () => cluster.client().json('GET', `/api/v1/namespaces/${ns}/resourcequotas/compute`),
      (q: any) => !!q.status?.used,
    );
    await kube.apply([
      deployment(ns, 'web', {
        containers: [{ name: 'app', image: 'ghcr.io/acme/todo-backend:1.0.0' }],
      }),
    ]);
    const e = await failure(kube.waitForRollout(ns, 'web', { timeoutMs: 4000 }));
    expect(e.message).toMatch(
      /Most likely cause: .*failed quota: compute: must specify requests\.cpu/,
    );
    expect(e.hint).toMatch(/ResourceQuota refused the pods/);
  });
});

describe('waitForJob', SLOW, () => {
  const job = (ns: string, name: string, podSpec: Record<string, unknown> = {}) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'migrate',
              image: 'ghcr.io/acme/todo-migrate:1.0.0',
              resources: { requests: { cpu: '10m' } },
            },
          ],
          ...podSpec,
        },
      },
    },
  });

  it('returns when the Job completes', async () => {
    const ns = uniqueName('job');
    await kube.apply([namespace(ns), job(ns, 'migrate')]);
    await kube.waitForJob(ns, 'migrate', { timeoutMs: 120_000 });
    const done = await kube.get({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'migrate',
      namespace: ns,
    });
    expect(condition(done, 'Complete')?.status).toBe('True');
  });

  it('fails at once when the Job fails, with its reason and a try at the pod log', async () => {
    const ns = uniqueName('job-fail');
    await kube.apply([namespace(ns), job(ns, 'migrate', node.podPlacement)]);
    const waiting = kube.waitForJob(ns, 'migrate', { timeoutMs: 120_000 });
    const [pod] = await eventually(
      () => podsOf(cluster.client(), ns, 'job-name=migrate'),
      (p) => p.length === 1,
    );
    await reportPodFailed(cluster.client(), ns, pod, 2);
    const e = await failure(waiting);
    expect(e.code).toBe('KUBE_JOB_FAILED');
    expect(e.message).toMatch(
      new RegExp(`^Job ${ns}/migrate failed: (Failed|FailureTarget)=True \\(BackoffLimitExceeded`),
    );
    // The simulated node has no kubelet to serve logs; the failure to read them is reported.
    expect(
      e.details.some((d) => d.startsWith(`(logs of pod ${pod.metadata.name} unavailable`)),
    ).toBe(true);
  });

  it('times out naming the scheduling problem', async () => {
    const ns = uniqueName('job-cpu');
    await kube.apply([
      namespace(ns),
      job(ns, 'big', {
        containers: [{ name: 'm', image: 'x:1', resources: { requests: { cpu: '64' } } }],
      }),
    ]);
    const e = await failure(kube.waitForJob(ns, 'big', { timeoutMs: 3000 }));
    expect(e.message).toContain('last status: 0 of 1 completions, 1 active, 0 failed');
    expect(e.message).toContain('Insufficient cpu');
  });
});

describe('waitForNodesReady', SLOW, () => {
  it('returns for the nodes kwok runs, and when one more node turns Ready', async () => {
    const client = cluster.client();
    const ready = (await client.json('GET', '/api/v1/nodes')).items.filter(
      (n: any) => condition(n, 'Ready')?.status === 'True',
    ).length;
    await kube.waitForNodesReady(cluster.nodeNames.length, { timeoutMs: 10_000 });
    const extra = await createSimulatedNode(client);
    try {
      const waiting = kube.waitForNodesReady(ready + 1, { timeoutMs: 60_000 });
      await logged(t.lines, /watch on \/api\/v1\/nodes ended by the server; resuming/);
      await reportNodeReady(client, extra.name);
      await waiting;
    } finally {
      await extra.remove();
    }
  });

  it('times out saying how many are Ready and registered', async () => {
    const want = cluster.nodeNames.length + 5;
    const e = await failure(kube.waitForNodesReady(want, { timeoutMs: 1500 }));
    expect(e.message).toMatch(
      new RegExp(`last status: \\d+ of ${want} nodes Ready; only \\d+ registered`),
    );
    expect(e.hint).toMatch(/Nodes have not joined/);
  });
});

describe('waitForLoadBalancer', SLOW, () => {
  const service = (ns: string, name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });

  it('returns the address the cloud controller (simulated) assigns', async () => {
    const ns = uniqueName('lb');
    await kube.apply([namespace(ns), service(ns, 'ingress', { loadBalancerIP: '203.0.113.77' })]);
    const waiting = kube.waitForLoadBalancer(ns, 'ingress', { timeoutMs: 60_000 });
    await logged(
      t.lines,
      new RegExp(`watch on /api/v1/namespaces/${ns}/services ended by the server; resuming`),
    );
    const sim = await startLbSimulator({
      kubeconfigPath: cluster.kubeconfigPath,
      log: () => undefined,
      addressFor: (svc) => (svc.metadata.namespace === ns ? svc.spec.loadBalancerIP : undefined),
    });
    try {
      expect(await waiting).toBe('203.0.113.77');
    } finally {
      await sim.stop();
    }
  });

  it('times out saying no controller acts on the Service', async () => {
    const ns = uniqueName('lb-none');
    // A class no controller implements: nothing will ever provision it (the simulator, like
    // the real cloud controller, leaves classed Services alone).
    await kube.apply([
      namespace(ns),
      service(ns, 'ingress', { loadBalancerClass: 'todo-infra.test/nobody' }),
    ]);
    const e = await failure(kube.waitForLoadBalancer(ns, 'ingress', { timeoutMs: 1500 }));
    expect(e.message).toContain('last status: no load-balancer address assigned yet');
    expect(e.message).toContain(
      `Most likely cause: Service ${ns}/ingress has no load-balancer events at all`,
    );
  });

  it('refuses at once to wait on a Service that is not a LoadBalancer', async () => {
    const ns = uniqueName('lb-cip');
    await kube.apply([namespace(ns), service(ns, 'web', { type: 'ClusterIP' })]);
    const e = await failure(kube.waitForLoadBalancer(ns, 'web', { timeoutMs: 60_000 }));
    expect(e.code).toBe('KUBE_NOT_LOADBALANCER');
  });
});

describe('canI', SLOW, () => {
  it('answers for the admin and, by SubjectAccessReview, for a service account', async () => {
    expect(
      await kube.canI({
        verb: 'create',
        resource: 'deployments',
        group: 'apps',
        namespace: 'default',
      }),
    ).toBe(true);
    const ns = uniqueName('rbac');
    await kube.apply([
      namespace(ns),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'deploy', namespace: ns },
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'deploy', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deploy' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
      },
    ]);
    const asUser = `system:serviceaccount:${ns}:deployer`;
    expect(
      await kube.canI({
        verb: 'patch',
        resource: 'deployments',
        group: 'apps',
        namespace: ns,
        asUser,
      }),
    ).toBe(true);
    expect(
      await kube.canI({
        verb: 'delete',
        resource: 'deployments',
        group: 'apps',
        namespace: ns,
        asUser,
      }),
    ).toBe(false);
    expect(
      await kube.canI({
        verb: 'patch',
        resource: 'deployments',
        group: 'apps',
        namespace: 'default',
        asUser,
      }),
    ).toBe(false);
  });
});
