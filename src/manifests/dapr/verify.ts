// What the dapr phase checks after applying. Two questions:
//   wiring — does what the components name exist? The pub/sub brokers must be the Strimzi
//     bootstrap Service, and the state store's secretKeyRef an existing Secret and key. Both are
//     read from the objects the phase applies, not recomputed, so a wrong field is caught.
//   sidecar — do the backend's pods carry daprd (T099–T100)? The injector only acts when a pod
//     is created, so pods that predate Dapr are restarted once, then must have two containers.
import type { Config } from '../../config/schema.js';
import { TodoInfraError } from '../../core/errors.js';
import type { Kube, KubeObject } from '../../kube/types.js';
import { DAPRD, appPods, sidecarState } from '../apps/verify.js';

export interface WiringReport {
  /** The brokers value and whether its Service exists in the named namespace. */
  brokers: { value: string; service: string; namespace: string; exists: boolean };
  /** The state store's secretKeyRef and whether that Secret has that key. */
  secret: { name: string; key: string; exists: boolean; hasKey: boolean };
}

type Meta = { name: string; value?: unknown; secretKeyRef?: { name: string; key: string } };

function metadataOf(component: KubeObject): Meta[] {
  return (component.spec as { metadata?: Meta[] } | undefined)?.metadata ?? [];
}

/** Parses `<service>.<namespace>.svc[.cluster.local]:<port>` (the only form the phase writes). */
export function parseBrokerAddress(value: string): { service: string; namespace: string } {
  const host = value.split(',')[0]?.split(':')[0] ?? '';
  const [service = '', namespace = ''] = host.split('.');
  return { service, namespace };
}

export async function checkWiring(
  kube: Kube,
  config: Config,
  pubsub: KubeObject,
  statestore: KubeObject,
): Promise<WiringReport> {
  const brokers = String(metadataOf(pubsub).find((m) => m.name === 'brokers')?.value ?? '');
  const { service, namespace } = parseBrokerAddress(brokers);
  const svc =
    service && namespace
      ? await kube.get({ apiVersion: 'v1', kind: 'Service', name: service, namespace })
      : undefined;
  const ref = metadataOf(statestore).find((m) => m.name === 'connectionString')?.secretKeyRef;
  const secret = ref
    ? await kube.get({
        apiVersion: 'v1',
        kind: 'Secret',
        name: ref.name,
        namespace: config.apps.namespace,
      })
    : undefined;
  const data = (secret?.data ?? {}) as Record<string, string>;
  return {
    brokers: { value: brokers, service, namespace, exists: !!svc },
    secret: {
      name: ref?.name ?? '',
      key: ref?.key ?? '',
      exists: !!secret,
      hasKey: !!ref && typeof data[ref.key] === 'string' && data[ref.key] !== '',
    },
  };
}

export interface SidecarOutcome {
  /** Not deployed (yet): the apps phase checks injection when it creates the pods. */
  skipped?: string;
  restarted: boolean;
  pods: string[];
}

/** Counts the containers a pod runs: classic ones plus native sidecars (restartable init). */
export function runningContainers(pod: KubeObject): string[] {
  type C = { name: string; restartPolicy?: string };
  const spec = pod.spec as { containers?: C[]; initContainers?: C[] };
  const native = (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...(spec.containers ?? []), ...native].map((c) => c.name);
}

export async function ensureBackendSidecar(
  kube: Kube,
  config: Config,
  opts: { timeoutMs: number; signal: AbortSignal; log: (m: string) => void },
): Promise<SidecarOutcome> {
  const ns = config.apps.namespace;
  const dep = await kube.get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'backend',
    namespace: ns,
  });
  if (!dep) return { skipped: 'the backend is not deployed yet', restarted: false, pods: [] };
  if (config.apps.backend.replicas === 0) {
    return { skipped: 'apps.backend.replicas is 0', restarted: false, pods: [] };
  }
  let restarted = false;
  const before = sidecarState(await appPods(kube, config, 'backend'));
  if (before.withoutSidecar.length > 0) {
    opts.log(`backend pods ${before.withoutSidecar.join(', ')} lack daprd; rollout restart`);
    await kube.rolloutRestart(ns, 'backend');
    restarted = true;
  }
  await kube.waitForRollout(ns, 'backend', { timeoutMs: opts.timeoutMs, signal: opts.signal });
  const pods = await appPods(kube, config, 'backend');
  const wrong = pods
    .map((p) => ({ name: p.metadata.name, containers: runningContainers(p) }))
    .filter((p) => !p.containers.includes(DAPRD) || p.containers.length !== 2);
  if (wrong.length > 0 || pods.length === 0) {
    const list = wrong.map((p) => `${p.name} [${p.containers.join(', ')}]`).join('; ');
    throw new TodoInfraError(
      'DAPR_SIDECAR_MISSING',
      `backend pods do not run the app plus daprd after ${restarted ? 'a restart' : 'rollout'}: ` +
        (list || 'no pods'),
      {
        phase: 'dapr',
        source: 'environment',
        hint:
          `Check the sidecar injector (kubectl -n ${config.dapr.namespace} logs ` +
          'deploy/dapr-sidecar-injector), its MutatingWebhookConfiguration, and that the pod ' +
          'template carries dapr.io/enabled: "true".',
      },
    );
  }
  return { restarted, pods: pods.map((p) => p.metadata.name) };
}
