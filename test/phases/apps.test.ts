// Phase apps on the real local control plane, through base and ingress (real helm, simulator
// chart), with a local HTTP server playing the app behind the simulated load balancer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { startLbSimulator, type LbSimulator } from '../cluster/lb-simulator.ts';
import { helmUninstall } from '../../src/adapters/helm.js';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube } from '../../src/kube/types.js';
import { basePhase } from '../../src/phases/base.js';
import { ingressPhase } from '../../src/phases/ingress.js';
import { appsPhase } from '../../src/phases/apps.js';
import { appPods, sidecarState } from '../../src/manifests/apps/verify.js';
import {
  harness,
  isolatedNamespaces,
  makeConfig,
  SIMULATOR_CHART,
  startAppServer,
  useCachedHelm,
  type Harness,
} from './apps-harness.js';
import { startInjectorSimulator } from './apps-sidecar-injector-simulator.ts';
import { setCordoned, startPullFailureNode } from './apps-kubelet-simulator.ts';

const cluster = useCluster();
const ENV = 'APPS_TEST_APPS_DB_URL';
const PREFIX = 'at';
const ALL = [basePhase, ingressPhase, appsPhase];

let lb: LbSimulator;
let app: Awaited<ReturnType<typeof startAppServer>>;
let h: Harness;
let kube: Kube;

function appConfig(prefix: string, extra: Record<string, unknown> = {}) {
  return makeConfig({
    ...isolatedNamespaces(prefix),
    charts: { ingress: { ref: SIMULATOR_CHART, version: '2.7.2' } },
    apps: {
      namespace: `${prefix}-app`,
      publicUrl: app.url,
      loadBalancerTimeoutSeconds: 30,
      rolloutTimeoutSeconds: 60,
      frontend: { image: 'ghcr.io/example/todo-frontend', tag: '1.0.0' },
      backend: { image: 'ghcr.io/example/todo-backend', tag: '1.0.0' },
      ...extra,
    },
    secrets: { dbConnectionString: { fromEnv: ENV } },
  });
}

beforeAll(async () => {
  await useCachedHelm();
  process.env[ENV] = 'postgresql://u:apps-test-secret@db/x';
  lb = await startLbSimulator({
    kubeconfigPath: cluster.kubeconfigPath,
    addressFor: (svc) =>
      String(svc.metadata.namespace).startsWith(PREFIX) ? '127.0.0.1' : undefined,
    log: () => undefined,
  });
  app = await startAppServer({ '/': 200, '/api': 200 });
  h = harness(appConfig(PREFIX), cluster.kubeconfigPath);
  kube = await h.context(appsPhase).kube();
});

afterAll(async () => {
  await lb?.stop();
  await app?.stop();
  for (const ns of [`${PREFIX}-ing`, `${PREFIX}p-ing`, `${PREFIX}f-ing`]) {
    const kubeconfig = cluster.kubeconfigPath;
    await helmUninstall({ release: 'nginx-ingress', namespace: ns, kubeconfig }).catch(() => false);
  }
  delete process.env[ENV];
  clearSecretsForTests();
  h?.cleanup();
});

