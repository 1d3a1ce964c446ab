// The one KafkaNodePool: every node is both KRaft controller and broker, which is what a
// single-node Always Free cluster can afford. Resources and heap come from config; the heap is
// kept well under the memory limit because Kafka leans on the page cache and off-heap buffers.
import type { Config } from '../../config/schema.js';
import type { KubeObject } from '../../kube/types.js';
import { CLUSTER_LABEL, MANAGED_LABELS, NODE_POOL, STRIMZI_API } from './names.js';

export function nodePool(config: Config): KubeObject {
  const k = config.kafka;
  const storage =
    k.storage.type === 'ephemeral'
      ? { type: 'ephemeral', sizeLimit: k.storage.sizeLimit }
      : {
          type: 'persistent-claim',
          size: k.storage.size,
          ...(k.storage.storageClass ? { class: k.storage.storageClass } : {}),
          // Keep the data when the Kafka resource is deleted; a volume is removed on purpose.
          deleteClaim: false,
        };
  return {
    apiVersion: STRIMZI_API,
    kind: 'KafkaNodePool',
    metadata: {
      name: NODE_POOL,
      namespace: k.namespace,
      labels: { ...MANAGED_LABELS, [CLUSTER_LABEL]: k.clusterName },
    },
    spec: {
      replicas: k.replicas,
      roles: ['controller', 'broker'],
      storage,
      resources: k.resources,
      // Equal -Xms and -Xmx: the heap is committed up front, so an over-committed node fails
      // at start-up rather than later under load.
      jvmOptions: { '-Xms': k.jvmHeap, '-Xmx': k.jvmHeap },
    },
  };
}

/** Pod names Strimzi gives the pool's nodes (node ids start at 0 for the first pool). */
export function brokerPodNames(config: Config): string[] {
  return Array.from(
    { length: config.kafka.replicas },
    (_, i) => `${config.kafka.clusterName}-${NODE_POOL}-${i}`,
  );
}
