// The optional todo-app Helm chart that `render` writes (infrastructure/helm/todo-app/), checked
// with the real helm binary: it lints with each values file, and `helm template` with the
// generated values yields the very objects `phase apps` and `phase workers` apply for the same
// config.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config, ConfigInput } from '../../src/config/schema.js';
import type { KubeObject } from '../../src/kube/types.js';
import { HELM_CHART_DIR } from '../../src/manifests/apps/helm-chart.js';
import type { RegistryOutputs } from '../../src/manifests/apps/images.js';
import { appObjects, appsPhase, renderableConfig } from '../../src/phases/apps.js';
import { workerObjects } from '../../src/phases/workers.js';
import { readTree, runCli, workDir } from '../cli/helpers.ts';
import { makeConfig, useCachedHelm } from './apps-harness.js';

const run = promisify(execFile);
let helm: string;
const dirs: string[] = [];

beforeAll(async () => {
  helm = await useCachedHelm();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes the chart files the apps phase renders for config; returns the chart directory. */
function writeChart(config: Config): string {
  const out = mkdtempSync(join(tmpdir(), 'todo-helm-chart-'));
  dirs.push(out);
  const files = appsPhase.render!(config).filter((f) => f.path.startsWith(`${HELM_CHART_DIR}/`));
  for (const f of files) {
    mkdirSync(dirname(join(out, f.path)), { recursive: true });
    writeFileSync(join(out, f.path), f.content);
  }
  return join(out, HELM_CHART_DIR);
}

async function helmTemplate(chart: string, namespace: string, args: string[] = []) {
  const { stdout } = await run(helm, ['template', 'todo-app', chart, '-n', namespace, ...args]);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

const MANAGED_BY = 'app.kubernetes.io/managed-by';

/**
 * The one intended difference: Helm-deployed objects say Helm manages them. Checked, then set to
 * the CLI's value so the rest can be compared whole.
 */
function asCliLabels(objects: KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    const copy = structuredClone(o) as KubeObject & {
      spec?: { template?: { metadata: { labels: Record<string, string> } } };
    };
    const labelSets = [copy.metadata.labels, copy.spec?.template?.metadata.labels];
    for (const labels of labelSets.filter((l) => l !== undefined)) {
      expect(labels[MANAGED_BY], `${o.kind}/${o.metadata.name}`).toBe('Helm');
      labels[MANAGED_BY] = 'todo-infra';
    }
    return copy;
  });
}

const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
const sorted = (objects: KubeObject[]) => [...objects].sort((a, b) => (key(a) < key(b) ? -1 : 1));

function expectSameObjects(fromHelm: KubeObject[], fromCli: KubeObject[]) {
  expect(sorted(fromHelm).map(key)).toEqual(sorted(fromCli).map(key));
  expect(sorted(asCliLabels(fromHelm))).toEqual(sorted(fromCli));
}

/** What `phase apps` then `phase workers` apply for config, images resolved as render does. */
function cliObjects(config: Config, registry?: RegistryOutputs): KubeObject[] {
  const renderable = renderableConfig(config);
  return [...appObjects(renderable, registry), ...workerObjects(renderable, registry)];
}

const CUSTOM: ConfigInput = {
  apps: {
    namespace: 'shop',
    frontend: {
      image: 'ghcr.io/acme/web',
      tag: 'v2.1',
      port: 4000,
      hpa: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 60 },
      resources: {
        requests: { cpu: '1', memory: '200Mi' },
        limits: { cpu: '1.5', memory: '1Gi' },
      },
    },
    // A registry port and a digest: the chart must put the reference back together unchanged.
    backend: { image: `registry.local:5000/acme/api@sha256:${'ab'.repeat(32)}` },
  },
  ingress: { host: 'todo.acme.dev', className: 'edge', tls: { enabled: true, secretName: 'acme' } },
  dapr: {
    logAsJson: false,
    sidecar: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
  },
  hardening: { serviceAccountPerWorkload: false, securityHeaders: false },
};

/** Workers changed every way the chart has to follow: one off, own sizes, topics and routes. */
const CUSTOM_WORKERS: ConfigInput = {
  apps: {
    workerTag: 'w-7',
    workers: [
      {
        appId: 'recurring-worker',
        topics: ['reminders', 'task-updates'],
        replicas: 3,
        port: 9090,
        route: '/dapr/recurring',
      },
      { appId: 'notification-worker', topics: ['reminders'], enabled: false },
      {
        appId: 'audit-worker',
        topics: ['task-events', 'reminders', 'task-updates'],
        replicas: 0,
        resources: {
          requests: { cpu: '10m', memory: '48Mi' },
          limits: { cpu: '300m', memory: '256Mi' },
        },
      },
      { appId: 'websocket-worker', topics: ['task-updates'], replicas: 2 },
    ],
  },
  registry: { host: 'ghcr.io', namespace: 'acme' },
  dapr: { pubsubName: 'kafka-bus' },
};

