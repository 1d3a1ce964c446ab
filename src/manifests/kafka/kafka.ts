// The Kafka custom resource (kafka.strimzi.io/v1). Strimzi 1.x serves only v1 and runs KRaft
// only: there is no spec.zookeeper, and brokers, storage, resources and JVM options live on the
// KafkaNodePool (node-pool.ts), not here. Since Strimzi 0.48 the strimzi.io/kraft and
// strimzi.io/node-pools annotations are ignored, so none are set.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import {
  MANAGED_LABELS,
  PLAIN_PORT,
  STRIMZI_API,
  TLS_PORT,
  metricsConfigMapName,
  replication,
} from './names.js';
import { METRICS_CONFIG_KEY } from './metrics-configmap.js';

// The entity operator's two JVMs and Kafka Exporter are small, fixed costs on the one A1 node;
// they are not configurable because nothing in the Todo workload makes them grow. Their CPU
// limits are low because the kafka namespace's ResourceQuota caps limits at 2 CPU, and the
// broker (1) and the cluster operator (0.5) take most of it; they only slow start-up.
const TOPIC_OPERATOR = {
  requests: { cpu: '50m', memory: '256Mi' },
  limits: { cpu: '150m', memory: '256Mi' },
};
const USER_OPERATOR = {
  requests: { cpu: '25m', memory: '192Mi' },
  limits: { cpu: '100m', memory: '192Mi' },
};
const KAFKA_EXPORTER = {
  requests: { cpu: '25m', memory: '48Mi' },
  limits: { cpu: '50m', memory: '128Mi' },
};

export function kafkaCluster(config: Config): KubeObject {
  const k = config.kafka;
  const { factor, minIsr } = replication(k.replicas);
  const spec: Record<string, unknown> = {
    kafka: {
      version: k.version,
      listeners: [
        { name: 'plain', port: PLAIN_PORT, type: 'internal', tls: false },
        { name: 'tls', port: TLS_PORT, type: 'internal', tls: true },
      ],
      config: {
        // Internal topics default to a replication factor of 3, which one broker cannot host:
        // consumer groups and transactions would never work without these.
        'offsets.topic.replication.factor': factor,
        'transaction.state.log.replication.factor': factor,
        'transaction.state.log.min.isr': minIsr,
        'default.replication.factor': factor,
        'min.insync.replicas': minIsr,
        // Topics are declared as KafkaTopic resources; a typo in a client must not create one.
        'auto.create.topics.enable': false,
      },
      metricsConfig: {
        type: 'jmxPrometheusExporter',
        valueFrom: {
          configMapKeyRef: { name: metricsConfigMapName(config), key: METRICS_CONFIG_KEY },
        },
      },
    },
    entityOperator: {
      topicOperator: { resources: TOPIC_OPERATOR },
      userOperator: { resources: USER_OPERATOR },
    },
  };
  if (config.monitoring.kafkaExporter) {
    // Strimzi has no KafkaConsumerGroup resource: consumer lag is observed through Kafka
    // Exporter's kafka_consumergroup_lag metric instead (runbook T151).
    spec.kafkaExporter = { topicRegex: '.*', groupRegex: '.*', resources: KAFKA_EXPORTER };
  }
  return {
    apiVersion: STRIMZI_API,
    kind: 'Kafka',
    metadata: { name: k.clusterName, namespace: k.namespace, labels: { ...MANAGED_LABELS } },
    spec,
  };
}
