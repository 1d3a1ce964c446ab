// The Kafka and Dapr objects the strimzi/kafka/dapr phases build, checked for what the CRD
// schemas cannot say (the API-server validation is in kafka-crds.test.ts): KRaft shape,
// single-broker replication, sizes inside the kafka namespace quota, Dapr wiring and the
// rendered runbook files.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { daprAppObjects, daprPhase } from '../../src/phases/dapr.js';
import { kafkaObjects, kafkaPhase } from '../../src/phases/kafka.js';
import { strimziPhase } from '../../src/phases/strimzi.js';
import { jmxRules, metricsConfigText } from '../../src/manifests/kafka/metrics-configmap.js';
import { bootstrapAddress, kafkaImage, probeTopic } from '../../src/manifests/kafka/names.js';
import { brokerPodNames } from '../../src/manifests/kafka/node-pool.js';
import { newRoundTrip, roundTripJob } from '../../src/manifests/kafka/roundtrip-job.js';
import { kafkaTopics } from '../../src/manifests/kafka/topics.js';
import { pubsubComponent, stateStoreComponent } from '../../src/manifests/dapr/components.js';
import { daprValues, daprValuesProblem } from '../../src/manifests/dapr/values.js';
import { parseBrokerAddress, runningContainers } from '../../src/manifests/dapr/verify.js';
import { subscription } from '../../src/manifests/dapr/subscription.js';

const config = (input: ConfigInput = {}) => configSchema.parse(input);
const byKind = (objs: { kind: string }[], kind: string) => objs.filter((o) => o.kind === kind);
const meta = (c: { spec: unknown }) =>
  Object.fromEntries(
    (c.spec as { metadata: { name: string; value?: string }[] }).metadata.map((m) => [
      m.name,
      m.value ?? m,
    ]),
  );

