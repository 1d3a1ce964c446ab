// KafkaTopics from config (task-events 3 partitions, reminders 1, task-updates 3 by default).
// The Topic Operator creates them in Kafka and reports Ready per topic.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { CLUSTER_LABEL, MANAGED_LABELS, STRIMZI_API, replication } from './names.js';

export function kafkaTopics(config: Config): KubeObject[] {
  const k = config.kafka;
  const { factor, minIsr } = replication(k.replicas);
  return k.topics.map((t) => ({
    apiVersion: STRIMZI_API,
    kind: 'KafkaTopic',
    metadata: {
      name: t.name,
      namespace: k.namespace,
      labels: { ...MANAGED_LABELS, [CLUSTER_LABEL]: k.clusterName },
    },
    spec: {
      partitions: t.partitions,
      replicas: factor,
      config: { 'retention.ms': t.retentionMs, 'min.insync.replicas': minIsr },
    },
  }));
}
