// Resiliency (dapr.io/v1alpha1, runbook T097): timeouts, retries with exponential back-off and a
// circuit breaker on the Kafka pub/sub component, both directions; a shorter policy for state.
// Outbound = the app publishing through its sidecar; inbound = the sidecar delivering an event to
// the app, where a retry redelivers instead of dropping the event.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { MANAGED_LABELS } from '../kafka/names.js';
import { DAPR_API } from './components.js';

export const RESILIENCY_NAME = 'todo-resiliency';

export function resiliency(config: Config): KubeObject {
  const d = config.dapr;
  return {
    apiVersion: DAPR_API,
    kind: 'Resiliency',
    metadata: {
      name: RESILIENCY_NAME,
      namespace: config.apps.namespace,
      labels: { ...MANAGED_LABELS },
    },
    spec: {
      policies: {
        timeouts: { pubsubTimeout: '10s', stateTimeout: '5s' },
        retries: {
          pubsubRetry: { policy: 'exponential', maxInterval: '15s', maxRetries: 10 },
          stateRetry: { policy: 'constant', duration: '1s', maxRetries: 3 },
        },
        circuitBreakers: {
          // Open after 5 failures in a row, probe once a minute, one trial request at a time.
          pubsubBreaker: {
            maxRequests: 1,
            interval: '30s',
            timeout: '60s',
            trip: 'consecutiveFailures >= 5',
          },
        },
      },
      targets: {
        components: {
          [d.pubsubName]: {
            outbound: {
              timeout: 'pubsubTimeout',
              retry: 'pubsubRetry',
              circuitBreaker: 'pubsubBreaker',
            },
            inbound: {
              timeout: 'pubsubTimeout',
              retry: 'pubsubRetry',
              circuitBreaker: 'pubsubBreaker',
            },
          },
          [d.statestoreName]: {
            outbound: { timeout: 'stateTimeout', retry: 'stateRetry' },
          },
        },
      },
    },
  };
}