describe('Kafka (kafka.strimzi.io/v1, KRaft)', () => {
  const c = config();
  const [cm, pool, kafka] = kafkaObjects(c) as [any, any, any];

  it('uses only the v1 API and no ZooKeeper or KRaft/node-pool annotations', () => {
    for (const o of [pool, kafka, ...kafkaTopics(c)]) {
      expect(o.apiVersion).toBe('kafka.strimzi.io/v1');
    }
    expect(kafka.spec.zookeeper).toBeUndefined();
    expect(kafka.metadata.annotations).toBeUndefined();
    expect(kafka.spec.kafka.replicas).toBeUndefined();
    expect(kafka.spec.kafka.storage).toBeUndefined();
  });

  it('has one node pool that is controller and broker, sized from config', () => {
    expect(pool.kind).toBe('KafkaNodePool');
    expect(pool.metadata.labels['strimzi.io/cluster']).toBe('todo-kafka');
    expect(pool.spec).toMatchObject({
      replicas: 1,
      roles: ['controller', 'broker'],
      storage: { type: 'ephemeral', sizeLimit: '2Gi' },
      resources: c.kafka.resources,
      jvmOptions: { '-Xms': '768m', '-Xmx': '768m' },
    });
    expect(brokerPodNames(c)).toEqual(['todo-kafka-kraft-0']);
  });

  it('runs the pinned Kafka version with plain 9092 and TLS 9093 internal listeners', () => {
    expect(kafka.spec.kafka.version).toBe('4.3.1');
    expect(kafka.spec.kafka.listeners).toEqual([
      { name: 'plain', port: 9092, type: 'internal', tls: false },
      { name: 'tls', port: 9093, type: 'internal', tls: true },
    ]);
    expect(bootstrapAddress(c)).toBe('todo-kafka-kafka-bootstrap.kafka.svc:9092');
    expect(kafkaImage(c)).toBe('quay.io/strimzi/kafka:1.2.0-kafka-4.3.1');
  });

  it('sets replication a single broker can satisfy, and scales it with replicas', () => {
    expect(kafka.spec.kafka.config).toMatchObject({
      'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'default.replication.factor': 1,
      'min.insync.replicas': 1,
    });
    const three = kafkaObjects(config({ kafka: { replicas: 3 } }))[2] as any;
    expect(three.spec.kafka.config).toMatchObject({
      'offsets.topic.replication.factor': 3,
      'min.insync.replicas': 2,
    });
  });

  it('wires JMX metrics through the config map and Kafka Exporter for consumer lag', () => {
    const ref = kafka.spec.kafka.metricsConfig;
    expect(ref.type).toBe('jmxPrometheusExporter');
    expect(ref.valueFrom.configMapKeyRef).toEqual({
      name: cm.metadata.name,
      key: Object.keys(cm.data)[0],
    });
    expect(kafka.spec.kafkaExporter).toMatchObject({ groupRegex: '.*', topicRegex: '.*' });
    expect(kafka.spec.entityOperator.topicOperator).toBeDefined();
    expect(kafka.spec.entityOperator.userOperator).toBeDefined();
    const off = kafkaObjects(config({ monitoring: { kafkaExporter: false } }))[2] as any;
    expect(off.spec.kafkaExporter).toBeUndefined();
  });

  it('has JMX exporter rules whose patterns compile and whose names are valid metric names', () => {
    const parsed = parseYaml(metricsConfigText());
    expect(parsed.lowercaseOutputName).toBe(true);
    const rules = jmxRules();
    expect(parsed.rules).toEqual(rules);
    expect(rules.length).toBeGreaterThanOrEqual(7);
    const sample: Record<string, string> = {
      'kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec, topic=task-events><>Count':
        'kafka_server_topic_MessagesIn_total',
      'kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value':
        'kafka_server_replicamanager_UnderReplicatedPartitions',
      'kafka.log<type=Log, name=Size, topic=reminders, partition=0><>Value': 'kafka_log_size_bytes',
    };
    for (const [bean, want] of Object.entries(sample)) {
      const rule = rules.find((r) => new RegExp(`^${r.pattern}$`).test(bean));
      expect(rule, bean).toBeDefined();
      const m = new RegExp(`^${rule!.pattern}$`).exec(bean)!;
      const name = rule!.name.replace(/\$(\d)/g, (_, i) => m[Number(i)] ?? '');
      expect(name).toBe(want);
      expect(name.replace(/[^a-zA-Z0-9_:]/g, '_')).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    }
  });

  it('declares the three topics with their partitions and configured retention', () => {
    const topics = kafkaTopics(
      config({
        kafka: {
          topics: [
            { name: 'task-events', partitions: 3, retentionMs: 86_400_000 },
            { name: 'reminders', partitions: 1 },
            { name: 'task-updates', partitions: 3 },
          ],
        },
      }),
    );
    expect(
      topics.map((t: any) => [
        t.metadata.name,
        t.spec.partitions,
        t.spec.replicas,
        t.spec.config['retention.ms'],
      ]),
    ).toEqual([
      ['task-events', 3, 1, 86_400_000],
      ['reminders', 1, 1, 604_800_000],
      ['task-updates', 3, 1, 604_800_000],
    ]);
    expect(topics.every((t: any) => t.metadata.labels['strimzi.io/cluster'] === 'todo-kafka')).toBe(
      true,
    );
  });

  it('fits the kafka namespace quota (requests 500m, limits 2 CPU / 4Gi) with a probe Job', () => {
    const cpu = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const mem = (q: string) =>
      Number(q.replace('Mi', '').replace('Gi', '')) * (q.endsWith('Gi') ? 1024 : 1);
    const job = roundTripJob(c, newRoundTrip('task-events')) as any;
    const res = [
      pool.spec.resources,
      c.kafka.operatorResources,
      kafka.spec.entityOperator.topicOperator.resources,
      kafka.spec.entityOperator.userOperator.resources,
      kafka.spec.kafkaExporter.resources,
      job.spec.template.spec.containers[0].resources,
    ];
    const q = c.apps.quotas.kafka;
    expect(res.reduce((n, r) => n + cpu(r.requests.cpu), 0)).toBeLessThanOrEqual(
      cpu(q.requests.cpu),
    );
    expect(res.reduce((n, r) => n + cpu(r.limits.cpu), 0)).toBeLessThanOrEqual(cpu(q.limits.cpu));
    expect(res.reduce((n, r) => n + mem(r.limits.memory), 0)).toBeLessThanOrEqual(
      mem(q.limits.memory),
    );
  });
});

