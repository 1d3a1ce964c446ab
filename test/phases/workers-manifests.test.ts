// Offline checks of the worker manifests: Deployments derived from the apps builder (and no trace
// of the template left), Subscriptions per (worker, topic), config clashes, images, render.
import { describe, expect, it } from 'vitest';
import { isTodoInfraError } from '../../src/core/errors.js';
import type { KubeObject } from '../../src/kube/types.js';
import { deployTargets } from '../../src/pipeline/deployer.js';
import { workerObjects, workersPhase } from '../../src/phases/workers.js';
import { makeConfig } from './apps-harness.js';

const registry = { imagePrefix: 'fra.ocir.io/axyz', pullSecretName: 'ocir-pull' };
const config = makeConfig({ apps: { workerTag: '2.1.0' } });
const objects = workerObjects(config, registry);
const of = (kind: string) => objects.filter((o) => o.kind === kind) as any[];

function usageCode(fn: () => unknown): { code: string; details: string[]; hint?: string } {
  try {
    fn();
  } catch (err) {
    if (isTodoInfraError(err)) return { code: err.code, details: err.details, hint: err.hint };
    throw err;
  }
  throw new Error('expected a usage error');
}

describe('worker Deployments', () => {
  it('one per enabled worker, named by app id, Dapr-annotated, restricted, arm64, probed', () => {
    const deps = of('Deployment');
    expect(deps.map((d) => d.metadata.name)).toEqual([
      'recurring-worker',
      'notification-worker',
      'audit-worker',
      'websocket-worker',
    ]);
    for (const d of deps) {
      const id = d.metadata.name;
      const pod = d.spec.template.spec;
      const [c, ...rest] = pod.containers;
      expect(rest).toEqual([]);
      expect(d.spec.replicas).toBe(1);
      expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': id });
      expect(d.spec.template.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': id,
        'app.kubernetes.io/component': 'worker',
      });
      expect(d.spec.template.metadata.annotations).toMatchObject({
        'dapr.io/enabled': 'true',
        'dapr.io/app-id': id,
        'dapr.io/app-port': '8080',
        'dapr.io/config': 'appconfig',
        'dapr.io/log-as-json': 'true',
        'dapr.io/sidecar-cpu-request': '50m',
        'dapr.io/sidecar-memory-limit': '256Mi',
        'dapr.io/sidecar-seccomp-profile-type': 'RuntimeDefault',
      });
      expect(c.name).toBe(id);
      expect(c.image).toBe('fra.ocir.io/axyz/todo-worker:2.1.0');
      expect(c.env).toEqual([{ name: 'PORT', value: '8080' }]);
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(c.resources).toEqual({
        requests: { cpu: '50m', memory: '96Mi' },
        limits: { cpu: '200m', memory: '192Mi' },
      });
      expect(c.livenessProbe).toMatchObject({
        httpGet: { path: '/health' },
        initialDelaySeconds: 30,
        periodSeconds: 10,
      });
      expect(c.readinessProbe).toMatchObject({
        httpGet: { path: '/ready' },
        initialDelaySeconds: 5,
        periodSeconds: 5,
      });
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
      expect(pod.imagePullSecrets).toEqual([{ name: 'ocir-pull' }]);
      expect(pod.serviceAccountName).toBe(id);
      expect(pod.automountServiceAccountToken).toBe(false);
    }
  });

  it('keeps nothing of the frontend template it is built from', () => {
    for (const o of objects) expect(JSON.stringify(o)).not.toMatch(/frontend/);
  });

  it('matches what the pipeline deploys (Deployment and container named by app id)', () => {
    const targets = deployTargets(config).filter((t) => t.repository === 'todo-worker');
    expect(targets).toHaveLength(4);
    for (const t of targets) {
      const dep = of('Deployment').find((d) => d.metadata.name === t.deployment);
      expect(dep?.spec.template.spec.containers.map((c: any) => c.name)).toEqual([t.container]);
    }
  });

  it('uses the configured worker settings and honours enabled and replicas', () => {
    const cfg = makeConfig({
      apps: {
        workers: [
          {
            appId: 'recurring-worker',
            topics: ['task-events'],
            port: 9000,
            replicas: 2,
            resources: {
              requests: { cpu: '20m', memory: '32Mi' },
              limits: { cpu: '100m', memory: '64Mi' },
            },
          },
          { appId: 'notification-worker', topics: ['reminders'], enabled: false },
        ],
      },
      hardening: { serviceAccountPerWorkload: false },
    });
    const objs = workerObjects(cfg, registry);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/recurring-worker',
      'Subscription/recurring-worker-task-events',
    ]);
    const dep = objs[0] as any;
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.template.metadata.annotations['dapr.io/app-port']).toBe('9000');
    expect(dep.spec.template.spec.containers[0].resources.limits).toEqual({
      cpu: '100m',
      memory: '64Mi',
    });
    expect(dep.spec.template.spec.serviceAccountName).toBeUndefined();
  });
});

