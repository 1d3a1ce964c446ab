// Phases strimzi and kafka end to end on the real local control plane: real helm installs the
// Strimzi chart simulator (operator Deployment, which kwok makes available), the Strimzi
// operator simulator reconciles Kafka and topics as the operator would, and the round-trip
// Job's pod is run to completion by kwok's Job stage.
//
// What this proves: the phases' helm values, applied objects (upstream CRDs, strict
// validation), watch-based waits, Job lifecycle (created, Complete, deleted), outputs,
// checkpoints and idempotence. What it cannot: that a broker really starts or that the console
// clients really exchange a record — kwok runs no containers, so the Job succeeds by fiat. On
// a real cluster the same Job fails, with its log in the error, unless the record came back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import type { WatchEvent } from '../cluster/kube-client.ts';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube } from '../../src/kube/types.js';
import { kafkaObjects, kafkaPhase, type KafkaOutputs } from '../../src/phases/kafka.js';
import { strimziPhase } from '../../src/phases/strimzi.js';
import { kafkaTopics } from '../../src/manifests/kafka/topics.js';
import {
  harness,
  isolatedNamespaces,
  makeConfig,
  useCachedHelm,
  type Harness,
} from './apps-harness.ts';
import { startStrimziSimulator, type StrimziSimulator } from './strimzi-operator-simulator.ts';

const cluster = useCluster();
const CHART = new URL('../fixtures/charts/strimzi-operator-simulator', import.meta.url).pathname;

const config = makeConfig({
  ...isolatedNamespaces('evk'),
  charts: { strimzi: { ref: CHART, version: '1.2.0' } },
  kafka: { namespace: 'evk-kafka', readyTimeoutSeconds: 120 },
});
const NS = config.kafka.namespace;

let h: Harness;
let kube: Kube;
let sim: StrimziSimulator;
const jobEvents: string[] = [];
const stopWatch = new AbortController();

beforeAll(async () => {
  await useCachedHelm();
  h = harness(config, cluster.kubeconfigPath);
  kube = await h.context(strimziPhase).kube();
  sim = await startStrimziSimulator({ kubeconfigPath: cluster.kubeconfigPath, namespace: NS });
  // Records every state a Job in the namespace passes through (the phase deletes it again).
  void cluster
    .client()
    .watch(
      `/apis/batch/v1/namespaces/${NS}/jobs?watch=1`,
      (e: WatchEvent) => {
        const done = (e.object?.status?.conditions ?? []).find((c: any) => c.type === 'Complete');
        jobEvents.push(`${e.type} ${e.object?.metadata?.name} complete=${done?.status ?? '-'}`);
      },
      stopWatch.signal,
    )
    .catch(() => undefined);
});

afterAll(async () => {
  stopWatch.abort();
  await sim?.stop();
  clearSecretsForTests();
  h?.cleanup();
});

describe('phase strimzi', () => {
  it('installs the operator chart, waits for it and the CRDs, passes its checkpoint', async () => {
    const summary = await h.run([strimziPhase], ['strimzi']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['strimzi']);
    const dep = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'strimzi-cluster-operator',
      namespace: NS,
    });
    const ctr = (dep!.spec as any).template.spec.containers[0];
    expect(ctr.resources).toEqual(config.kafka.operatorResources);
    // Watching only its own namespace: STRIMZI_NAMESPACE from the pod's namespace.
    expect(
      ctr.env.find((e: any) => e.name === 'STRIMZI_NAMESPACE').valueFrom.fieldRef.fieldPath,
    ).toBe('metadata.namespace');
    const check = await strimziPhase.checkpoint(h.context(strimziPhase));
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toContain('4 CRDs Established');
    expect(h.journal.get('strimzi')?.outputs).toMatchObject({
      namespace: NS,
      crds: [
        'kafkas.kafka.strimzi.io',
        'kafkanodepools.kafka.strimzi.io',
        'kafkatopics.kafka.strimzi.io',
        'kafkausers.kafka.strimzi.io',
      ],
    });
  });

  it('changes nothing when run again', async () => {
    const again = await h.run([strimziPhase], ['strimzi']);
    expect(again.skipped).toEqual(['strimzi']);
    h.lines.length = 0;
    await strimziPhase.run(h.context(strimziPhase));
    expect(h.lines.some((l) => /strimzi-cluster-operator: revision 1 \(unchanged\)/.test(l))).toBe(
      true,
    );
  });
});

