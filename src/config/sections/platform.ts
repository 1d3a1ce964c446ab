// The in-cluster platform: ingress controller, Strimzi/Kafka, Dapr, chart sources.
import { z } from 'zod';
import { chartSource, dnsLabel, resources, res, seconds } from './common.js';

export const charts = z
  .strictObject({
    /** F5 NGINX Ingress Controller (kubernetes/ingress-nginx is retired since March 2026). */
    ingress: chartSource.default({
      ref: 'oci://ghcr.io/nginx/charts/nginx-ingress',
      // 2.7.x: controller.allowEmptyIngressHost, needed for the host-less default Ingress.
      version: '2.7.2',
    }),
    /** The https://strimzi.io/charts/ repository is deprecated; the OCI chart is current. */
    strimzi: chartSource.default({
      ref: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator',
      version: '1.2.0',
    }),
    dapr: chartSource.default({
      ref: 'dapr',
      repo: 'https://dapr.github.io/helm-charts/',
      version: '1.18.3',
    }),
    /** OKE does not ship metrics-server; HPAs and `kubectl top` need it (chart 3.13.1 = 0.8.1). */
    metricsServer: chartSource.default({
      ref: 'metrics-server',
      repo: 'https://kubernetes-sigs.github.io/metrics-server/',
      version: '3.13.1',
    }),
  })
  .prefault({});

export const ingress = z.strictObject({
  /** The controller implementation; kept behind an interface so others can be added. */
  controller: z.enum(['f5-nginx']).default('f5-nginx'),
  namespace: dnsLabel.default('ingress'),
  className: dnsLabel.default('nginx'),
  /** Public host name; without one, the Ingress matches any host on the LB address. */
  host: z.string().optional(),
  tls: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** A kubernetes.io/tls Secret in the app namespace (see secrets/tls-secret.yaml.example). */
      secretName: dnsLabel.default('todo-tls'),
    })
    .prefault({}),
  /** OCI flexible LB inside Always Free: one 10 Mbps load balancer. */
  loadBalancer: z
    .strictObject({
      shape: z.literal('flexible').default('flexible'),
      minMbps: z.number().int().min(10).max(8000).default(10),
      maxMbps: z.number().int().min(10).max(8000).default(10),
    })
    .prefault({}),
  resources: resources.default(res('100m', '128Mi', '250m', '256Mi')),
});

export const topic = z.strictObject({
  name: dnsLabel,
  partitions: z.number().int().min(1).max(100),
  /** retention.ms; 7 days by default. */
  retentionMs: z.number().int().min(60_000).default(604_800_000),
});

export const kafka = z.strictObject({
  namespace: dnsLabel.default('kafka'),
  clusterName: dnsLabel.default('todo-kafka'),
  /**
   * A Kafka version the pinned Strimzi release supports (KRaft only). Strimzi 1.1 dropped
   * Kafka 4.1.x; 1.2.0 runs 4.2.x and 4.3.x and added 4.3.1.
   */
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .default('4.3.1'),
  replicas: z.number().int().min(1).max(3).default(1),
  /** Ephemeral by default: a persistent volume costs at least 50 GB of block storage on OKE. */
  storage: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('ephemeral'), sizeLimit: z.string().default('2Gi') }),
      z.strictObject({
        type: z.literal('persistent-claim'),
        size: z.string().default('50Gi'),
        storageClass: z.string().optional(),
      }),
    ])
    .default({ type: 'ephemeral', sizeLimit: '2Gi' }),
  resources: resources.default(res('250m', '1536Mi', '1', '1536Mi')),
  /** -Xms/-Xmx; kept well under the memory limit for page cache and off-heap. */
  jvmHeap: z
    .string()
    .regex(/^\d+[mg]$/)
    .default('768m'),
  operatorResources: resources.default(res('100m', '384Mi', '500m', '384Mi')),
  topics: z
    .array(topic)
    .min(1)
    .default([
      { name: 'task-events', partitions: 3, retentionMs: 604_800_000 },
      { name: 'reminders', partitions: 1, retentionMs: 604_800_000 },
      { name: 'task-updates', partitions: 3, retentionMs: 604_800_000 },
    ]),
  readyTimeoutSeconds: seconds.default(900),
});

export const dapr = z.strictObject({
  namespace: dnsLabel.default('dapr-system'),
  ha: z.boolean().default(false),
  /**
   * The scheduler keeps its data in a PVC by default. On OKE the smallest block volume is 50 GB,
   * a quarter of the Always Free 200 GB, so the free-tier default is in-memory storage
   * (scheduled jobs are lost when the scheduler restarts); choose `persistent` to keep them.
   */
  schedulerStorage: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('memory') }),
      z.strictObject({
        type: z.literal('persistent'),
        storageClass: z.string().default('oci-bv'),
        size: z.string().default('50Gi'),
      }),
    ])
    .default({ type: 'memory' }),
  pubsubName: dnsLabel.default('pubsub'),
  statestoreName: dnsLabel.default('statestore'),
  secretstoreName: dnsLabel.default('kubernetes'),
  /**
   * Prefix of the Kafka consumer groups: each app gets <prefix>-<app id> (Dapr's {appID}
   * template), so two workers subscribed to one topic both receive every event.
   */
  consumerGroup: z.string().default('todo-app'),
  /**
   * Kafka protocol version the pub/sub client (Sarama) speaks. Dapr's default, 2.0.0, predates
   * the 2.1 baseline Kafka 4 requires (KIP-896 removed older request versions); never set it
   * above the broker's version.
   */
  kafkaProtocolVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .default('3.9.0'),
  logAsJson: z.boolean().default(true),
  sidecar: resources.default(res('50m', '64Mi', '300m', '256Mi')),
  readyTimeoutSeconds: seconds.default(600),
});
