// Dapr Components in the app namespace (runbook T090–T096): Kafka pub/sub, PostgreSQL state
// (v2) and the Kubernetes secret store, plus the app Configuration that limits which secrets
// the apps may read through Dapr. Nothing here holds a secret value: the connection string is a
// secretKeyRef to the db-credentials Secret, resolved by the sidecar at start-up.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { DAPR_CONFIG_NAME } from '../apps/dapr.js';
import { DB_SECRET_KEY, DB_SECRET_NAME } from '../base/secrets.js';
import { MANAGED_LABELS, bootstrapAddress } from '../kafka/names.js';

export const DAPR_API = 'dapr.io/v1alpha1';

/** The Secret the base phase creates from secrets.dbConnectionString. */
export const DB_SECRET = { name: DB_SECRET_NAME, key: DB_SECRET_KEY } as const;

/** The Configuration the apps' pods name in their dapr.io/config annotation. */
export const APP_CONFIGURATION = DAPR_CONFIG_NAME;

function component(
  config: Config,
  name: string,
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: DAPR_API,
    kind: 'Component',
    metadata: { name, namespace: config.apps.namespace, labels: { ...MANAGED_LABELS } },
    spec,
    ...extra,
  };
}

type Meta = { name: string; value?: string; secretKeyRef?: { name: string; key: string } };

export function pubsubComponent(config: Config): KubeObject {
  const metadata: Meta[] = [
    // The plain internal listener of the Strimzi cluster, by its cluster-wide Service name.
    { name: 'brokers', value: bootstrapAddress(config) },
    { name: 'authType', value: 'none' },
    { name: 'disableTls', value: 'true' },
    // One consumer group per app: workers that subscribe to the same topic (recurring and
    // audit both read task-events) must each get every event, not share them. Dapr resolves
    // {appID} when the sidecar starts; dapr.consumerGroup is the common prefix.
    { name: 'consumerGroup', value: `${config.dapr.consumerGroup}-{appID}` },
    { name: 'clientID', value: '{appID}' },
    // Dapr's Kafka client defaults to protocol 2.0.0, below Kafka 4's 2.1 baseline.
    { name: 'version', value: config.dapr.kafkaProtocolVersion },
  ];
  const spec = { type: 'pubsub.kafka', version: 'v1', metadata };
  return component(config, config.dapr.pubsubName, spec);
}

export function stateStoreComponent(config: Config): KubeObject {
  const metadata: Meta[] = [
    { name: 'connectionString', secretKeyRef: { name: DB_SECRET.name, key: DB_SECRET.key } },
    // The backend keeps its own tables in the same database; Dapr's state tables get a prefix
    // so the two can never collide.
    { name: 'tablePrefix', value: 'dapr_' },
  ];
  return component(
    config,
    config.dapr.statestoreName,
    { type: 'state.postgresql', version: 'v2', metadata },
    // secretKeyRef above is resolved through this store.
    { auth: { secretStore: config.dapr.secretstoreName } },
  );
}

export function secretStoreComponent(config: Config): KubeObject {
  // Reads Secrets of the sidecar's own namespace with the app's service account.
  return component(config, config.dapr.secretstoreName, {
    type: 'secretstores.kubernetes',
    version: 'v1',
    metadata: [],
  });
}

export function appConfiguration(config: Config): KubeObject {
  return {
    apiVersion: DAPR_API,
    kind: 'Configuration',
    metadata: {
      name: APP_CONFIGURATION,
      namespace: config.apps.namespace,
      labels: { ...MANAGED_LABELS },
    },
    spec: {
      // Through the secrets API an app may read db-credentials and nothing else in the
      // namespace (e.g. not the registry pull secret).
      secrets: {
        scopes: [
          {
            storeName: config.dapr.secretstoreName,
            defaultAccess: 'deny',
            allowedSecrets: [DB_SECRET.name],
          },
        ],
      },
      metric: { enabled: true },
      // No trace collector runs on the free tier; sampling stays off until one is added.
      tracing: { samplingRate: '0' },
    },
  };
}

export function daprComponents(config: Config): KubeObject[] {
  return [pubsubComponent(config), stateStoreComponent(config), secretStoreComponent(config)];
}
