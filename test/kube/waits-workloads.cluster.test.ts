// waitForRollout and waitForJob against the real control plane: they return when kwok and the
// simulated kubelet make the workload ready, and on failure or timeout name the cause from pod
// status and events (ImagePullBackOff, CrashLoopBackOff, unschedulable, a failed Job's log).
import { describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { condition } from '../cluster/helpers.ts';
import { deployment, eventually, namespace, podsOf, uniqueName } from './cluster-helpers.js';
import { reportCrashLoop, reportImagePullBackOff, reportPodFailed } from './kubelet-simulator.js';
import { SLOW, useWaitsSetup, failure, type WaitsSetup } from './waits-harness.js';

const cluster = useCluster();
let s: WaitsSetup;
useWaitsSetup(cluster, (setup) => (s = setup));

describe('waitForRollout', SLOW, () => {
  it('returns when kwok has made the new pods available, reporting progress', async () => {
    const ns = uniqueName('roll');
    await s.kube.apply([namespace(ns), deployment(ns, 'web', {}, 2)]);
    const progress: string[] = [];
    await s.kube.waitForRollout(ns, 'web', {
      timeoutMs: 120_000,
      onProgress: (status) => progress.push(status),
    });
    const dep = await s.kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: ns,
    });
    expect((dep!.status as { availableReplicas: number }).availableReplicas).toBe(2);
    // A rollout restart is a new generation, rolled out the same way.
    await s.kube.rolloutRestart(ns, 'web');
    await s.kube.waitForRollout(ns, 'web', { timeoutMs: 120_000 });
    const restarted = await s.kube.get({
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
    await s.kube.apply([namespace(ns), big]);
    const e = await failure(s.kube.waitForRollout(ns, 'big', { timeoutMs: 3000 }));
    expect(e.code).toBe('KUBE_WAIT_TIMEOUT');
    expect(e.message).toContain('last status: 0 of 1 updated replicas available');
    expect(e.message).toMatch(/Most likely cause: pod big-[a-z0-9-]+ cannot be scheduled: /);
    expect(e.message).toMatch(/0\/\d+ nodes are available: .*Insufficient cpu/);
    expect(e.hint).toMatch(/lower their resource requests/);
  });

  it('times out naming ImagePullBackOff when the kubelet cannot pull the image', async () => {
    const ns = uniqueName('pull');
    await s.kube.apply([namespace(ns), deployment(ns, 'web', s.node.podPlacement)]);
    const [pod] = await eventually(
      () => podsOf(cluster.client(), ns, 'app=web'),
      (p) => p.length === 1,
    );
    await reportImagePullBackOff(cluster.client(), ns, pod);
    const e = await failure(s.kube.waitForRollout(ns, 'web', { timeoutMs: 2000 }));
    expect(e.message).toContain(
      `Most likely cause: pod ${pod.metadata.name}, container app cannot pull image ` +
        'ghcr.io/acme/todo-backend:1.0.0 (ImagePullBackOff)',
    );
  });

  it('times out naming CrashLoopBackOff with the last exit code', async () => {
    const ns = uniqueName('crash');
    await s.kube.apply([namespace(ns), deployment(ns, 'web', s.node.podPlacement)]);
    const [pod] = await eventually(
      () => podsOf(cluster.client(), ns, 'app=web'),
      (p) => p.length === 1,
    );
    await reportCrashLoop(cluster.client(), ns, pod, 3);
    const e = await failure(s.kube.waitForRollout(ns, 'web', { timeoutMs: 2000 }));
    expect(e.message).toContain(
      `pod ${pod.metadata.name}, container app is crash-looping ` +
        '(5 restarts, last exit code 3 (Error))',
    );
  });

  it('times out naming the quota when pods without requests are refused', async () => {
    const ns = uniqueName('quota');
    await s.kube.apply([
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
    await s.kube.apply([
      deployment(ns, 'web', {
        containers: [{ name: 'app', image: 'ghcr.io/acme/todo-backend:1.0.0' }],
      }),
    ]);
    const e = await failure(s.kube.waitForRollout(ns, 'web', { timeoutMs: 4000 }));
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
    await s.kube.apply([namespace(ns), job(ns, 'migrate')]);
    await s.kube.waitForJob(ns, 'migrate', { timeoutMs: 120_000 });
    const done = await s.kube.get({
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'migrate',
      namespace: ns,
    });
    expect(condition(done, 'Complete')?.status).toBe('True');
  });

  it('fails at once when the Job fails, with its reason and a try at the pod log', async () => {
    const ns = uniqueName('job-fail');
    await s.kube.apply([namespace(ns), job(ns, 'migrate', s.node.podPlacement)]);
    const waiting = s.kube.waitForJob(ns, 'migrate', { timeoutMs: 120_000 });
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
    await s.kube.apply([
      namespace(ns),
      job(ns, 'big', {
        containers: [{ name: 'm', image: 'x:1', resources: { requests: { cpu: '64' } } }],
      }),
    ]);
    const e = await failure(s.kube.waitForJob(ns, 'big', { timeoutMs: 3000 }));
    expect(e.message).toContain('last status: 0 of 1 completions, 1 active, 0 failed');
    expect(e.message).toContain('Insufficient cpu');
  });
});
