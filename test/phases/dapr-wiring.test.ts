// strimzi, kafka and dapr run together by the engine (strimzi and dapr only need base, so they
// start at the same time), with the Strimzi operator simulated. The point: the pub/sub
// component's brokers value resolves to the bootstrap Service the (simulated) operator created
// for the Kafka the kafka phase applied — not to a Service the test made up — and the
// statestore's secretKeyRef to the db-credentials Secret the base phase's builder produces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube } from '../../src/kube/types.js';
import { daprPhase, type DaprOutputs } from '../../src/phases/dapr.js';
import { kafkaPhase, type KafkaOutputs } from '../../src/phases/kafka.js';
import { strimziPhase } from '../../src/phases/strimzi.js';
import { dbCredentialsSecret } from '../../src/manifests/base/secrets.js';
import {
  harness,
  isolatedNamespaces,
  makeConfig,
  useCachedHelm,
  type Harness,
} from './apps-harness.ts';
import { startStrimziSimulator, type StrimziSimulator } from './strimzi-operator-simulator.ts';

const cluster = useCluster();
const fixture = (name: string) => new URL(`../fixtures/charts/${name}`, import.meta.url).pathname;

const config = makeConfig({
  ...isolatedNamespaces('evw'),
  charts: {
    strimzi: { ref: fixture('strimzi-operator-simulator'), version: '1.2.0' },
    dapr: { ref: fixture('dapr-control-plane-simulator'), version: '1.18.3' },
  },
  kafka: { readyTimeoutSeconds: 120 },
  dapr: { readyTimeoutSeconds: 120 },
});

let h: Harness;
let kube: Kube;
let sim: StrimziSimulator;

beforeAll(async () => {
  await useCachedHelm();
  h = harness(config, cluster.kubeconfigPath);
  kube = await h.context(daprPhase).kube();
  for (const name of [config.apps.namespace, config.kafka.namespace]) {
    await cluster.client().request('POST', '/api/v1/namespaces', { metadata: { name } });
  }
  await kube.apply([dbCredentialsSecret(config, 'postgresql://u:evw-pw@db:5432/todo')]);
  h.pretend('base', {});
  sim = await startStrimziSimulator({
    kubeconfigPath: cluster.kubeconfigPath,
    namespace: config.kafka.namespace,
  });
});

afterAll(async () => {
  await sim?.stop();
  clearSecretsForTests();
  h?.cleanup();
});

describe('Dapr pub/sub wiring to the Strimzi cluster', () => {
  it('resolves brokers to the operator-created bootstrap Service and the secret key', async () => {
    const summary = await h.run(
      [strimziPhase, kafkaPhase, daprPhase],
      ['strimzi', 'kafka', 'dapr'],
    );
    expect(summary.failed).toEqual([]);
    expect([...summary.succeeded].sort()).toEqual(['dapr', 'kafka', 'strimzi']);
    // strimzi and dapr both only need base: the engine started dapr before kafka finished.
    const starts = h.events.filter((e) => e.type === 'phase-start').map((e) => e.phase);
    expect(starts.indexOf('dapr')).toBeLessThan(starts.indexOf('kafka'));

    const kafka = h.journal.get('kafka')?.outputs as KafkaOutputs;
    const dapr = h.journal.get('dapr')?.outputs as DaprOutputs;
    const svc = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: 'todo-kafka-kafka-bootstrap',
      namespace: config.kafka.namespace,
    });
    expect(svc?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Kafka', name: 'todo-kafka' }),
    ]);
    const wiring = dapr.wiring;
    // dapr may have checked before the Service existed (it ran concurrently); the checkpoint
    // and a re-run see the final state.
    const rerun = await h.run([daprPhase], ['dapr'], true);
    expect(rerun.failed).toEqual([]);
    const after = (h.journal.get('dapr')?.outputs as DaprOutputs).wiring;
    expect(after.brokers).toEqual({
      value: kafka.bootstrap,
      service: 'todo-kafka-kafka-bootstrap',
      namespace: config.kafka.namespace,
      exists: true,
    });
    expect(after.secret).toEqual({
      name: 'db-credentials',
      key: 'connection-string',
      exists: true,
      hasKey: true,
    });
    expect(wiring.secret.hasKey).toBe(true);
    // The Kafka's own status names the same address the component uses.
    const k = await kube.get({
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      name: 'todo-kafka',
      namespace: config.kafka.namespace,
    });
    const plain = (k!.status as any).listeners.find((l: any) => l.name === 'plain');
    expect(plain.bootstrapServers).toBe(kafka.bootstrap);
  });
});
