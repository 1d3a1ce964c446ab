// Prometheus JMX Exporter rules for the broker, referenced by Kafka.spec.kafka.metricsConfig.
// The set is deliberately small: throughput, partition health, KRaft controller state, request
// latency and log size — what a single-broker Todo cluster needs on a dashboard or an alert.
// Consumer lag is not a JMX metric of the broker; Kafka Exporter provides it (see kafka.ts).
import { stringify } from 'yaml';
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { MANAGED_LABELS, metricsConfigMapName } from './names.js';

export const METRICS_CONFIG_KEY = 'kafka-metrics-config.yml';

interface Rule {
  pattern: string;
  name: string;
  type: 'GAUGE' | 'COUNTER';
  help?: string;
  labels?: Record<string, string>;
}

/** Patterns are matched against `domain<key=value, ...><>attribute`. */
export const JMX_RULES: Rule[] = [
  {
    pattern:
      'kafka.server<type=BrokerTopicMetrics, name=(MessagesIn|BytesIn|BytesOut)PerSec, ' +
      'topic=(.+)><>Count',
    name: 'kafka_server_topic_$1_total',
    type: 'COUNTER',
    help: 'Messages or bytes through the broker per topic',
    labels: { topic: '$2' },
  },
  {
    pattern:
      'kafka.server<type=BrokerTopicMetrics, name=(MessagesIn|BytesIn|BytesOut)PerSec><>Count',
    name: 'kafka_server_$1_total',
    type: 'COUNTER',
    help: 'Messages or bytes through the broker, all topics',
  },
  {
    pattern:
      'kafka.server<type=ReplicaManager, name=(UnderReplicatedPartitions|PartitionCount|' +
      'LeaderCount|OfflineReplicaCount|UnderMinIsrPartitionCount)><>Value',
    name: 'kafka_server_replicamanager_$1',
    type: 'GAUGE',
  },
  {
    pattern:
      'kafka.controller<type=KafkaController, name=(ActiveControllerCount|' +
      'OfflinePartitionsCount|GlobalPartitionCount|GlobalTopicCount)><>Value',
    name: 'kafka_controller_$1',
    type: 'GAUGE',
  },
  {
    pattern:
      'kafka.server<type=raft-metrics><>(current-leader|current-epoch|high-watermark|' +
      'commit-latency-avg)',
    name: 'kafka_raft_$1',
    type: 'GAUGE',
    help: 'KRaft metadata quorum state',
  },
  {
    pattern:
      'kafka.network<type=RequestMetrics, name=TotalTimeMs, ' +
      'request=(Produce|FetchConsumer|FetchFollower)><>(50|99)thPercentile',
    name: 'kafka_network_request_total_time_ms',
    type: 'GAUGE',
    labels: { request: '$1', quantile: '0.$2' },
  },
  {
    pattern: 'kafka.log<type=Log, name=Size, topic=(.+), partition=(.+)><>Value',
    name: 'kafka_log_size_bytes',
    type: 'GAUGE',
    labels: { topic: '$1', partition: '$2' },
  },
];

export function metricsConfigText(): string {
  // lowercaseOutputName keeps metric names stable however the MBean spells them.
  return stringify({ lowercaseOutputName: true, rules: JMX_RULES }, { lineWidth: 0 });
}

export function metricsConfigMap(config: Config): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: metricsConfigMapName(config),
      namespace: config.kafka.namespace,
      labels: { ...MANAGED_LABELS },
    },
    data: { [METRICS_CONFIG_KEY]: metricsConfigText() },
  };
}
