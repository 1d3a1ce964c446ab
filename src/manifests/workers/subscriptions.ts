// Declarative Dapr Subscriptions (runbook T123–T125, T132, T134–T137): one per (worker, topic),
// dapr.io/v2alpha1, scoped to the worker's app id so no other app's sidecar subscribes.
//
// Why one resource per pair rather than one per topic listing several apps in `scopes`: each
// worker may use its own route, and a per-pair name lets a removed topic or worker be pruned
// by name without touching the others. Delivery is independent per app anyway — the pub/sub
// component gives every app id its own consumer group (<dapr.consumerGroup>-{appID}), so the
// recurring and the audit worker both receive every task-events record.
//
// No deadLetterTopic: the config declares no dead-letter topics, and pointing at one that
// does not exist as a KafkaTopic would make failed events vanish into broker auto-creation
// (or an error) instead of being retried under the Resiliency policy of the dapr phase.
import type { Config } from '../../config/schema.js';
import type { WorkerConfig } from '../../config/sections/apps.js';
import { usageError } from '../../core/errors.js';
import type { KubeObject } from '../../kube/types.js';
import { subscription } from '../dapr/subscription.js';
import { enabledWorkers, workerLabels } from './workload.js';

export interface SubscriptionPair {
  name: string;
  appId: string;
  topic: string;
  route: string;
}

/** `<appId>-<topic>`: both are DNS labels, so the name is a valid DNS subdomain. */
export function subscriptionName(appId: string, topic: string): string {
  return `${appId}-${topic}`;
}

export function subscriptionPairs(workers: readonly WorkerConfig[]): SubscriptionPair[] {
  return workers.flatMap((w) =>
    w.topics.map((topic) => ({
      name: subscriptionName(w.appId, topic),
      appId: w.appId,
      topic,
      route: w.route,
    })),
  );
}

export function workerSubscriptions(config: Config): KubeObject[] {
  return subscriptionPairs(enabledWorkers(config)).map((p) => {
    const sub = subscription(config, {
      name: p.name,
      topic: p.topic,
      route: p.route,
      scopes: [p.appId],
    });
    return { ...sub, metadata: { ...sub.metadata, labels: workerLabels(p.appId) } };
  });
}

/** Names the apps phase uses for its own Deployments, Services and ServiceAccounts. */
const APP_COMPONENTS = ['frontend', 'backend'];

/**
 * Settings the schema accepts one by one but that clash together: they would make two workers
 * share a Deployment or a Subscription, or a worker overwrite the frontend or backend.
 */
export function checkWorkers(config: Config): void {
  const problems: string[] = [];
  const ids = new Map<string, number>();
  config.apps.workers.forEach((w, i) => {
    const at = `apps.workers[${i}]`;
    if (APP_COMPONENTS.includes(w.appId)) {
      problems.push(`${at}.appId: ${w.appId} is the name of an app Deployment; choose another`);
    }
    const first = ids.get(w.appId);
    if (first !== undefined) {
      problems.push(`${at}.appId: ${w.appId} is already used by apps.workers[${first}]`);
    } else {
      ids.set(w.appId, i);
    }
    const seen = new Set<string>();
    w.topics.forEach((t, j) => {
      if (seen.has(t)) problems.push(`${at}.topics[${j}]: ${t} is listed twice`);
      seen.add(t);
    });
  });
  const owners = new Map<string, SubscriptionPair>();
  for (const p of subscriptionPairs(config.apps.workers)) {
    const other = owners.get(p.name);
    if (other && (other.appId !== p.appId || other.topic !== p.topic)) {
      problems.push(
        `Subscription ${p.name} would serve both ${other.appId}/${other.topic} and ` +
          `${p.appId}/${p.topic}; rename one app id`,
      );
    }
    owners.set(p.name, p);
  }
  if (problems.length === 0) return;
  throw usageError(
    'WORKERS_CONFIG',
    'the apps.workers settings clash',
    'Fix the named apps.workers fields in the config file and re-run.',
    problems,
  );
}
