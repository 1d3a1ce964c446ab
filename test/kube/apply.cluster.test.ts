// Server-side apply against the real API server: results per object, idempotence, strict
// field validation, the upstream Strimzi/Dapr CRDs, dry runs, conflicts, and quota admission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import type { Kube } from '../../src/kube/index.js';
import { parseManifests } from '../../src/kube/index.js';
import { useCluster } from '../cluster/fixture.ts';
import {
  deleteTestNamespaces,
  deployment,
  namespace,
  testKube,
  trackNamespace,
  uniqueName,
  type TestKube,
} from './cluster-helpers.js';

const cluster = useCluster();
let t: TestKube;
let kube: Kube;
beforeAll(async () => {
  t = await testKube(cluster.kubeconfigPath);
  kube = t.kube;
});
afterAll(async () => {
  await deleteTestNamespaces(kube);
  await kube.close();
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

const summary = (results: { ref: { kind: string; name: string }; action: string }[]) =>
  results.map((r) => `${r.ref.kind}/${r.ref.name}: ${r.action}`);

describe('server-side apply', () => {
  it('creates, then re-applies unchanged manifests without changing anything', async () => {
    const ns = trackNamespace(uniqueName('apply'));
    const yaml = `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${ns}}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: ${ns}}
spec:
  selector: {app: backend}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels: {pod-security.kubernetes.io/enforce: baseline}
`;
    const objects = [...parseManifests(yaml, 'app.yaml'), deployment(ns, 'backend')];
    const first = await kube.apply(objects);
    // Namespace first (apply order), everything created.
    expect(summary(first)).toEqual([
      `Namespace/${ns}: created`,
      'ConfigMap/settings: created',
      'Service/backend: created',
      'Deployment/backend: created',
    ]);
    // The Deployment controller writes status at any time, moving the resourceVersion; a
    // stored spec change would move the generation.
    const rvs = async () =>
      Promise.all(
        objects.map(async (o) => {
          const live = await kube.get({
            ...o,
            name: o.metadata.name,
            namespace: o.metadata.namespace,
          });
          return o.kind === 'Deployment'
            ? `generation ${live!.metadata.generation}`
            : live!.metadata.resourceVersion;
        }),
      );
    const before = await rvs();
    const second = await kube.apply(objects);
    expect(second.map((r) => r.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(await rvs()).toEqual(before);

    const changed = parseManifests(yaml.replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'), 'app.yaml');
    const third = await kube.apply(changed);
    expect(third.find((r) => r.ref.kind === 'ConfigMap')).toMatchObject({
      action: 'configured',
      changedPaths: ['data.LOG_LEVEL'],
    });
    expect(third.filter((r) => r.action === 'unchanged')).toHaveLength(2);
  });

  it('reports a bare Namespace re-applied as unchanged', async () => {
    // Applying only a name gives todo-infra no fields to own, so the server records the
    // defaulted fields under "before-first-apply" on the next apply (its own bookkeeping).
    const ns = namespace(uniqueName('bare'));
    expect((await kube.apply([ns]))[0]!.action).toBe('created');
    expect((await kube.apply([ns]))[0]!.action).toBe('unchanged');
    expect((await kube.apply([ns]))[0]!.action).toBe('unchanged');
  });

  it('dry-runs: reports the diff, persists nothing, notes what it cannot validate', async () => {
    const ns = uniqueName('dry');
    await kube.apply([namespace(ns), deployment(ns, 'web')]);
    await kube.waitForRollout(ns, 'web', { timeoutMs: 120_000 });
    const generation = (await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: ns,
    }))!.metadata.generation;
    const scaled = deployment(ns, 'web', {}, 3);
    const [result] = await kube.apply([scaled], { dryRun: true });
    expect(result).toMatchObject({ action: 'configured', changedPaths: ['spec.replicas'] });
    const after = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: ns,
    });
    // Status writes move a Deployment's resourceVersion; a stored spec change would move its
    // generation.
    expect(after!.metadata.generation).toBe(generation);
    expect((after!.spec as { replicas: number }).replicas).toBe(1);
    expect((await kube.apply([deployment(ns, 'web')], { dryRun: true }))[0]!.action).toBe(
      'unchanged',
    );

    const fresh = uniqueName('dry-new');
    const planned = await kube.apply([namespace(fresh), deployment(fresh, 'web')], {
      dryRun: true,
    });
    expect(planned.map((r) => r.action)).toEqual(['created', 'created']);
    expect(planned[1]!.note).toBe(
      `not validated by the server: namespace ${fresh} is new in this apply`,
    );
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: fresh })).toBeUndefined();
  });

  it('rejects an unknown field, naming it (fieldValidation=Strict)', async () => {
    const ns = uniqueName('strict');
    await kube.apply([namespace(ns)]);
    const bad = deployment(ns, 'web') as any;
    bad.spec.replicaz = 2;
    const e = await failure(kube.apply([bad]));
    expect(e.code).toBe('KUBE_INVALID');
    expect(e.message).toMatch(/^apply Deployment .*\/web failed: /);
    expect(e.message).toContain('.spec.replicaz');
    expect(
      await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns }),
    ).toBeUndefined();
  });

  it('refuses Strimzi v1beta2 (not served by Strimzi 1.x), saying which version is', async () => {
    const ns = uniqueName('kafka-old');
    await kube.apply([namespace(ns)]);
    const e = await failure(
      kube.apply([
        {
          apiVersion: 'kafka.strimzi.io/v1beta2',
          kind: 'Kafka',
          metadata: { name: 'events', namespace: ns },
          spec: {
            kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] },
          },
        },
      ]),
    );
    expect(e.code).toBe('KUBE_UNKNOWN_KIND');
    expect(e.message).toBe(
      'The API server does not serve Kafka in kafka.strimzi.io/v1beta2; ' +
        'group kafka.strimzi.io serves kafka.strimzi.io/v1',
    );
  });

  it('accepts a Strimzi v1 Kafka + KafkaNodePool (KRaft), checked by its schema', async () => {
    const ns = trackNamespace(uniqueName('kafka'));
    const objects = parseManifests(
      `
apiVersion: kafka.strimzi.io/v1
kind: KafkaNodePool
metadata:
  name: dual-role
  namespace: ${ns}
  labels: {strimzi.io/cluster: events}
spec:
  replicas: 1
  roles: [controller, broker]
  storage:
    type: persistent-claim
    size: 50Gi
    deleteClaim: false
    kraftMetadata: shared
---
apiVersion: kafka.strimzi.io/v1
kind: Kafka
metadata: {name: events, namespace: ${ns}}
spec:
  kafka:
    version: 4.2.0
    listeners:
    - {name: plain, port: 9092, type: internal, tls: false}
    config:
      offsets.topic.replication.factor: 1
      default.replication.factor: 1
      min.insync.replicas: 1
  entityOperator:
    topicOperator: {}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
`,
      'kafka.yaml',
    );
    expect(summary(await kube.apply(objects))).toEqual([
      `Namespace/${ns}: created`,
      'KafkaNodePool/dual-role: created',
      'Kafka/events: created',
    ]);
    expect((await kube.apply(objects)).map((r) => r.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    // The upstream schema is enforced: an unknown role is refused with the field named.
    const bad = structuredClone(objects[0]!) as any;
    bad.spec.roles = ['zookeeper'];
    const e = await failure(kube.apply([bad]));
    expect(e.code).toBe('KUBE_INVALID');
    expect(e.message).toContain('spec.roles[0]');
  });

  it('accepts a Dapr v2alpha1 Subscription', async () => {
    const ns = uniqueName('dapr');
    const results = await kube.apply([
      namespace(ns),
      {
        apiVersion: 'dapr.io/v2alpha1',
        kind: 'Subscription',
        metadata: { name: 'todo-events', namespace: ns },
        spec: { pubsubname: 'kafka-pubsub', topic: 'todo-events', routes: { default: '/events' } },
        scopes: ['todo-worker'],
      },
    ]);
    expect(summary(results)).toEqual([
      `Namespace/${ns}: created`,
      'Subscription/todo-events: created',
    ]);
  });

  it('applies a CRD and its custom resource in one batch, waiting for the CRD', async () => {
    const group = `${uniqueName('t')}.todo-infra.test`;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    const ns = uniqueName('crd');
    const widget = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w', namespace: ns },
      spec: { size: 3 },
    };
    // Dry run first: the CRD is not stored, so its resource cannot be validated yet.
    const planned = await kube.apply([widget, namespace(ns), crd], { dryRun: true });
    expect(planned.map((r) => r.ref.kind)).toEqual([
      'CustomResourceDefinition',
      'Namespace',
      'Widget',
    ]);
    expect(planned[2]!.note).toMatch(/its CRD is new/);
    const applied = await kube.apply([widget, namespace(ns), crd]);
    expect(applied.map((r) => r.action)).toEqual(['created', 'created', 'created']);
    expect(
      await kube.get({ apiVersion: `${group}/v1`, kind: 'Widget', name: 'w', namespace: ns }),
    ).toMatchObject({ spec: { size: 3 } });
    await kube.delete(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: crd.metadata.name,
      },
      { wait: true, timeoutMs: 60_000 },
    );
  });

  it('reports a field-ownership conflict, and takes the field over with force', async () => {
    const ns = uniqueName('conflict');
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shared', namespace: ns },
      data: { owner: 'todo-infra' },
    };
    await kube.apply([namespace(ns), cm]);
    // Someone else applies the same field with another value (kubectl apply --server-side).
    const raw = cluster.client();
    const res = await raw.request(
      'PATCH',
      `/api/v1/namespaces/${ns}/configmaps/shared?fieldManager=someone-else&force=true`,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared' },
        data: { owner: 'someone-else' },
      },
      'application/apply-patch+yaml',
    );
    expect(res.status).toBe(200);
    const e = await failure(kube.apply([{ ...cm, data: { owner: 'todo-infra-again' } }]));
    expect(e.code).toBe('KUBE_CONFLICT');
    expect(e.message).toContain('someone-else');
    const [forced] = await kube.apply([{ ...cm, data: { owner: 'todo-infra-again' } }], {
      force: true,
    });
    expect(forced).toMatchObject({ action: 'configured', changedPaths: ['data.owner'] });
  });
});

describe('admission is real', () => {
  it('a ResourceQuota without a LimitRange rejects pods that lack requests', async () => {
    const ns = uniqueName('quota');
    await kube.apply([
      namespace(ns),
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute', namespace: ns },
        spec: {
          hard: {
            'requests.cpu': '1',
            'requests.memory': '1Gi',
            'limits.cpu': '2',
            'limits.memory': '2Gi',
          },
        },
      },
    ]);
    // The quota controller must have computed usage before admission enforces it.
    const raw = cluster.client();
    const { eventually } = await import('./cluster-helpers.js');
    await eventually(
      () => raw.json('GET', `/api/v1/namespaces/${ns}/resourcequotas/compute`),
      (q: any) => !!q.status?.used,
    );
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare', namespace: ns },
      spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/todo-backend:1.0.0' }] },
    };
    const e = await failure(kube.apply([pod]));
    expect(e.code).toBe('KUBE_QUOTA');
    expect(e.message).toMatch(/failed quota: compute: must specify limits\.cpu.*requests\.cpu/);
    // With requests and limits the same pod is admitted.
    const sized = structuredClone(pod) as any;
    sized.spec.containers[0].resources = {
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
    };
    expect((await kube.apply([sized]))[0]!.action).toBe('created');
  });
});
