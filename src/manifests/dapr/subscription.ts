// Declarative Subscription builder for the workers phase (Dapr serves Subscriptions as
// dapr.io/v2alpha1; v1alpha1 needs the operator's conversion webhook). Kept next to the
// components so the pub/sub name has one source; the dapr phase itself creates none.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { MANAGED_LABELS } from '../kafka/names.js';

export interface SubscriptionSpec {
  /** Resource name, e.g. audit-worker-task-events. */
  name: string;
  topic: string;
  /** Path on the app the sidecar POSTs events to. */
  route: string;
  /** App ids that receive the events; all apps in the namespace when empty. */
  scopes: string[];
  deadLetterTopic?: string;
}

export function subscription(config: Config, s: SubscriptionSpec): KubeObject {
  return {
    apiVersion: 'dapr.io/v2alpha1',
    kind: 'Subscription',
    metadata: { name: s.name, namespace: config.apps.namespace, labels: { ...MANAGED_LABELS } },
    spec: {
      pubsubname: config.dapr.pubsubName,
      topic: s.topic,
      routes: { default: s.route },
      ...(s.deadLetterTopic ? { deadLetterTopic: s.deadLetterTopic } : {}),
    },
    ...(s.scopes.length > 0 ? { scopes: s.scopes } : {}),
  };
}
