// What the workers phase checks against the cluster. Read-only except `pruneWorkers`.
//   wiring   — the Subscriptions name a pub/sub Component and Kafka topics; both must exist
//              (and the topics be Ready), or Dapr subscribes to nothing without an error.
//   sidecars — every worker pod runs its app plus daprd (T127, T139).
//   pruning  — workers or topics removed from the config leave no Deployment or Subscription
//              behind (a stale Subscription would keep a consumer group alive).
import type { Config } from '../../config/schema.js';
import type { Kube, KubeObject, ObjectRef } from '../../kube/types.js';
import { DAPRD } from '../apps/verify.js';
import { DAPR_API } from '../dapr/components.js';
import { runningContainers } from '../dapr/verify.js';
import { describeConditions, isCurrentlyTrue } from '../kafka/checks.js';
import { STRIMZI_API } from '../kafka/names.js';
import { workerObjectsSelector, workerSelector } from './workload.js';

export async function workerPods(kube: Kube, config: Config, appId: string): Promise<KubeObject[]> {
  const selector = Object.entries(workerSelector(appId))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await kube.list('v1', 'Pod', config.apps.namespace, selector);
  // Pods on their way out after a restart are not what the next check is about.
  return pods.filter((p) => !p.metadata.deletionTimestamp);
}

/** Pods that do not run exactly the app and daprd, as "name [containers]". */
export function podsWithoutSidecar(pods: KubeObject[]): string[] {
  return pods
    .map((p) => ({ name: p.metadata.name, containers: runningContainers(p) }))
    .filter((p) => !p.containers.includes(DAPRD) || p.containers.length !== 2)
    .map((p) => `${p.name} [${p.containers.join(', ')}]`);
}

export interface WiringProblem {
  what: string;
  fix: string;
}

/** The pub/sub Component and each subscribed KafkaTopic; an empty list means all is there. */
export async function wiringProblems(
  kube: Kube,
  config: Config,
  topics: readonly string[],
): Promise<WiringProblem[]> {
  const problems: WiringProblem[] = [];
  const pubsub = await kube.get({
    apiVersion: DAPR_API,
    kind: 'Component',
    name: config.dapr.pubsubName,
    namespace: config.apps.namespace,
  });
  if (!pubsub) {
    problems.push({
      what: `Dapr pub/sub Component ${config.apps.namespace}/${config.dapr.pubsubName} is missing`,
      fix: 'run `todo-infra phase dapr`',
    });
  }
  for (const topic of [...new Set(topics)].sort()) {
    const ref: ObjectRef = {
      apiVersion: STRIMZI_API,
      kind: 'KafkaTopic',
      name: topic,
      namespace: config.kafka.namespace,
    };
    const obj = await kube.get(ref);
    if (!obj) {
      problems.push({
        what: `KafkaTopic ${config.kafka.namespace}/${topic} is missing`,
        fix: 'run `todo-infra phase kafka`',
      });
    } else if (!isCurrentlyTrue(obj, 'Ready')) {
      problems.push({
        what: `KafkaTopic ${topic} is not Ready: ${describeConditions(obj)}`,
        fix: 'see the entity operator log in the kafka namespace',
      });
    }
  }
  return problems;
}

/** Does the live Subscription still say what the phase applied? Names the first difference. */
export function subscriptionDrift(wanted: KubeObject, live: KubeObject | undefined): string | null {
  if (!live) return 'missing';
  type Spec = { pubsubname?: string; topic?: string; routes?: { default?: string } };
  const w = wanted.spec as Spec;
  const l = (live.spec ?? {}) as Spec;
  if (l.pubsubname !== w.pubsubname) return `pubsubname is ${l.pubsubname}, not ${w.pubsubname}`;
  if (l.topic !== w.topic) return `topic is ${l.topic}, not ${w.topic}`;
  if (l.routes?.default !== w.routes?.default) {
    return `route is ${l.routes?.default}, not ${w.routes?.default}`;
  }
  const scopes = (o: KubeObject) => JSON.stringify((o.scopes as string[] | undefined) ?? []);
  if (scopes(live) !== scopes(wanted)) return `scopes are ${scopes(live)}, not ${scopes(wanted)}`;
  return null;
}

/** Kinds the phase creates, in the order stale ones are removed (consumers first). */
const PRUNABLE = [
  { apiVersion: 'dapr.io/v2alpha1', kind: 'Subscription' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
] as const;

/**
 * Deletes worker objects (selected by the phase's labels) that `wanted` no longer contains.
 * Returns "Kind/name" of what was deleted.
 */
export async function pruneWorkers(
  kube: Kube,
  config: Config,
  wanted: readonly KubeObject[],
): Promise<string[]> {
  const keep = new Set(wanted.map((o) => `${o.kind}/${o.metadata.name}`));
  const deleted: string[] = [];
  for (const k of PRUNABLE) {
    const live = await kube.list(
      k.apiVersion,
      k.kind,
      config.apps.namespace,
      workerObjectsSelector(),
    );
    for (const o of live) {
      const id = `${k.kind}/${o.metadata.name}`;
      if (keep.has(id)) continue;
      await kube.delete({ ...k, name: o.metadata.name, namespace: config.apps.namespace });
      deleted.push(id);
    }
  }
  return deleted;
}