describe('todo-app Helm chart (real helm)', () => {
  const configs: Record<string, ConfigInput> = {
    default: {},
    custom: CUSTOM,
    'frontend switched off': { apps: { frontend: { replicas: 0 } } },
    'custom workers': CUSTOM_WORKERS,
    'custom workers with a ServiceAccount each': {
      ...CUSTOM_WORKERS,
      hardening: { serviceAccountPerWorkload: true },
    },
    'every worker off': {
      apps: { workers: [{ appId: 'audit-worker', topics: ['task-events'], enabled: false }] },
    },
  };

  for (const [name, input] of Object.entries(configs)) {
    it(`${name} config: helm template with values.yaml yields the objects phase apps and phase workers apply`, async () => {
      const config = makeConfig(input);
      const chart = writeChart(config);
      const fromHelm = await helmTemplate(chart, config.apps.namespace);
      expectSameObjects(fromHelm, cliObjects(config));
    });
  }

  it('the default config: four worker Deployments and six Subscriptions, each scoped to one worker', async () => {
    // Guards the equality above against both sides losing the workers together.
    const objects = await helmTemplate(writeChart(makeConfig({})), 'todo-app');
    const workers = objects.filter(
      (o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'worker',
    );
    expect(workers.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual([
      'audit-worker',
      'notification-worker',
      'recurring-worker',
      'websocket-worker',
    ]);
    const subs = workers.filter((o) => o.kind === 'Subscription') as any[];
    expect(subs.map((s) => [s.metadata.name, s.spec.topic, s.scopes])).toEqual([
      ['audit-worker-task-events', 'task-events', ['audit-worker']],
      ['audit-worker-reminders', 'reminders', ['audit-worker']],
      ['audit-worker-task-updates', 'task-updates', ['audit-worker']],
      ['notification-worker-reminders', 'reminders', ['notification-worker']],
      ['recurring-worker-task-events', 'task-events', ['recurring-worker']],
      ['websocket-worker-task-updates', 'task-updates', ['websocket-worker']],
    ]);
  });

  it('names the registry pull secret when told to, as phase apps does after the registry phase', async () => {
    const config = makeConfig({});
    const fromHelm = await helmTemplate(writeChart(config), 'todo-app', [
      '--set',
      'imagePullSecret=ocir-pull',
    ]);
    expectSameObjects(fromHelm, cliObjects(config, { pullSecretName: 'ocir-pull' }));
  });

  it('lints with values.yaml, values-dev.yaml and values-prod.yaml (strict)', async () => {
    for (const input of [{}, CUSTOM, CUSTOM_WORKERS]) {
      const chart = writeChart(makeConfig(input));
      for (const values of ['values.yaml', 'values-dev.yaml', 'values-prod.yaml']) {
        const { stdout } = await run(helm, ['lint', '--strict', chart, '-f', join(chart, values)]);
        expect(stdout, values).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      }
    }
  });

  it('values-dev.yaml: one pod per component and worker, and smaller requests', async () => {
    const config = makeConfig({});
    const chart = writeChart(config);
    const objects = await helmTemplate(chart, 'todo-app', ['-f', join(chart, 'values-dev.yaml')]);
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec)).toEqual([
      expect.objectContaining({ minReplicas: 1, maxReplicas: 1 }),
      expect.objectContaining({ minReplicas: 1, maxReplicas: 1 }),
    ]);
    const requests = Object.fromEntries(
      objects
        .filter((o) => o.kind === 'Deployment')
        .map((d: any) => [d.metadata.name, d.spec.template.spec.containers[0].resources.requests]),
    );
    const worker = { cpu: '25m', memory: '64Mi' };
    expect(requests).toEqual({
      frontend: { cpu: '50m', memory: '64Mi' },
      backend: { cpu: '50m', memory: '128Mi' },
      'audit-worker': worker,
      'notification-worker': worker,
      'recurring-worker': worker,
      'websocket-worker': worker,
    });
    const replicas = objects
      .filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'worker')
      .filter((o) => o.kind === 'Deployment')
      .map((d: any) => d.spec.replicas);
    expect(replicas).toEqual([1, 1, 1, 1]);
    // Everything the overlay does not name stays as values.yaml has it.
    const ingress = objects.find((o) => o.kind === 'Ingress') as any;
    expect(ingress.spec.tls).toBeUndefined();
  });

  it('values-dev.yaml never raises what the config already asks for', async () => {
    const lean = { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    const chart = writeChart(makeConfig({ apps: { frontend: { resources: lean } } }));
    const objects = await helmTemplate(chart, 'todo-app', ['-f', join(chart, 'values-dev.yaml')]);
    const frontend = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'frontend');
    expect((frontend as any).spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '20m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
    });
  });

  it('values-dev.yaml keeps a worker that is switched off at 0 and never raises its sizes', async () => {
    const chart = writeChart(makeConfig(CUSTOM_WORKERS));
    const objects = await helmTemplate(chart, 'todo-app', ['-f', join(chart, 'values-dev.yaml')]);
    const deployment = (name: string) =>
      objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as any;
    expect(deployment('audit-worker').spec.replicas).toBe(0);
    expect(deployment('audit-worker').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '10m', memory: '48Mi' },
      limits: { cpu: '100m', memory: '128Mi' },
    });
    expect(deployment('recurring-worker').spec.replicas).toBe(1);
    expect(deployment('notification-worker')).toBeUndefined();
    // Only sizes change: topics, routes and the pub/sub component stay as values.yaml has them.
    const fromValues = await helmTemplate(chart, 'todo-app');
    const subs = (list: KubeObject[]) => list.filter((o) => o.kind === 'Subscription');
    expect(subs(objects)).toEqual(subs(fromValues));
  });

  it('values-prod.yaml: HTTPS with HSTS and twice the scale-out ceiling, otherwise as phase apps', async () => {
    const config = makeConfig({ ingress: { host: 'todo.acme.dev' } });
    const chart = writeChart(config);
    const objects = await helmTemplate(chart, 'todo-app', ['-f', join(chart, 'values-prod.yaml')]);
    const ingress = objects.find((o) => o.kind === 'Ingress') as any;
    expect(ingress.spec.tls).toEqual([{ hosts: ['todo.acme.dev'], secretName: 'todo-tls' }]);
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.org/hsts': 'True',
      'nginx.org/hsts-max-age': '31536000',
    });
    const max = objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler')
      .map((h: any) => h.spec.maxReplicas);
    expect(max).toEqual([6, 6]);

    // The same as what the CLI deploys once TLS is on and the ceilings are raised.
    const prod = makeConfig({
      ingress: { host: 'todo.acme.dev', tls: { enabled: true } },
      apps: { frontend: { hpa: { maxReplicas: 6 } }, backend: { hpa: { maxReplicas: 6 } } },
    });
    expectSameObjects(objects, cliObjects(prod));
  });

  it('values-prod.yaml without ingress.host in the config names a placeholder host to replace', async () => {
    const chart = writeChart(makeConfig({}));
    const objects = await helmTemplate(chart, 'todo-app', ['-f', join(chart, 'values-prod.yaml')]);
    const ingress = objects.find((o) => o.kind === 'Ingress') as any;
    expect(ingress.spec.rules[0].host).toBe('todo.example.com');
    expect(ingress.spec.tls[0].hosts).toEqual(['todo.example.com']);
  });

  it('refuses TLS without a host, as phase apps does', async () => {
    const chart = writeChart(makeConfig({}));
    await expect(
      helmTemplate(chart, 'todo-app', ['--set', 'ingress.tls.enabled=true']),
    ).rejects.toThrow(/ingress.tls.enabled is true but ingress.host is empty/);
  });
});

