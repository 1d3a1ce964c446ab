// Names and addresses the Kafka phases and the Dapr components share. They are derived from the
// config in one place so that the pub/sub component's brokers always point at the Service the
// Strimzi operator really creates for the configured cluster.
import type { Config } from '../../config/schema.js';

export const STRIMZI_API = 'kafka.strimzi.io/v1';

/** Strimzi labels a resource with the cluster it belongs to; node pools and topics need it. */
export const CLUSTER_LABEL = 'strimzi.io/cluster';

/** The CRDs the operator chart installs and the kafka phase relies on. */
export const STRIMZI_CRDS = [
  'kafkas.kafka.strimzi.io',
  'kafkanodepools.kafka.strimzi.io',
  'kafkatopics.kafka.strimzi.io',
  'kafkausers.kafka.strimzi.io',
] as const;

/** The chart's Deployment is named this way regardless of the release name. */
export const OPERATOR_DEPLOYMENT = 'strimzi-cluster-operator';
export const OPERATOR_RELEASE = 'strimzi-cluster-operator';

/** Name of the one node pool; Strimzi names the pods <cluster>-<pool>-<id>. */
export const NODE_POOL = 'kraft';

export const PLAIN_PORT = 9092;
export const TLS_PORT = 9093;

export const MANAGED_LABELS = {
  'app.kubernetes.io/part-of': 'todo',
  'app.kubernetes.io/managed-by': 'todo-infra',
} as const;

/** Service the operator creates for clients: <cluster>-kafka-bootstrap. */
export function bootstrapService(config: Config): string {
  return `${config.kafka.clusterName}-kafka-bootstrap`;
}

/** The plain-listener address clients in other namespaces (Dapr sidecars) connect to. */
export function bootstrapAddress(config: Config): string {
  return `${bootstrapService(config)}.${config.kafka.namespace}.svc:${PLAIN_PORT}`;
}

export function metricsConfigMapName(config: Config): string {
  return `${config.kafka.clusterName}-metrics`;
}

/**
 * Strimzi's Kafka image for the configured versions. Tags are <strimzi>-kafka-<kafka>; the
 * round-trip Job uses the same image as the broker so its console clients match the server.
 */
export function kafkaImage(config: Config): string {
  return `quay.io/strimzi/kafka:${config.charts.strimzi.version}-kafka-${config.kafka.version}`;
}

/** The topic the broker and pub/sub probes use: task-events when configured, else the first. */
export function probeTopic(config: Config): string {
  const names = config.kafka.topics.map((t) => t.name);
  return names.includes('task-events') ? 'task-events' : (names[0] ?? 'task-events');
}

/** Replication settings that a cluster of `replicas` brokers can actually satisfy. */
export function replication(replicas: number): { factor: number; minIsr: number } {
  const factor = Math.min(replicas, 3);
  return { factor, minIsr: factor > 1 ? factor - 1 : 1 };
}
