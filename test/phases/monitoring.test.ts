// Phase monitoring on the real local control plane with real helm. The chart is the local
// metrics-server simulator (no chart repository is reachable); the metrics API behind the
// APIService is test/phases/monitoring-metrics-api-simulator.ts, reached by the real
// aggregator, `kubectl top` and the HPA controller.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { ensureTools } from '../tools/build.ts';
import { helmGetValues, helmStatus, helmTemplate, helmUninstall } from '../../src/adapters/helm.js';
import { parseManifests } from '../../src/kube/manifests.js';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube, KubeObject } from '../../src/kube/types.js';
import { appObjects } from '../../src/phases/apps.js';
import { basePhase } from '../../src/phases/base.js';
import { monitoringPhase } from '../../src/phases/monitoring.js';
import { metricsServerValues } from '../../src/manifests/monitoring/metrics-server.js';
import {
  harness,
  isolatedNamespaces,
  makeConfig,
  useCachedHelm,
  type Harness,
} from './apps-harness.js';
import {
  startMetricsApiSimulator,
  type MetricsApiSimulator,
} from './monitoring-metrics-api-simulator.ts';

const cluster = useCluster();
const run = promisify(execFile);
const PREFIX = 'mn';
const APP_NS = `${PREFIX}-app`;
const MON_NS = `${PREFIX}-mon`;
const ENV = 'MONITORING_TEST_DB_URL';
const CHART = new URL('../fixtures/charts/metrics-server-simulator', import.meta.url).pathname;
const ALL = [basePhase, monitoringPhase];

let h: Harness;
let kube: Kube;
let metrics: MetricsApiSimulator | undefined;

const config = () =>
  makeConfig({
    ...isolatedNamespaces(PREFIX),
    charts: { metricsServer: { ref: CHART, version: '3.13.1' } },
    apps: {
      namespace: APP_NS,
      rolloutTimeoutSeconds: 60,
      frontend: { image: 'ghcr.io/example/todo-frontend', tag: '1.0.0' },
      backend: { image: 'ghcr.io/example/todo-backend', tag: '1.0.0' },
    },
    secrets: { dbConnectionString: { fromEnv: ENV } },
  });

async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  await useCachedHelm();
  process.env[ENV] = 'postgresql://u:monitoring-test-secret@db/x';
  h = harness(config(), cluster.kubeconfigPath);
  kube = await h.context(monitoringPhase).kube();
});

afterAll(async () => {
  await metrics?.stop();
  await helmUninstall({
    release: 'metrics-server',
    namespace: MON_NS,
    kubeconfig: cluster.kubeconfigPath,
  }).catch(() => false);
  delete process.env[ENV];
  clearSecretsForTests();
  h?.cleanup();
});