describe('todo-app Helm chart in render --out', () => {
  const SECRET = 'ChartSecret987';
  const env = {
    TODO_INFRA_DB_CONNECTION_STRING: `postgres://u:${SECRET}@h/db`,
    TODO_INFRA_REGISTRY_NAMESPACE: 'mytenancy',
  };

  it('is written by the CLI, byte-identical run after run, and holds no secret value', async () => {
    const cwd = workDir();
    for (const out of ['a', 'b']) {
      const r = await runCli(['render', '--out', out], { cwd, env });
      expect(r.code, r.stderr).toBe(0);
    }
    const chart = (out: string) =>
      new Map([...readTree(join(cwd, out))].filter(([p]) => p.startsWith(`${HELM_CHART_DIR}/`)));
    const a = chart('a');
    expect([...a.keys()].sort()).toEqual(
      [
        'Chart.yaml',
        'README.md',
        'templates/NOTES.txt',
        'templates/_helpers.tpl',
        'templates/deployment.yaml',
        'templates/hpa.yaml',
        'templates/ingress.yaml',
        'templates/service.yaml',
        'templates/serviceaccount.yaml',
        'templates/subscriptions.yaml',
        'templates/workers.yaml',
        'values-dev.yaml',
        'values-prod.yaml',
        'values.yaml',
      ].map((f) => `${HELM_CHART_DIR}/${f}`),
    );
    expect(chart('b')).toEqual(a);
    expect(a.get(`${HELM_CHART_DIR}/values.yaml`)!.toString()).toContain(
      'repository: REGISTRY_HOST/mytenancy/todo-frontend',
    );
    for (const [path, content] of a) {
      expect(content.toString().includes(SECRET), path).toBe(false);
      expect(content.toString().includes('postgres://'), path).toBe(false);
    }
  });
});