describe('phase apps', () => {
  it('deploys frontend and backend, waits for rollouts and checks / and /api', async () => {
    const summary = await h.run(ALL, ['base', 'ingress', 'apps']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['base', 'ingress', 'apps']);
    expect(h.journal.get('apps')?.outputs).toMatchObject({
      url: app.url,
      images: {
        frontend: 'ghcr.io/example/todo-frontend:1.0.0',
        backend: 'ghcr.io/example/todo-backend:1.0.0',
      },
      daprSidecars: false,
    });
    expect(app.hits).toEqual(expect.arrayContaining(['/', '/api']));
    const ing = await kube.get({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      name: 'todo',
      namespace: `${PREFIX}-app`,
    });
    expect((ing?.spec as any).ingressClassName).toBe(`${PREFIX}-nginx`);
    const hpa = await kube.get({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      name: 'backend',
      namespace: `${PREFIX}-app`,
    });
    expect((hpa?.spec as any).maxReplicas).toBe(3);
    expect(await appsPhase.checkpoint(h.context(appsPhase))).toMatchObject({ ok: true });
  });

  it('is skipped on the second run and re-applying changes nothing', async () => {
    const again = await h.run(ALL, ['base', 'ingress', 'apps']);
    expect(again.skipped).toEqual(['base', 'ingress', 'apps']);
    const { appObjects } = await import('../../src/phases/apps.js');
    const results = await kube.apply(appObjects(h.config, undefined));
    expect(results.every((r) => r.action === 'unchanged')).toBe(true);
  });

  it('references the registry pull secret when the registry phase has run', async () => {
    const { appObjects } = await import('../../src/phases/apps.js');
    const registry = { imagePrefix: 'fra.ocir.io/ns', pullSecretName: 'ocir-pull' };
    const objs = appObjects(h.config, registry);
    const [res] = await kube.apply(
      objs.filter((o) => o.kind === 'Deployment'),
      { dryRun: true },
    );
    expect(res?.action).toBe('configured');
  });

  it('restarts the apps when Dapr arrives later, then finds two containers per pod', async () => {
    const raw = cluster.client();
    const injector = await startInjectorSimulator(raw, `${PREFIX}-app`);
    try {
      const before = sidecarState(await appPods(kube, h.config, 'backend'));
      expect(before.withSidecar).toEqual([]);
      h.pretend('dapr', { namespace: `${PREFIX}-dapr` });
      const summary = await h.run(ALL, ['apps']);
      expect(summary.failed).toEqual([]);
      expect(summary.succeeded).toEqual(['apps']);
      for (const c of ['frontend', 'backend'] as const) {
        const pods = await appPods(kube, h.config, c);
        expect(sidecarState(pods).withoutSidecar).toEqual([]);
        for (const p of pods) expect((p.spec as any).containers).toHaveLength(2);
      }
      expect(injector.injected.length).toBeGreaterThanOrEqual(2);
      expect(h.lines.some((l) => l.includes('lack daprd; rollout restart'))).toBe(true);
      expect(await appsPhase.checkpoint(h.context(appsPhase))).toMatchObject({ ok: true });
    } finally {
      await injector.stop();
    }
  });

  it('fails with the cause when Dapr is recorded but no injector adds the sidecar', async () => {
    // The injector simulator is gone; the dapr phase's record says Dapr is installed.
    await kube.rolloutRestart(`${PREFIX}-app`, 'backend');
    const summary = await h.run(ALL, ['apps'], true);
    const failure = summary.failed.find((f) => f.phase === 'apps');
    expect(failure?.error.code).toBe('DAPR_SIDECAR_MISSING');
    expect(failure?.error.message).toMatch(/backend pods .* have no daprd container/);
    expect(failure?.error.hint).toMatch(/sidecar injector/);
  });

  it('names the image pull failure when a rollout cannot finish', async () => {
    const cfg = appConfig(`${PREFIX}p`, {
      rolloutTimeoutSeconds: 8,
      backend: { image: 'ghcr.io/example/todo-backend', tag: 'does-not-exist' },
    });
    const hf = harness(cfg, cluster.kubeconfigPath);
    const raw = cluster.client();
    // New pods go to the simulated node whose kubelet cannot pull the backend's image.
    const pull = await startPullFailureNode(raw, 'a1-pull-failure-sim', (image) =>
      image.endsWith(':does-not-exist'),
    );
    for (const node of cluster.nodeNames) await setCordoned(raw, node, true);
    try {
      const summary = await hf.run(ALL, ['base', 'ingress', 'apps']);
      const failure = summary.failed.find((f) => f.phase === 'apps');
      expect(failure?.error.exitCode).toBe(4);
      expect(failure?.error.message).toMatch(/backend/);
      expect(`${failure?.error.message}\n${failure?.error.details.join('\n')}`).toMatch(
        /ImagePullBackOff/,
      );
      expect(failure?.error.hint).toMatch(/apps\.<component>\.image/);
    } finally {
      for (const node of cluster.nodeNames) await setCordoned(raw, node, false);
      await pull.stop();
      hf.cleanup();
    }
  });

  it('names the unschedulable pod when no node fits it', async () => {
    const cfg = appConfig(`${PREFIX}f`, {
      rolloutTimeoutSeconds: 8,
      backend: {
        image: 'ghcr.io/example/todo-backend',
        tag: '1.0.0',
        resources: {
          requests: { cpu: '3', memory: '256Mi' },
          limits: { cpu: '3', memory: '512Mi' },
        },
      },
      quotas: {
        app: {
          requests: { cpu: '8', memory: '4Gi' },
          limits: { cpu: '16', memory: '8Gi' },
          pods: 20,
        },
      },
    });
    const hf = harness(cfg, cluster.kubeconfigPath);
    try {
      const summary = await hf.run(ALL, ['base', 'ingress', 'apps']);
      const failure = summary.failed.find((f) => f.phase === 'apps');
      expect(failure?.error.exitCode).toBe(4);
      expect(`${failure?.error.message}\n${failure?.error.details.join('\n')}`).toMatch(
        /Insufficient cpu/,
      );
    } finally {
      hf.cleanup();
    }
  });
});