describe('phase kafka', () => {
  it('creates the cluster and topics, waits for Ready, round-trips a record, deletes the Job', async () => {
    const summary = await h.run([strimziPhase, kafkaPhase], ['kafka']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['kafka']);
    const out = h.journal.get('kafka')?.outputs as KafkaOutputs;
    expect(out).toMatchObject({
      cluster: 'todo-kafka',
      kafkaVersion: '4.3.1',
      bootstrap: `todo-kafka-kafka-bootstrap.${NS}.svc:9092`,
      topics: ['task-events', 'reminders', 'task-updates'],
    });
    expect(out.roundTrip.topic).toBe('task-events');

    // The operator (simulated) saw a valid KRaft cluster and every topic.
    expect(sim.events).toEqual(
      expect.arrayContaining([
        'Kafka/todo-kafka: Ready=True',
        'KafkaTopic/task-events: Ready=True',
        'KafkaTopic/reminders: Ready=True',
        'KafkaTopic/task-updates: Ready=True',
      ]),
    );
    expect(sim.events.some((e) => e.includes('NotReady'))).toBe(false);

    // The Job was created, completed by kwok's job stage, and deleted by the phase.
    const job = out.roundTrip.job;
    await expect
      .poll(() => jobEvents.filter((e) => e.includes(job)), { timeout: 10_000 })
      .toEqual(
        expect.arrayContaining([
          `ADDED ${job} complete=-`,
          `MODIFIED ${job} complete=True`,
          expect.stringMatching(`^DELETED ${job}`),
        ]),
      );
    expect(
      await kube.get({ apiVersion: 'batch/v1', kind: 'Job', name: job, namespace: NS }),
    ).toBeUndefined();

    const check = await kafkaPhase.checkpoint(h.context(kafkaPhase));
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toContain('3 topics Ready');
  });

  it('is skipped on a re-run, and re-applying its objects changes nothing', async () => {
    const again = await h.run([strimziPhase, kafkaPhase], ['kafka']);
    expect(again.skipped).toEqual(['kafka']);
    const results = await kube.apply([...kafkaObjects(config), ...kafkaTopics(config)]);
    expect(results.map((r) => r.action)).toEqual(results.map(() => 'unchanged'));
  });

  it('times out naming the conditions of a Kafka that never becomes Ready', async () => {
    // Kafka 4.1.1 was the old default; Strimzi 1.2.0 no longer runs it, so the operator
    // (simulated) reports NotReady and the phase must say why when its wait ends. A namespace
    // of its own: node pool names are per namespace.
    const ns = 'evk-old';
    const old = makeConfig({
      ...isolatedNamespaces('evk'),
      charts: config.charts,
      kafka: { namespace: ns, version: '4.1.1', readyTimeoutSeconds: 4 },
    });
    const bad = harness(old, cluster.kubeconfigPath);
    const oldSim = await startStrimziSimulator({
      kubeconfigPath: cluster.kubeconfigPath,
      namespace: ns,
    });
    try {
      const summary = await bad.run([strimziPhase, kafkaPhase], ['strimzi', 'kafka']);
      expect(summary.succeeded).toEqual(['strimzi']);
      const err = summary.failed[0]!.error;
      expect(summary.failed[0]!.phase).toBe('kafka');
      expect(err.exitCode).toBe(4);
      expect(err.message).toMatch(/Kafka .*todo-kafka/);
      expect(err.message).toContain(
        'last conditions: NotReady=True ' +
          '(UnsupportedKafkaVersionException: Unsupported Kafka.spec.kafka.version: 4.1.1',
      );
      expect(err.hint).toMatch(/Set kafka\.version to a version Strimzi 1\.2\.0 supports/);
      expect(await kafkaPhase.checkpoint(bad.context(kafkaPhase))).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/NotReady=True/),
      });
    } finally {
      await oldSim.stop();
      await cluster.client().request('DELETE', `/api/v1/namespaces/${ns}`);
      bad.cleanup();
    }
  });
});

describe('round-trip Job failures', () => {
  it('shows why the Job could not run, and still deletes it', async () => {
    // A quota too small for the probe pod: the Job controller cannot create it, which is what
    // a real cluster does when the kafka namespace is full. The phase's error must carry the
    // Kubernetes layer's diagnosis, and the Job must not be left behind.
    const ns = 'evk-quota';
    const q = makeConfig({
      ...isolatedNamespaces('evk'),
      charts: config.charts,
      kafka: { namespace: ns, readyTimeoutSeconds: 6 },
    });
    const run = harness(q, cluster.kubeconfigPath);
    const qSim = await startStrimziSimulator({
      kubeconfigPath: cluster.kubeconfigPath,
      namespace: ns,
    });
    try {
      expect((await run.run([strimziPhase], ['strimzi'])).failed).toEqual([]);
      await kube.apply([
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'full', namespace: ns },
          spec: { hard: { 'requests.cpu': '1m', 'requests.memory': '1Mi' } },
        },
      ]);
      const summary = await run.run([strimziPhase, kafkaPhase], ['kafka']);
      const err = summary.failed[0]?.error;
      expect(err?.message).toMatch(/Job evk-quota\/kafka-roundtrip-[0-9a-f]{8}/);
      expect(`${err?.message}\n${err?.details.join('\n')}`).toMatch(/exceeded quota/);
      const left = await kube.list('batch/v1', 'Job', ns);
      expect(left.filter((j) => !j.metadata.deletionTimestamp)).toEqual([]);
    } finally {
      await qSim.stop();
      await cluster.client().request('DELETE', `/api/v1/namespaces/${ns}`);
      run.cleanup();
    }
  });
});