describe('phase monitoring', () => {
  it('fails clearly while nothing serves the metrics API', async () => {
    const summary = await h.run(ALL, ['base']);
    expect(summary.failed).toEqual([]);
    const check = await monitoringPhase.checkpoint(h.context(monitoringPhase));
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/metrics-server.*not deployed/);
  });

  it('installs metrics-server, waits for the metrics API, finds nothing to audit', async () => {
    metrics = await startMetricsApiSimulator(cluster.client(), { serviceNamespace: MON_NS });
    const summary = await h.run(ALL, ['base', 'monitoring']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['monitoring']);
    expect(h.journal.get('monitoring')?.outputs).toMatchObject({
      namespace: MON_NS,
      metricsServer: true,
      probedDeployments: [],
    });
    // What helm installed: the phase's values, and a pod spec that passed restricted PSA and
    // the monitoring quota.
    const scope = {
      release: 'metrics-server',
      namespace: MON_NS,
      kubeconfig: cluster.kubeconfigPath,
    };
    expect((await helmStatus(scope))?.status).toBe('deployed');
    expect(await helmGetValues(scope)).toEqual(metricsServerValues(h.config));
    const dep = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'metrics-server',
      namespace: MON_NS,
    });
    const c = (dep?.spec as any).template.spec.containers[0];
    expect(c.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '160Mi' },
    });
    expect((dep?.status as any).availableReplicas).toBe(1);
    // The aggregator itself reports the API Available after calling the simulator.
    const api = await kube.get({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      name: 'v1beta1.metrics.k8s.io',
    });
    expect((api?.status as any).conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Available', status: 'True' })]),
    );
    expect(metrics.requests).toContain('/apis/metrics.k8s.io/v1beta1');
    const waits = h.events
      .filter((e) => e.type === 'wait' && e.phase === 'monitoring')
      .map((w) => (w as { what: string }).what);
    expect(waits.join('\n')).toMatch(/APIService v1beta1.metrics.k8s.io/);
    const check = await monitoringPhase.checkpoint(h.context(monitoringPhase));
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/no Deployments in mn-app to audit yet/);
  });

  it('renders chart objects the API server accepts under strict field validation', async () => {
    const text = await helmTemplate({
      release: 'metrics-server',
      namespace: MON_NS,
      chart: h.config.charts.metricsServer,
      values: metricsServerValues(h.config),
    });
    const objects = parseManifests(text, 'helm template metrics-server');
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'Deployment',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    // helm (a server-side-apply field manager of its own) owns these objects; force only
    // lets the dry run take ownership, the strict field validation is the same.
    const results = await kube.apply(objects, { dryRun: true, force: true });
    expect(results.map((r) => r.ref.kind)).toEqual(expect.arrayContaining(['Deployment']));
    expect(results.filter((r) => r.note)).toEqual([]);
  });

  it('is skipped on the next run, and a forced run leaves the release as it was', async () => {
    const again = await h.run(ALL, ['base', 'monitoring']);
    expect(again.skipped).toEqual(['base', 'monitoring']);
    const scope = {
      release: 'metrics-server',
      namespace: MON_NS,
      kubeconfig: cluster.kubeconfigPath,
    };
    const before = (await helmStatus(scope))?.revision;
    const forced = await h.run(ALL, ['monitoring'], true);
    expect(forced.succeeded).toEqual(['monitoring']);
    expect((await helmStatus(scope))?.revision).toBe(before);
    expect(h.lines.some((l) => l.includes('unchanged, skipping upgrade'))).toBe(true);
  });

  it('audits the probes of the app Deployments and serves `kubectl top`', async () => {
    const objects = appObjects(h.config, undefined).filter((o) => o.kind !== 'Ingress');
    const results = await kube.apply(objects);
    expect(results.length).toBe(objects.length);
    for (const name of ['frontend', 'backend']) {
      await kube.waitForRollout(APP_NS, name, { timeoutMs: 60_000 });
    }
    const check = await monitoringPhase.checkpoint(h.context(monitoringPhase));
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toMatch(/correct in backend, frontend/);

    const { kubectl } = await ensureTools(['kubernetes']);
    const top = await run(kubectl!, [
      '--kubeconfig',
      cluster.kubeconfigPath,
      'top',
      'pods',
      '-n',
      APP_NS,
    ]);
    expect(top.stdout).toMatch(/^backend-\S+\s+5m\s+32Mi/m);
    expect(top.stdout).toMatch(/^frontend-\S+\s+5m\s+32Mi/m);
  });

  it('names a Deployment without probes, and one with wrong timings', async () => {
    const legacy: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'legacy-worker', namespace: APP_NS },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'legacy-worker' } },
        template: {
          metadata: { labels: { app: 'legacy-worker' } },
          spec: { containers: [{ name: 'worker', image: 'ghcr.io/example/legacy:1' }] },
        },
      },
    };
    // Probes on the right paths, but with the runbook's timings swapped.
    const hasty: KubeObject = JSON.parse(JSON.stringify(legacy));
    hasty.metadata.name = 'hasty-worker';
    (hasty.spec as any).template.spec.containers[0] = {
      name: 'worker',
      image: 'ghcr.io/example/hasty:1',
      livenessProbe: {
        httpGet: { path: '/health', port: 8080 },
        initialDelaySeconds: 5,
        periodSeconds: 5,
      },
      readinessProbe: {
        httpGet: { path: '/ready', port: 8080 },
        initialDelaySeconds: 5,
        periodSeconds: 5,
      },
    };
    await kube.apply([legacy, hasty]);
    try {
      const check = await monitoringPhase.checkpoint(h.context(monitoringPhase));
      expect(check.ok).toBe(false);
      const legacyMsg = 'Deployment legacy-worker container worker has no';
      expect(check.detail).toContain(`${legacyMsg} livenessProbe`);
      expect(check.detail).toContain(`${legacyMsg} readinessProbe`);
      expect(check.detail).toContain(
        'Deployment hasty-worker container worker livenessProbe ' +
          'initialDelaySeconds is 5, not 30, periodSeconds is 5, not 10',
      );
      expect(check.detail).not.toContain('hasty-worker container worker readinessProbe');
      expect(check.detail).not.toContain('frontend');
      // Through the engine: the phase fails at its checkpoint with the same names.
      const summary = await h.run(ALL, ['monitoring'], true);
      const failure = summary.failed.find((f) => f.phase === 'monitoring');
      expect(failure?.error.code).toBe('CHECKPOINT_FAILED');
      expect(failure?.error.message).toContain('legacy-worker');
    } finally {
      for (const name of ['legacy-worker', 'hasty-worker']) {
        await kube.delete(
          { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: APP_NS },
          { wait: true },
        );
      }
    }
  });

  it('lets the HPA controller scale the backend on CPU from the metrics API (T154)', async () => {
    // 300m against a 150m request is 200 % of the HPA's 70 % target: scale to maxReplicas.
    metrics!.setUsage((pod, container) => ({
      cpuMilli:
        pod.metadata.labels?.['app.kubernetes.io/name'] === 'backend' && container === 'backend'
          ? 300
          : 5,
      memoryMi: 32,
    }));
    const replicas = await waitUntil('the HPA to scale the backend', async () => {
      const dep = await kube.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'backend',
        namespace: APP_NS,
      });
      const n = (dep?.spec as { replicas?: number }).replicas ?? 0;
      return n >= 3 ? n : undefined;
    });
    expect(replicas).toBe(h.config.apps.backend.hpa.maxReplicas);
    const hpa = await kube.get({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      name: 'backend',
      namespace: APP_NS,
    });
    const conditions = (hpa?.status as any).conditions as Array<{ type: string; status: string }>;
    expect(conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'ScalingActive', status: 'True' })]),
    );
    expect((hpa?.status as any).currentMetrics[0].resource.current.averageUtilization).toBe(200);
  });

  it('reports the metrics API as missing once it is gone', async () => {
    await metrics!.stop();
    metrics = undefined;
    const check = await monitoringPhase.checkpoint(h.context(monitoringPhase));
    expect(check).toEqual({
      ok: false,
      detail: 'APIService v1beta1.metrics.k8s.io does not exist',
    });
  });
});