describe('worker images', () => {
  it('prefers the registry phase prefix, else registry.host/namespace, else a usage error', () => {
    const cfg = makeConfig({ registry: { host: 'ghcr.io', namespace: 'acme' } });
    const dep = (o: KubeObject[]) =>
      (o.find((x) => x.kind === 'Deployment') as any).spec.template.spec;
    expect(dep(workerObjects(cfg, undefined)).containers[0].image).toBe(
      'ghcr.io/acme/todo-worker:latest',
    );
    expect(dep(workerObjects(cfg, undefined)).imagePullSecrets).toBeUndefined();
    expect(dep(workerObjects(cfg, registry)).containers[0].image).toBe(
      'fra.ocir.io/axyz/todo-worker:latest',
    );
    const err = usageCode(() => workerObjects(makeConfig({}), undefined));
    expect(err.code).toBe('WORKER_IMAGE_UNKNOWN');
    expect(err.hint).toMatch(/registry\.host and registry\.namespace/);
  });

  it('needs no image when every worker is disabled', () => {
    const cfg = makeConfig({
      apps: { workers: [{ appId: 'recurring-worker', topics: ['task-events'], enabled: false }] },
    });
    expect(workerObjects(cfg, undefined)).toEqual([]);
  });
});

describe('worker Subscriptions', () => {
  it('one dapr.io/v2alpha1 Subscription per (worker, topic), scoped to the worker', () => {
    const subs = of('Subscription');
    expect(subs.map((s) => s.metadata.name)).toEqual([
      'recurring-worker-task-events',
      'notification-worker-reminders',
      'audit-worker-task-events',
      'audit-worker-reminders',
      'audit-worker-task-updates',
      'websocket-worker-task-updates',
    ]);
    for (const s of subs) {
      const appId = s.metadata.labels['app.kubernetes.io/name'];
      expect(s.apiVersion).toBe('dapr.io/v2alpha1');
      expect(s.metadata.namespace).toBe('todo-app');
      expect(s.scopes).toEqual([appId]);
      expect(s.metadata.name).toBe(`${appId}-${s.spec.topic}`);
      expect(s.spec).toEqual({
        pubsubname: 'pubsub',
        topic: s.spec.topic,
        routes: { default: '/events' },
      });
    }
  });

  it('the audit worker reads every Kafka topic; the others the runbook topic', () => {
    const topicsOf = (id: string) =>
      of('Subscription')
        .filter((s) => s.scopes[0] === id)
        .map((s) => s.spec.topic)
        .sort();
    expect(topicsOf('audit-worker')).toEqual(config.kafka.topics.map((t) => t.name).sort());
    expect(topicsOf('recurring-worker')).toEqual(['task-events']);
    expect(topicsOf('notification-worker')).toEqual(['reminders']);
    expect(topicsOf('websocket-worker')).toEqual(['task-updates']);
  });

  it('takes the pub/sub name and route from the config', () => {
    const cfg = makeConfig({
      dapr: { pubsubName: 'kafka-pubsub' },
      apps: { workers: [{ appId: 'audit', topics: ['reminders'], route: '/audit' }] },
    });
    const [sub] = workerObjects(cfg, registry).filter((o) => o.kind === 'Subscription') as any[];
    expect(sub.spec).toEqual({
      pubsubname: 'kafka-pubsub',
      topic: 'reminders',
      routes: { default: '/audit' },
    });
  });
});

