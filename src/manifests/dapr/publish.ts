// Pub/sub proof (runbook T101): a test event published through the backend's own Dapr sidecar
// (POST /v1.0/publish/<pubsub>/<topic> on daprd's HTTP port, reached by port-forward because
// daprd listens on the pod's loopback only), then found on the Kafka topic by a consume-only
// probe Job. It proves the whole path the app uses: sidecar → component → brokers → topic.
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import { TodoInfraError } from '../../core/errors.js';
import type { Kube } from '../../kube/types.js';
import { roundTripJob, roundTripJobName, type RoundTripSpec } from '../kafka/roundtrip-job.js';

/** daprd's default HTTP API port. */
export const DAPR_HTTP_PORT = 3500;

export interface PublishProof {
  verified: boolean;
  /** Why it was not verified, when it was not. */
  reason?: string;
  topic?: string;
  eventId?: string;
}

/** POSTs one event to the sidecar; Dapr answers 204 once the broker accepted it. */
export async function publishEvent(
  baseUrl: string,
  pubsub: string,
  topic: string,
  event: Record<string, unknown>,
  signal: AbortSignal,
): Promise<void> {
  const url = `${baseUrl}/v1.0/publish/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    });
  } catch (cause) {
    throw new TodoInfraError('DAPR_PUBLISH_FAILED', `cannot reach the Dapr sidecar at ${url}`, {
      phase: 'dapr',
      cause,
      source: 'environment',
      hint: 'Is daprd running in the backend pod? kubectl logs <pod> -c daprd shows why not.',
    });
  }
  if (res.status !== 204 && res.status !== 200) {
    const body = (await res.text().catch(() => '')).slice(0, 500);
    throw new TodoInfraError(
      'DAPR_PUBLISH_FAILED',
      `the sidecar refused the test event: HTTP ${res.status}`,
      {
        phase: 'dapr',
        source: 'environment',
        details: body ? [body] : [],
        hint:
          "The body above is Dapr's error (e.g. ERR_PUBSUB_NOT_FOUND, or a broker error " +
          'when Kafka is unreachable); check the pubsub component and the kafka phase.',
      },
    );
  }
}

/** Publishes through `pod`'s sidecar, then waits for a probe Job to find the event on Kafka. */
export async function provePublish(
  kube: Kube,
  config: Config,
  pod: string,
  topic: string,
  opts: { timeoutMs: number; signal: AbortSignal; log: (m: string) => void },
): Promise<PublishProof> {
  if (!kube.portForward) {
    return { verified: false, reason: 'this Kubernetes client cannot port-forward', topic };
  }
  const eventId = `todo-infra-pubsub-${randomUUID()}`;
  let forward: Awaited<ReturnType<NonNullable<Kube['portForward']>>>;
  try {
    forward = await kube.portForward(config.apps.namespace, pod, DAPR_HTTP_PORT);
  } catch (err) {
    // The control plane is installed and wired at this point; what failed is only the path
    // to the sidecar (kubelet unreachable, a node without a kubelet API). Report the proof as
    // not made, with the API server's reason, rather than fail a phase whose work is done.
    if (!(err instanceof TodoInfraError) || err.code !== 'KUBE_PORT_FORWARD_FAILED') throw err;
    opts.log(`could not reach the sidecar of ${pod}: ${err.message}`);
    return { verified: false, reason: err.message, topic };
  }
  try {
    await publishEvent(
      `http://127.0.0.1:${forward.localPort}`,
      config.dapr.pubsubName,
      topic,
      { type: 'todo-infra.probe', id: eventId, note: 'published by todo-infra phase dapr' },
      opts.signal,
    );
  } finally {
    await forward.close();
  }
  opts.log(`event ${eventId} accepted by the sidecar of ${pod}; looking for it on ${topic}`);
  // Dapr wraps the event in a CloudEvent; the id appears verbatim in the record's JSON.
  const spec: RoundTripSpec = { id: eventId.slice(-8), topic, message: eventId, mode: 'consume' };
  const name = roundTripJobName(spec);
  const ns = config.kafka.namespace;
  await kube.apply([roundTripJob(config, spec)]);
  try {
    await kube.waitForJob(ns, name, { timeoutMs: opts.timeoutMs, signal: opts.signal });
  } finally {
    await kube
      .delete({ apiVersion: 'batch/v1', kind: 'Job', name, namespace: ns })
      .catch(() => undefined);
  }
  return { verified: true, topic, eventId };
}
