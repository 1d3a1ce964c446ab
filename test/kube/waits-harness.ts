// What the waits' cluster tests share: a product Kubernetes client whose watches the server ends
// every second (so every wait lives through restarts), a simulated node that reports pod
// statuses as a kubelet would, and the cleanup of both and of the namespaces the tests made.
import { afterAll, beforeAll } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import type { Kube } from '../../src/kube/index.js';
import type { useCluster } from '../cluster/fixture.ts';
import { deleteTestNamespaces, namespace, testKube, type TestKube } from './cluster-helpers.js';
import { createSimulatedNode, type SimulatedNode } from './kubelet-simulator.js';

export const SLOW = { timeout: 180_000 };

export interface WaitsSetup {
  t: TestKube;
  kube: Kube;
  node: SimulatedNode;
  /** Run in reverse order after the file's tests. */
  cleanups: (() => Promise<unknown>)[];
}

/** Sets up before the file's tests and hands the setup over; tears it down after them. */
export function useWaitsSetup(
  cluster: ReturnType<typeof useCluster>,
  receive: (setup: WaitsSetup) => void,
): void {
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    const t = await testKube(cluster.kubeconfigPath, 1);
    const node = await createSimulatedNode(cluster.client());
    cleanups.push(
      () => node.remove(),
      () => t.kube.close(),
      () => deleteTestNamespaces(t.kube),
    );
    receive({ t, kube: t.kube, node, cleanups });
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });
}

/** The error a promise rejects with, which must be a TodoInfraError. */
export async function failure(p: Promise<unknown>): Promise<TodoInfraError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof TodoInfraError)) {
    throw new Error(`expected a TodoInfraError, got ${String(e)}`);
  }
  return e;
}

/** A Strimzi Kafka (accepted by the upstream CRD) in a new namespace, for condition waits. */
export async function kafka(kube: Kube, ns: string, name = 'events') {
  await kube.apply([
    namespace(ns),
    {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      metadata: { name, namespace: ns },
      spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
    },
  ]);
  const ref = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', name, namespace: ns };
  const simRef = {
    group: 'kafka.strimzi.io',
    version: 'v1',
    plural: 'kafkas',
    namespace: ns,
    name,
  };
  return { ref, simRef };
}
