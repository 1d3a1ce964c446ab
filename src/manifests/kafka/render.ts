// Files `render --out DIR` writes for the strimzi and kafka phases, in the runbook's layout
// (infrastructure/k8s/kafka/...). They are the same objects the phases apply, so a user who keeps
// manifests in their own repository gets exactly what the CLI would have done.
import type { Config } from '../../config/schema.js';
import type { RenderedFile } from '../../engine/phase.js';
import { kafkaCluster } from './kafka.js';
import { metricsConfigMap } from './metrics-configmap.js';
import { bootstrapAddress, OPERATOR_DEPLOYMENT, OPERATOR_RELEASE } from './names.js';
import { nodePool } from './node-pool.js';
import { strimziValues } from './operator-values.js';
import { kafkaTopics } from './topics.js';
import { yamlDocuments, yamlValues } from './yaml.js';

export const KAFKA_DIR = 'infrastructure/k8s/kafka';

export function renderStrimzi(config: Config): RenderedFile[] {
  const chart = config.charts.strimzi;
  const ns = config.kafka.namespace;
  const header = [
    'Strimzi cluster operator: Helm values (runbook T067-T071).',
    '',
    `Chart: ${chart.ref}`,
    `       version ${chart.version}. It is an OCI chart: the https://strimzi.io/charts/`,
    '       repository is deprecated, so there is no `helm repo add` step.',
    'Install:',
    `  helm upgrade --install ${OPERATOR_RELEASE} \\`,
    `    ${chart.ref} --version ${chart.version} \\`,
    `    -n ${ns} --create-namespace -f strimzi-operator.yaml`,
    'Verify:',
    `  kubectl -n ${ns} rollout status deployment/${OPERATOR_DEPLOYMENT}`,
    '  kubectl get crd | grep kafka.strimzi.io    # kafkas, kafkanodepools, kafkatopics, ...',
    '',
    'Strimzi 1.x serves only kafka.strimzi.io/v1 and runs Kafka in KRaft mode: there is no',
    'ZooKeeper to install or verify.',
  ];
  const content = yamlValues(header, strimziValues(config));
  return [{ path: `${KAFKA_DIR}/strimzi-operator.yaml`, content }];
}

export function renderKafka(config: Config): RenderedFile[] {
  const k = config.kafka;
  const clusterHeader = [
    `Kafka cluster ${k.clusterName} (runbook T072-T075): KRaft, one node pool whose nodes are`,
    'both controller and broker, no ZooKeeper. Apply with',
    `  kubectl apply -n ${k.namespace} -f kafka-cluster.yaml`,
    `  kubectl -n ${k.namespace} wait kafka/${k.clusterName} --for=condition=Ready --timeout=15m`,
    `Clients connect to ${bootstrapAddress(config)} (plain) or port 9093 (TLS).`,
    '',
    'Consumer lag: Strimzi has no KafkaConsumerGroup resource, so `kubectl get',
    'kafkaconsumergroups` (runbook T151) cannot work. Kafka Exporter (spec.kafkaExporter)',
    'publishes kafka_consumergroup_lag per group, topic and partition; see consumer-lag.md.',
  ];
  const topicsHeader = [
    'KafkaTopics (runbook T076-T080); the Topic Operator creates them in Kafka.',
    `  kubectl apply -n ${k.namespace} -f topics.yaml`,
    `  kubectl -n ${k.namespace} get kafkatopics`,
  ];
  return [
    {
      path: `${KAFKA_DIR}/kafka-cluster.yaml`,
      content: yamlDocuments(clusterHeader, [
        metricsConfigMap(config),
        nodePool(config),
        kafkaCluster(config),
      ]),
    },
    { path: `${KAFKA_DIR}/topics.yaml`, content: yamlDocuments(topicsHeader, kafkaTopics(config)) },
    { path: `${KAFKA_DIR}/consumer-lag.md`, content: consumerLagDoc(config) },
  ];
}

function consumerLagDoc(config: Config): string {
  const k = config.kafka;
  const exporter = `${k.clusterName}-kafka-exporter`;
  const lines = [
    '# Kafka consumer lag',
    '',
    'The runbook (T151) checks lag with `kubectl get kafkaconsumergroups`. Strimzi has never had',
    'a KafkaConsumerGroup custom resource; consumer groups live inside Kafka only.',
    '',
    config.monitoring.kafkaExporter
      ? `Lag is published by Kafka Exporter, which the Kafka resource enables (Deployment ` +
        `\`${exporter}\`, metrics on port 9404):`
      : 'Kafka Exporter is disabled (monitoring.kafkaExporter: false); enable it to get lag ' +
        'metrics. With it enabled:',
    '',
    '```sh',
    `kubectl -n ${k.namespace} port-forward deployment/${exporter} 9404:9404 &`,
    'curl -s localhost:9404/metrics | grep kafka_consumergroup_lag',
    '```',
    '',
    '`kafka_consumergroup_lag{consumergroup,topic,partition}` is the per-partition lag and',
    '`kafka_consumergroup_lag_sum` the total per group and topic. Dapr names each group',
    `\`${config.dapr.consumerGroup}-<app id>\`, so each worker's backlog is visible on its own.`,
    '',
    'Without Prometheus, the broker can report the same from inside its pod:',
    '',
    '```sh',
    `kubectl -n ${k.namespace} exec ${k.clusterName}-kraft-0 -- \\`,
    '  /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 \\',
    '  --describe --all-groups',
    '```',
    '',
  ];
  return lines.join('\n');
}
