// What the apps phase checks after applying: the pods of a component (and whether Dapr's
// sidecar is in them) and the public URL answering at / and /api.
import type { Config } from '../../config/schema.js';
import { TodoInfraError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { PhaseContext } from '../../engine/phase.js';
import type { Kube, KubeObject } from '../../kube/types.js';
import { ingressController } from '../ingress/controller.js';
import { httpCheckUntil, publicBaseUrl } from '../ingress/http-check.js';
import { selectorLabels } from './deployment.js';
import type { Component } from './images.js';

/** The container Dapr's injector adds. */
export const DAPRD = 'daprd';

export async function appPods(kube: Kube, config: Config, c: Component): Promise<KubeObject[]> {
  const selector = Object.entries(selectorLabels(c))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await kube.list('v1', 'Pod', config.apps.namespace, selector);
  // Pods on their way out after a restart are not what the next check is about.
  return pods.filter((p) => !p.metadata.deletionTimestamp);
}

export interface SidecarState {
  withSidecar: string[];
  withoutSidecar: string[];
}

/** Splits pods by whether daprd is among their containers (native sidecar or classic). */
export function sidecarState(pods: KubeObject[]): SidecarState {
  const state: SidecarState = { withSidecar: [], withoutSidecar: [] };
  for (const pod of pods) {
    type Named = Array<{ name: string }>;
    const spec = pod.spec as { containers?: Named; initContainers?: Named };
    const names = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name);
    (names.includes(DAPRD) ? state.withSidecar : state.withoutSidecar).push(pod.metadata.name);
  }
  return state;
}

/**
 * Base URL of the platform: apps.publicUrl; else the ingress phase's recorded URL; else the
 * controller Service's load-balancer address (with ingress.host / TLS when set).
 */
export async function publicUrlFor(
  ctx: Pick<PhaseContext, 'config' | 'outputsOf'>,
  kube: Kube,
): Promise<string> {
  const { config } = ctx;
  const { host, tls } = config.ingress;
  if (config.apps.publicUrl) return publicBaseUrl(config.apps.publicUrl, '');
  if (host) return publicBaseUrl(undefined, '', host, tls.enabled);
  const recorded = ctx.outputsOf<{ url?: string }>('ingress')?.url;
  if (recorded) return recorded;
  const controller = ingressController(config);
  const svc = await kube.get({
    apiVersion: 'v1',
    kind: 'Service',
    name: controller.serviceName(config),
    namespace: config.ingress.namespace,
  });
  const lb = (svc?.status as { loadBalancer?: { ingress?: Array<Record<string, string>> } })
    ?.loadBalancer?.ingress?.[0];
  const address = lb?.ip ?? lb?.hostname;
  if (!address) {
    const msg = 'the ingress controller has no load-balancer address';
    throw new TodoInfraError('NO_PUBLIC_ADDRESS', msg, {
      phase: 'apps',
      source: 'environment',
      hint: 'Run `todo-infra phase ingress` first, or set apps.publicUrl.',
    });
  }
  return publicBaseUrl(undefined, address);
}

/**
 * `/` must answer below 400 (the frontend's page or a redirect). `/api` must answer below
 * 500: the backend may have no handler for the bare prefix (404 is fine), but 502/503/504
 * mean NGINX could not reach it.
 */
export async function checkPublicUrl(
  base: string,
  opts: { deadline: Date; signal?: AbortSignal; log?: Logger },
): Promise<{ root: number; api: number }> {
  const common = {
    deadline: opts.deadline,
    signal: opts.signal,
    phase: 'apps',
    onAttempt: (o: string) => opts.log?.debug(o),
  };
  const root = await httpCheckUntil(
    { url: `${base}/`, what: 'the frontend at /', accept: (s) => s < 400 },
    common,
  );
  const api = await httpCheckUntil(
    { url: `${base}/api`, what: 'the backend at /api', accept: (s) => s < 500 },
    common,
  );
  return { root, api };
}
