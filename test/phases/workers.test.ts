// Phase workers on the real local control plane. Base runs for real (namespaces with restricted
// Pod Security, quota, LimitRange); the dapr phase's Components and the kafka phase's KafkaTopics
// are applied with those phases' own builders, the topics made Ready through the operator
// simulator's status hook, and apps/kafka/dapr/registry recorded in the journal as they would
// record themselves. Dapr's injector is the webhook simulator from the apps tests, so daprd
// really goes through admission (Pod Security, quota) next to each worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { setCondition } from '../cluster/operator-simulator.ts';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube, KubeObject } from '../../src/kube/types.js';
import { basePhase } from '../../src/phases/base.js';
import { daprAppObjects } from '../../src/phases/dapr.js';
import { workerObjects, workersPhase, type WorkersOutputs } from '../../src/phases/workers.js';
import { kafkaTopics } from '../../src/manifests/kafka/topics.js';
import { workerPods } from '../../src/manifests/workers/verify.js';
import { harness, isolatedNamespaces, makeConfig, type Harness } from './apps-harness.js';
import {
  startInjectorSimulator,
  type InjectorSimulator,
} from './apps-sidecar-injector-simulator.ts';

const cluster = useCluster();
const ENV = 'WORKERS_TEST_DB_URL';
const PREFIX = 'wk';
const REGISTRY = { imagePrefix: 'fra.ocir.io/axyz', pullSecretName: 'ocir-pull' };
const APP = `${PREFIX}-app`;
const IDS = ['recurring-worker', 'notification-worker', 'audit-worker', 'websocket-worker'];

function workersConfig(extra: Record<string, unknown> = {}) {
  return makeConfig({
    ...isolatedNamespaces(PREFIX),
    apps: {
      namespace: APP,
      rolloutTimeoutSeconds: 60,
      workerTag: '1.4.0',
      ...(extra.apps as object | undefined),
    },
    secrets: { dbConnectionString: { fromEnv: ENV } },
    ...(extra.dapr ? { dapr: extra.dapr } : {}),
  } as never);
}

let h: Harness;
let kube: Kube;
let injector: InjectorSimulator | undefined;

/** Records the dependencies' outputs in `hx`'s journal as those phases record them. */
function pretendDependencies(hx: Harness): void {
  const c = hx.config;
  hx.pretend('registry', REGISTRY);
  hx.pretend('apps', {
    url: 'http://127.0.0.1:9',
    namespace: c.apps.namespace,
    images: {},
    daprSidecars: true,
  });
  hx.pretend('kafka', {
    namespace: c.kafka.namespace,
    cluster: c.kafka.clusterName,
    kafkaVersion: c.kafka.version,
    topics: c.kafka.topics.map((t) => t.name),
  });
  hx.pretend('dapr', {
    namespace: c.dapr.namespace,
    release: 'dapr',
    revision: 1,
    components: daprAppObjects(c).map((o) => `${o.kind}/${o.metadata.name}`),
  });
}

async function topicReady(name: string, status: 'True' | 'False'): Promise<void> {
  await setCondition(
    cluster.kubeconfigPath,
    {
      group: 'kafka.strimzi.io',
      version: 'v1',
      plural: 'kafkatopics',
      namespace: h.config.kafka.namespace,
      name,
    },
    { status, reason: status === 'True' ? undefined : 'NotEnoughBrokers' },
  );
}

const ref = (kind: string, name: string, apiVersion = 'apps/v1') => ({
  apiVersion,
  kind,
  name,
  namespace: APP,
});

beforeAll(async () => {
  process.env[ENV] = 'postgresql://u:workers-test-secret@db/x';
  h = harness(workersConfig(), cluster.kubeconfigPath);
  kube = await h.context(workersPhase).kube();
  const base = await h.run([basePhase], ['base']);
  expect(base.failed).toEqual([]);
  await kube.apply(daprAppObjects(h.config));
  await kube.apply(kafkaTopics(h.config));
  for (const t of h.config.kafka.topics) await topicReady(t.name, 'True');
  pretendDependencies(h);
  injector = await startInjectorSimulator(cluster.client(), APP);
});

afterAll(async () => {
  await injector?.stop();
  delete process.env[ENV];
  clearSecretsForTests();
  h?.cleanup();
});

