// The pub/sub proof of the dapr phase (runbook T101), with daprd's HTTP API simulated (it
// cannot run here) behind a port-forward the test supplies, and the Kafka side played by the
// real control plane: the consume-only probe Job is created, completed by kwok, and deleted.
//
// Proven: the publish request (path, pub/sub name, topic, body with a unique id), the handling
// of daprd's error answers, and that the probe Job looks for exactly the published id on the
// topic. Not proven here: that Kafka really stores the record (kwok runs no containers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import type { WatchEvent } from '../cluster/kube-client.ts';
import { configSchema } from '../../src/config/schema.js';
import { createKube } from '../../src/kube/index.js';
import type { Kube } from '../../src/kube/types.js';
import { DAPR_HTTP_PORT, provePublish } from '../../src/manifests/dapr/publish.js';
import {
  startSidecarApiSimulator,
  type SidecarApiSimulator,
} from './dapr-sidecar-api-simulator.ts';

const cluster = useCluster();
const NS = 'evp-kafka';
const config = configSchema.parse({ kafka: { namespace: NS }, apps: { namespace: 'evp-app' } });
let real: Kube;
let sidecar: SidecarApiSimulator;
const forwards: string[] = [];
const jobs: WatchEvent[] = [];
const stopWatch = new AbortController();

/** The product's Kube with a port-forward that lands on the simulated sidecar. */
function forwardingKube(): Kube {
  const kube = Object.create(real) as Kube;
  kube.portForward = async (ns, pod, port) => {
    forwards.push(`${ns}/${pod}:${port}`);
    return { localPort: sidecar.port, close: async () => undefined };
  };
  return kube;
}

const opts = { timeoutMs: 60_000, signal: new AbortController().signal, log: () => undefined };

beforeAll(async () => {
  real = await createKube({ kubeconfigPath: cluster.kubeconfigPath });
  sidecar = await startSidecarApiSimulator(['pubsub']);
  await cluster.client().request('POST', '/api/v1/namespaces', { metadata: { name: NS } });
  void cluster
    .client()
    .watch(`/apis/batch/v1/namespaces/${NS}/jobs?watch=1`, (e) => jobs.push(e), stopWatch.signal)
    .catch(() => undefined);
});

afterAll(async () => {
  stopWatch.abort();
  await sidecar?.stop();
  await cluster.client().request('DELETE', `/api/v1/namespaces/${NS}`);
  await real?.close();
});

describe('publish through the backend sidecar, then find the event on Kafka', () => {
  it('says it did not verify when the client cannot port-forward', async () => {
    const noForward = Object.create(real) as Kube;
    Object.defineProperty(noForward, 'portForward', { value: undefined });
    const proof = await provePublish(noForward, config, 'backend-1', 'task-events', opts);
    expect(proof).toEqual({
      verified: false,
      topic: 'task-events',
      reason: 'this Kubernetes client cannot port-forward',
    });
    expect(sidecar.published).toEqual([]);
  });

  it("says it did not verify, with the API server's reason, when the forward fails", async () => {
    // The real client's port-forward to a pod that does not exist is refused up front.
    const proof = await provePublish(real, config, 'backend-1', 'task-events', opts);
    expect(proof).toMatchObject({ verified: false, topic: 'task-events' });
    expect(proof.reason).toMatch(/port-forward to pod evp-app\/backend-1 .*does not exist/);
    expect(sidecar.published).toEqual([]);
  });

  it('publishes a unique event and runs a consume-only probe Job for exactly that id', async () => {
    const proof = await provePublish(forwardingKube(), config, 'backend-abc', 'task-events', opts);
    expect(proof.verified).toBe(true);
    expect(forwards).toEqual([`evp-app/backend-abc:${DAPR_HTTP_PORT}`]);
    expect(sidecar.published).toEqual([
      {
        pubsub: 'pubsub',
        topic: 'task-events',
        body: expect.objectContaining({ id: proof.eventId, type: 'todo-infra.probe' }),
      },
    ]);

    const added = jobs.find((e) => e.type === 'ADDED')!.object;
    const env = Object.fromEntries(
      added.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
    );
    expect(env).toMatchObject({ MODE: 'consume', TOPIC: 'task-events', MESSAGE: proof.eventId });
    const name = added.metadata.name;
    expect(name).toMatch(/^kafka-probe-/);
    await expect
      .poll(() => jobs.filter((e) => e.object?.metadata?.name === name).map((e) => e.type))
      .toContain('DELETED');
    expect(
      jobs.some(
        (e) =>
          e.object?.metadata?.name === name &&
          e.object?.status?.conditions?.some((c: any) => c.type === 'Complete'),
      ),
    ).toBe(true);
  });

  it("reports daprd's error when the broker is unreachable, and creates no probe", async () => {
    sidecar.brokerDown = true;
    const before = jobs.length;
    try {
      const err = await provePublish(
        forwardingKube(),
        config,
        'backend-abc',
        'task-events',
        opts,
      ).then(
        () => undefined,
        (e) => e,
      );
      expect(err).toMatchObject({
        code: 'DAPR_PUBLISH_FAILED',
        message: 'the sidecar refused the test event: HTTP 500',
      });
      expect(err.details.join('\n')).toContain('ERR_PUBSUB_PUBLISH_MESSAGE');
      expect(jobs.slice(before).filter((e) => e.type === 'ADDED')).toEqual([]);
    } finally {
      sidecar.brokerDown = false;
    }
  });

  it("reports an unknown pub/sub component by daprd's error code", async () => {
    const other = configSchema.parse({
      kafka: { namespace: NS },
      apps: { namespace: 'evp-app' },
      dapr: { pubsubName: 'events' },
    });
    await expect(
      provePublish(forwardingKube(), other, 'backend-abc', 'task-events', opts),
    ).rejects.toMatchObject({
      code: 'DAPR_PUBLISH_FAILED',
      details: [expect.stringContaining('ERR_PUBSUB_NOT_FOUND')],
    });
  });
});