describe('config clashes', () => {
  const workers = (list: unknown[]) => () =>
    workerObjects(
      makeConfig({
        kafka: {
          topics: ['c', 'b-c', 'task-events'].map((name) => ({
            name,
            partitions: 1,
            retentionMs: 3_600_000,
          })),
        },
        apps: { workers: list },
      } as never),
      registry,
    );

  it('names duplicate app ids, app names taken by frontend/backend and repeated topics', () => {
    const err = usageCode(
      workers([
        { appId: 'w1', topics: ['c', 'c'] },
        { appId: 'w1', topics: ['task-events'] },
        { appId: 'backend', topics: ['c'] },
      ]),
    );
    expect(err.code).toBe('WORKERS_CONFIG');
    expect(err.details).toEqual(
      expect.arrayContaining([
        'apps.workers[0].topics[1]: c is listed twice',
        'apps.workers[1].appId: w1 is already used by apps.workers[0]',
        'apps.workers[2].appId: backend is the name of an app Deployment; choose another',
      ]),
    );
  });

  it('names two (worker, topic) pairs that would share a Subscription name', () => {
    const err = usageCode(
      workers([
        { appId: 'a-b', topics: ['c'] },
        { appId: 'a', topics: ['b-c'] },
      ]),
    );
    expect(err.details.join('\n')).toMatch(/Subscription a-b-c would serve both a-b\/c and a\/b-c/);
  });
});

describe('phase workers: metadata and render', () => {
  it('declares its place in the graph and the runbook tasks it covers', () => {
    expect(workersPhase.id).toBe('workers');
    expect(workersPhase.needs).toEqual(['apps', 'kafka', 'dapr']);
    expect(workersPhase.runbook).toEqual(Array.from({ length: 20 }, (_, i) => `T${121 + i}`));
  });

  it('plans every object, the wiring check, pruning, rollouts and sidecars', async () => {
    const outputs: Record<string, unknown> = { registry, dapr: { namespace: 'dapr-system' } };
    const ctx = { config, outputsOf: (id: string) => outputs[id] } as never;
    const items = await workersPhase.plan(ctx);
    expect(items.filter((i) => i.action === 'apply')).toHaveLength(objects.length);
    expect(items.slice(objects.length).map((i) => `${i.action}: ${i.what}`)).toEqual([
      'check: pub/sub Component pubsub and KafkaTopics task-events, reminders, task-updates',
      'delete: worker Deployments and Subscriptions no longer in the config',
      'wait: rollouts of recurring-worker, notification-worker, audit-worker, websocket-worker',
      'check: every worker pod runs daprd',
    ]);
  });

  it('renders the runbook layout byte-identically, placeholders without registry', () => {
    const a = workersPhase.render!(makeConfig({}));
    const b = workersPhase.render!(makeConfig({}));
    expect(a).toEqual(b);
    expect(a.map((f) => f.path)).toEqual([
      'infrastructure/k8s/apps/workers/recurring-worker.yaml',
      'infrastructure/k8s/apps/workers/notification-worker.yaml',
      'infrastructure/k8s/apps/workers/audit-worker.yaml',
      'infrastructure/k8s/apps/workers/websocket-worker.yaml',
      'infrastructure/k8s/dapr/components/subscriptions.yaml',
      'infrastructure/k8s/apps/workers/README.md',
    ]);
    const recurring = a[0]!.content;
    expect(recurring).toMatch(/^kind: ServiceAccount$/m);
    expect(recurring).toMatch(/^kind: Deployment$/m);
    expect(recurring).toContain('image: REGISTRY_HOST/REGISTRY_NAMESPACE/todo-worker:latest');
    expect(recurring).not.toMatch(/^kind: Subscription$/m);
    for (const f of a) {
      expect(f.content.split('\n').filter((l) => l.length > 100)).toEqual([]);
    }
    const subs = a[4]!.content;
    expect(subs.match(/^kind: Subscription$/gm)).toHaveLength(6);
    expect(subs).toContain('apiVersion: dapr.io/v2alpha1');
    const readme = a[5]!.content;
    expect(readme).toContain('--describe --group todo-app-recurring-worker');
    expect(readme).toContain('--describe --group todo-app-audit-worker');
    expect(readme).toContain('/v1.0/publish/pubsub/task-events');
    expect(readme).toMatch(/does not publish an event to the workers/);
  });
});