describe('worker manifests on the API server', () => {
  it('are all accepted by server-side apply with strict field validation', async () => {
    const objects = workerObjects(h.config, REGISTRY);
    expect(objects.filter((o) => o.kind === 'Subscription')).toHaveLength(6);
    const results = await kube.apply(objects, { dryRun: true });
    // The kube layer orders what it applies (ServiceAccounts before the Deployments using them).
    expect(results.map((r) => `${r.ref.kind}/${r.ref.name}:${r.action}`).sort()).toEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}:created`).sort(),
    );
  });

  it('Subscriptions meet the real Dapr CRD: v1alpha1 shapes are rejected', async () => {
    const [sub] = workerObjects(h.config, REGISTRY).filter((o) => o.kind === 'Subscription');
    const spec = sub!.spec as Record<string, unknown>;
    // v1alpha1's `route` is not a v2alpha1 field; strict validation names it.
    const withRoute = { ...sub!, spec: { ...spec, route: '/events' } } as KubeObject;
    await expect(kube.apply([withRoute], { dryRun: true })).rejects.toThrow(/route/);
    const unknown = { ...sub!, spec: { ...spec, deadLetterTopics: ['x'] } } as KubeObject;
    await expect(kube.apply([unknown], { dryRun: true })).rejects.toThrow(/deadLetterTopics/);
    const { routes: _omitted, ...noRoutes } = spec;
    await expect(
      kube.apply([{ ...sub!, spec: noRoutes } as KubeObject], { dryRun: true }),
    ).rejects.toThrow(/routes/);
    // v1alpha1 itself needs the Dapr operator's conversion webhook, which is not installed
    // until Dapr runs: the API server cannot store it.
    const v1 = {
      ...sub!,
      apiVersion: 'dapr.io/v1alpha1',
      metadata: { ...sub!.metadata, name: 'v1alpha1-probe' },
      spec: { pubsubname: 'pubsub', topic: 'reminders', route: '/events' },
    } as KubeObject;
    try {
      await expect(kube.apply([v1])).rejects.toThrow(
        /conversion webhook for dapr\.io\/v1alpha1, Kind=Subscription failed/,
      );
    } finally {
      await kube.delete(ref('Subscription', 'v1alpha1-probe', 'dapr.io/v2alpha1'));
    }
  });
});

describe('phase workers', () => {
  it('applies, waits for every rollout, and finds the app plus daprd in every pod', async () => {
    const summary = await h.run([workersPhase], ['workers']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['workers']);
    const out = h.journal.get('workers')?.outputs as WorkersOutputs;
    expect(out).toMatchObject({
      namespace: APP,
      image: 'fra.ocir.io/axyz/todo-worker:1.4.0',
      daprSidecars: true,
      pruned: [],
    });
    expect(out.subscriptions).toHaveLength(6);
    expect(out.notVerified).toEqual([expect.stringMatching(/^event consumption/)]);
    const waits = h.events.filter((e) => e.type === 'wait' && e.phase === 'workers') as any[];
    expect(waits.map((w) => w.what)).toEqual(IDS.map((id) => `rollout of ${APP}/${id}`));
    for (const w of waits) expect(Number.isNaN(Date.parse(w.deadline))).toBe(false);
    for (const id of IDS) {
      const pods = await workerPods(kube, h.config, id);
      expect(pods).toHaveLength(1);
      expect((pods[0]!.spec as any).containers.map((c: any) => c.name)).toEqual([id, 'daprd']);
      expect((pods[0]!.status as any).phase).toBe('Running');
    }
    const check = await workersPhase.checkpoint(h.context(workersPhase));
    expect(check.ok).toBe(true);
    expect(check.detail).toMatch(
      /4 worker\(s\) rolled out; each worker pod runs the app plus daprd/,
    );
    expect(check.detail).toMatch(/Not verified: event consumption/);
  });

  // After the first run: the pod template names the worker's ServiceAccount, which must exist.
  it('restricted Pod Security admits a worker pod with daprd, rejects a weakened one', async () => {
    const raw = cluster.client();
    const dep = workerObjects(h.config, REGISTRY).find((o) => o.kind === 'Deployment') as any;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'worker-psa-probe',
        namespace: APP,
        labels: { probe: 'psa' },
        annotations: dep.spec.template.metadata.annotations,
      },
      spec: dep.spec.template.spec,
    };
    const path = `/api/v1/namespaces/${APP}/pods?dryRun=All&fieldValidation=Strict`;
    const ok = await raw.request('POST', path, pod);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.spec.containers.map((c: any) => c.name)).toEqual(['recurring-worker', 'daprd']);
    const [app] = pod.spec.containers as any[];
    const weak = {
      ...pod,
      spec: {
        ...pod.spec,
        containers: [
          { ...app, securityContext: { ...app.securityContext, allowPrivilegeEscalation: true } },
        ],
      },
    };
    const denied = await raw.request('POST', path, weak);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/violates PodSecurity "restricted:latest"/);
  });
  it('is skipped on the second run, and re-applying changes nothing', async () => {
    const again = await h.run([workersPhase], ['workers']);
    expect(again.skipped).toEqual(['workers']);
    const results = await kube.apply(workerObjects(h.config, REGISTRY));
    expect(results.filter((r) => r.action !== 'unchanged')).toEqual([]);
  });

  it('checkpoint names a missing Subscription; the next run re-creates it', async () => {
    await kube.delete(ref('Subscription', 'audit-worker-reminders', 'dapr.io/v2alpha1'));
    const check = await workersPhase.checkpoint(h.context(workersPhase));
    expect(check).toEqual({
      ok: false,
      detail: `Subscription ${APP}/audit-worker-reminders: missing`,
    });
    const summary = await h.run([workersPhase], ['workers']);
    expect(summary.succeeded).toEqual(['workers']);
    expect(
      await kube.get(ref('Subscription', 'audit-worker-reminders', 'dapr.io/v2alpha1')),
    ).toBeDefined();
  });

  it('without the injector a restart cannot add daprd: the run fails naming the pods', async () => {
    await injector!.stop();
    injector = undefined;
    await kube.rolloutRestart(APP, 'notification-worker');
    await kube.waitForRollout(APP, 'notification-worker', { timeoutMs: 60_000 });
    const check = await workersPhase.checkpoint(h.context(workersPhase));
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(
      /^notification-worker pods without the Dapr sidecar: .*\[notification-worker\]/,
    );
    const summary = await h.run([workersPhase], ['workers']);
    const failure = summary.failed.find((f) => f.phase === 'workers');
    expect(failure?.error.code).toBe('DAPR_SIDECAR_MISSING');
    expect(failure?.error.message).toMatch(
      /notification-worker pods do not run the app plus daprd/,
    );
    expect(failure?.error.hint).toMatch(/dapr-sidecar-injector/);
  });

  it('with the injector back, the pods it missed are restarted once and get daprd', async () => {
    injector = await startInjectorSimulator(cluster.client(), APP);
    const summary = await h.run([workersPhase], ['workers']);
    expect(summary.failed).toEqual([]);
    expect(
      h.lines.some(
        (l) => l.includes('notification-worker:') && l.includes('lack daprd; rollout restart'),
      ),
    ).toBe(true);
    const pods = await workerPods(kube, h.config, 'notification-worker');
    expect((pods[0]!.spec as any).containers.map((c: any) => c.name)).toEqual([
      'notification-worker',
      'daprd',
    ]);
  });

  it('fails before applying when the pub/sub Component or a topic is not there', async () => {
    await topicReady('reminders', 'False');
    const hb = harness(
      workersConfig({ dapr: { pubsubName: 'missing-pubsub' } }),
      cluster.kubeconfigPath,
    );
    try {
      pretendDependencies(hb);
      const summary = await hb.run([workersPhase], ['workers']);
      const failure = summary.failed.find((f) => f.phase === 'workers');
      expect(failure?.error.code).toBe('WORKERS_WIRING');
      expect(failure?.error.details).toEqual([
        `Dapr pub/sub Component ${APP}/missing-pubsub is missing (run \`todo-infra phase dapr\`)`,
        expect.stringMatching(/^KafkaTopic reminders is not Ready: Ready=False \(NotEnoughBrokers/),
      ]);
      const sub = await kube.get(
        ref('Subscription', 'recurring-worker-task-events', 'dapr.io/v2alpha1'),
      );
      expect((sub?.spec as any).pubsubname).toBe('pubsub');
    } finally {
      await topicReady('reminders', 'True');
      hb.cleanup();
    }
  });

  it('prunes the Deployment, ServiceAccount and Subscriptions that left the config', async () => {
    const hp = harness(
      workersConfig({
        apps: {
          workers: [
            { appId: 'recurring-worker', topics: ['task-events'] },
            { appId: 'notification-worker', topics: ['reminders'] },
            { appId: 'audit-worker', topics: ['task-events', 'reminders'] },
            { appId: 'websocket-worker', topics: ['task-updates'], enabled: false },
          ],
        },
      }),
      cluster.kubeconfigPath,
    );
    try {
      pretendDependencies(hp);
      const summary = await hp.run([workersPhase], ['workers']);
      expect(summary.failed).toEqual([]);
      const out = hp.journal.get('workers')?.outputs as WorkersOutputs;
      expect(out.pruned.sort()).toEqual([
        'Deployment/websocket-worker',
        'ServiceAccount/websocket-worker',
        'Subscription/audit-worker-task-updates',
        'Subscription/websocket-worker-task-updates',
      ]);
      expect(await kube.get(ref('Deployment', 'websocket-worker'))).toBeUndefined();
      const subs = await kube.list('dapr.io/v2alpha1', 'Subscription', APP);
      expect(subs.map((s) => s.metadata.name).sort()).toEqual(out.subscriptions.slice().sort());
      expect(await workersPhase.checkpoint(hp.context(workersPhase))).toMatchObject({ ok: true });
    } finally {
      hp.cleanup();
    }
  });
});
