// Every Kafka, KafkaNodePool, KafkaTopic, Component, Configuration, Resiliency and
// Subscription the CLI builds is accepted by a real kube-apiserver serving the upstream
// Strimzi 1.2.0 and Dapr 1.18.3 CRDs, through the product's own Kube layer (server-side apply,
// strict field validation) — and the older shapes are rejected, so a regression to v1beta2,
// ZooKeeper or a misspelt field cannot pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { createNamespace } from '../cluster/helpers.ts';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { createKube } from '../../src/kube/index.js';
import type { Kube, KubeObject } from '../../src/kube/types.js';
import { daprAppObjects } from '../../src/phases/dapr.js';
import { kafkaObjects } from '../../src/phases/kafka.js';
import { kafkaTopics } from '../../src/manifests/kafka/topics.js';
import { subscription } from '../../src/manifests/dapr/subscription.js';

const cluster = useCluster();
let kube: Kube;
let ns: string;

const cfg = (extra: ConfigInput = {}) =>
  configSchema.parse({
    ...extra,
    kafka: { namespace: ns, ...(extra.kafka ?? {}) },
    apps: { namespace: ns, ...(extra.apps ?? {}) },
  });

/** Everything the CLI would apply for the Kafka/Dapr side, for a config. */
function crdObjects(extra: ConfigInput = {}): KubeObject[] {
  const c = cfg(extra);
  return [
    ...kafkaObjects(c),
    ...kafkaTopics(c),
    ...daprAppObjects(c),
    subscription(c, {
      name: 'audit-task-events',
      topic: 'task-events',
      route: '/events',
      scopes: ['audit-worker'],
      deadLetterTopic: 'task-events-dlq',
    }),
  ];
}

beforeAll(async () => {
  kube = await createKube({ kubeconfigPath: cluster.kubeconfigPath });
  ns = await createNamespace(cluster.client(), 'ev-crds');
});

afterAll(async () => {
  await cluster.client().request('DELETE', `/api/v1/namespaces/${ns}`);
  await kube?.close();
});

describe('upstream CRDs accept what the CLI renders', () => {
  it('serves only kafka.strimzi.io/v1 and dapr.io Subscriptions as v2alpha1 storage', () => {
    expect(cluster.crdNames).toEqual(
      expect.arrayContaining([
        'kafkas.kafka.strimzi.io',
        'kafkanodepools.kafka.strimzi.io',
        'kafkatopics.kafka.strimzi.io',
        'components.dapr.io',
        'resiliencies.dapr.io',
        'configurations.dapr.io',
        'subscriptions.dapr.io',
      ]),
    );
  });

  it('creates the default objects for real, then re-applies them without a change', async () => {
    const objects = crdObjects();
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'Component',
      'Component',
      'Component',
      'ConfigMap',
      'Configuration',
      'Kafka',
      'KafkaNodePool',
      'KafkaTopic',
      'KafkaTopic',
      'KafkaTopic',
      'Resiliency',
      'Subscription',
    ]);
    const first = await kube.apply(objects);
    expect(first.map((r) => r.action)).toEqual(objects.map(() => 'created'));
    const second = await kube.apply(objects);
    expect(second.map((r) => r.action)).toEqual(objects.map(() => 'unchanged'));
    const stored = await kube.get({
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      name: 'todo-kafka',
      namespace: ns,
    });
    // Nothing was pruned by the schema: what we sent is what the server keeps.
    expect((stored!.spec as any).kafka.config['min.insync.replicas']).toBe(1);
    expect((stored!.spec as any).kafkaExporter.groupRegex).toBe('.*');
  });

  it.each([
    [
      'persistent storage with a class',
      { kafka: { storage: { type: 'persistent-claim', storageClass: 'oci-bv' } } },
    ],
    ['three nodes', { kafka: { replicas: 3 } }],
    ['no Kafka Exporter', { monitoring: { kafkaExporter: false } }],
    [
      'persistent Dapr scheduler, other names',
      { dapr: { pubsubName: 'events', statestoreName: 'state', secretstoreName: 'k8s-secrets' } },
    ],
  ] as [string, ConfigInput][])('accepts the variant: %s (dry run)', async (_, extra) => {
    const results = await kube.apply(crdObjects(extra), { dryRun: true });
    expect(results.length).toBeGreaterThan(10);
  });
});

describe('older or wrong shapes are rejected', () => {
  const kafka = () => JSON.parse(JSON.stringify(kafkaObjects(cfg())[2])) as any;

  it('rejects kafka.strimzi.io/v1beta2 (Strimzi 1.x no longer serves it)', async () => {
    const old = { ...kafka(), apiVersion: 'kafka.strimzi.io/v1beta2' };
    await expect(kube.apply([old], { dryRun: true })).rejects.toThrow(/v1beta2/);
  });

  it('rejects a ZooKeeper-style Kafka (zookeeper, brokers/storage in spec.kafka)', async () => {
    const zk = kafka();
    zk.spec.zookeeper = { replicas: 1, storage: { type: 'ephemeral' } };
    zk.spec.kafka.replicas = 1;
    zk.spec.kafka.storage = { type: 'ephemeral' };
    const err = await kube.apply([zk], { dryRun: true }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeDefined();
    expect(String(err?.message) + JSON.stringify((err as any)?.details ?? [])).toMatch(/zookeeper/);
  });

  it('rejects a misspelt field in a Dapr Component and a Resiliency without targets', async () => {
    const [store] = daprAppObjects(cfg()) as any[];
    const typo = { ...store, spec: { ...store.spec, versoin: 'v1' } };
    await expect(kube.apply([typo], { dryRun: true })).rejects.toThrow(/versoin/);
    const res = daprAppObjects(cfg()).find((o) => o.kind === 'Resiliency') as any;
    const noTargets = { ...res, spec: { policies: res.spec.policies } };
    await expect(kube.apply([noTargets], { dryRun: true })).rejects.toThrow(/targets/);
  });

  it('rejects a node pool with a role Strimzi does not know (e.g. zookeeper)', async () => {
    const pool = JSON.parse(JSON.stringify(kafkaObjects(cfg())[1])) as any;
    pool.spec.roles = ['zookeeper'];
    await expect(kube.apply([pool], { dryRun: true })).rejects.toThrow(/roles|zookeeper/);
  });
});
