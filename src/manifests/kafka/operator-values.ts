// Values for the Strimzi cluster operator chart (strimzi-kafka-operator 1.2.0). Key names are
// the chart's own (values.yaml / values.schema.json): replicas, watchNamespaces,
// watchAnyNamespace, resources.
import type { Config } from '../../config/schema.js';

export function strimziValues(config: Config): Record<string, unknown> {
  return {
    replicas: 1,
    // An empty list means "the release namespace only", which is where the Kafka cluster
    // lives. Listing the release namespace itself makes the chart create duplicate RoleBindings.
    watchNamespaces: [],
    watchAnyNamespace: false,
    // The chart's own default is also 384Mi; the JVM sizes its heap from the limit.
    resources: config.kafka.operatorResources,
  };
}