describe('round-trip Job', () => {
  const c = config();
  it('produces then consumes a unique message on task-events with the broker image', () => {
    const a = newRoundTrip(probeTopic(c));
    const b = newRoundTrip(probeTopic(c));
    expect(a.message).not.toBe(b.message);
    const job = roundTripJob(c, a) as any;
    expect(job.metadata.name).toMatch(/^kafka-roundtrip-[0-9a-f]{8}$/);
    expect(job.spec.backoffLimit).toBe(0);
    const ctr = job.spec.template.spec.containers[0];
    expect(ctr.image).toBe(kafkaImage(c));
    const env = Object.fromEntries(ctr.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      MODE: 'roundtrip',
      TOPIC: 'task-events',
      MESSAGE: a.message,
      BOOTSTRAP: 'todo-kafka-kafka-bootstrap:9092',
    });
    expect(ctr.command.join(' ')).toContain('kafka-console-producer.sh');
    expect(ctr.command.join(' ')).toContain('kafka-console-consumer.sh');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('falls back to the first topic when task-events is not configured', () => {
    expect(
      probeTopic(
        config({ kafka: { topics: [{ name: 'orders', partitions: 1 }] }, apps: { workers: [] } }),
      ),
    ).toBe('orders');
  });
});

describe('Dapr', () => {
  const c = config();

  it('points the Kafka pub/sub at the Strimzi bootstrap Service with a Kafka-4 protocol', () => {
    const m = meta(pubsubComponent(c));
    expect((pubsubComponent(c).spec as any).type).toBe('pubsub.kafka');
    expect(m.brokers).toBe(bootstrapAddress(c));
    expect(parseBrokerAddress(m.brokers as string)).toEqual({
      service: 'todo-kafka-kafka-bootstrap',
      namespace: 'kafka',
    });
    expect(m.authType).toBe('none');
    expect(m.version).toBe('3.9.0');
    const [major, minor] = (m.version as string).split('.').map(Number);
    expect(major! > 2 || (major === 2 && minor! >= 1)).toBe(true);
    // One group per app, so two workers on task-events each see every event.
    expect(m.consumerGroup).toBe('todo-app-{appID}');
  });

  it('takes the state store connection string from db-credentials via the secret store', () => {
    const s = stateStoreComponent(c) as any;
    expect(s.spec).toMatchObject({ type: 'state.postgresql', version: 'v2' });
    expect(s.spec.metadata[0]).toEqual({
      name: 'connectionString',
      secretKeyRef: { name: 'db-credentials', key: 'connection-string' },
    });
    expect(s.auth).toEqual({ secretStore: 'kubernetes' });
    expect(JSON.stringify(daprAppObjects(c))).not.toMatch(/postgres(ql)?:\/\//);
  });

  it('puts a timeout, exponential retry and circuit breaker on the pub/sub both ways', () => {
    const r = byKind(daprAppObjects(c), 'Resiliency')[0] as any;
    const t = r.spec.targets.components.pubsub;
    for (const dir of ['inbound', 'outbound']) {
      expect(r.spec.policies.timeouts[t[dir].timeout]).toBe('10s');
      expect(r.spec.policies.retries[t[dir].retry].policy).toBe('exponential');
      expect(r.spec.policies.circuitBreakers[t[dir].circuitBreaker].trip).toMatch(/consecutive/);
    }
  });

  it('installs with HA off, scheduler on and in-memory scheduler storage by default', () => {
    const v = daprValues(c) as any;
    expect(v.global).toMatchObject({
      ha: { enabled: false },
      scheduler: { enabled: true },
      logAsJson: true,
    });
    expect(v.dapr_scheduler.cluster).toEqual({ inMemoryStorage: true });
    expect(v.dapr_sidecar_injector.sidecarDropALLCapabilities).toBe(true);
    const pv = daprValues(config({ dapr: { schedulerStorage: { type: 'persistent' } } })) as any;
    expect(pv.dapr_scheduler.cluster).toEqual({
      inMemoryStorage: false,
      storageClassName: 'oci-bv',
      storageSize: '50Gi',
    });
    expect(daprValuesProblem(c)).toBeUndefined();
    expect(daprValuesProblem(config({ dapr: { ha: true } }))?.[0]).toBe('dapr.schedulerStorage');
  });

  it('refuses HA with in-memory scheduler storage before touching anything', async () => {
    const bad = config({ dapr: { ha: true } });
    await expect(daprPhase.plan({ config: bad } as any)).rejects.toMatchObject({
      code: 'DAPR_CONFIG',
      exitCode: 2,
    });
  });

  it('counts native sidecars as containers when checking for daprd', () => {
    const pod = {
      spec: {
        containers: [{ name: 'backend' }],
        initContainers: [{ name: 'init' }, { name: 'daprd', restartPolicy: 'Always' }],
      },
    } as any;
    expect(runningContainers(pod)).toEqual(['backend', 'daprd']);
  });

  it('builds v2alpha1 Subscriptions for the workers phase', () => {
    const s = subscription(c, {
      name: 'audit-task-events',
      topic: 'task-events',
      route: '/events',
      scopes: ['audit-worker'],
    }) as any;
    expect(s.apiVersion).toBe('dapr.io/v2alpha1');
    expect(s.spec).toEqual({
      pubsubname: 'pubsub',
      topic: 'task-events',
      routes: { default: '/events' },
    });
  });
});

describe('render (runbook layout)', () => {
  const c = config();
  const files = [...strimziPhase.render!(c), ...kafkaPhase.render!(c), ...daprPhase.render!(c)];

  it('writes every file the runbook names', () => {
    expect(files.map((f) => f.path).sort()).toEqual([
      'infrastructure/k8s/dapr/components/pubsub-kafka.yaml',
      'infrastructure/k8s/dapr/components/resiliency.yaml',
      'infrastructure/k8s/dapr/components/secretstore-k8s.yaml',
      'infrastructure/k8s/dapr/components/statestore-postgres.yaml',
      'infrastructure/k8s/dapr/dapr-values.yaml',
      'infrastructure/k8s/kafka/consumer-lag.md',
      'infrastructure/k8s/kafka/kafka-cluster.yaml',
      'infrastructure/k8s/kafka/strimzi-operator.yaml',
      'infrastructure/k8s/kafka/topics.yaml',
    ]);
  });

  it('renders parseable YAML equal to what the phases apply, deterministically', () => {
    const cluster = files.find((f) => f.path.endsWith('kafka-cluster.yaml'))!;
    const docs = parseAllDocuments(cluster.content)
      .map((d) => d.toJS())
      .filter(Boolean);
    expect(docs).toEqual(JSON.parse(JSON.stringify(kafkaObjects(c))));
    const again = [...strimziPhase.render!(c), ...kafkaPhase.render!(c), ...daprPhase.render!(c)];
    expect(again).toEqual(files);
    for (const f of files.filter((x) => x.path.endsWith('.yaml'))) {
      expect(() =>
        parseAllDocuments(f.content).forEach((d) => {
          if (d.errors.length > 0) throw d.errors[0];
        }),
      ).not.toThrow();
    }
  });

  it('says where the runbook expects a KafkaConsumerGroup that there is none (T151)', () => {
    const doc = files.find((f) => f.path.endsWith('consumer-lag.md'))!.content;
    expect(doc).toMatch(/no KafkaConsumerGroup|never had\s+a KafkaConsumerGroup/);
    expect(doc).toContain('kafka_consumergroup_lag');
    const cluster = files.find((f) => f.path.endsWith('kafka-cluster.yaml'))!.content;
    expect(cluster).toContain('Strimzi has no KafkaConsumerGroup resource');
  });

  it('explains the scheduler storage choice and contains no secret values', () => {
    const values = files.find((f) => f.path.endsWith('dapr-values.yaml'))!.content;
    expect(values).toMatch(/50 GB/);
    expect(values).toMatch(/in memory/i);
    for (const f of files) expect(f.content).not.toMatch(/password|postgres(ql)?:\/\//i);
  });
});
