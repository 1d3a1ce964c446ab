// SIMULATOR — stands in for the Strimzi 1.2.0 cluster operator and its Topic Operator, which
// cannot run here (no container runtime, no Kafka). Built on the control-plane harness's
// generic hooks (startWatchLoop, setCondition from test/cluster/operator-simulator.ts).
//
// What it reproduces, in the namespace it watches and only while the operator Deployment
// (strimzi-cluster-operator, from the chart) is available — without an operator nothing
// reconciles, as on a real cluster:
//   Kafka: the checks Strimzi makes that the CRD schema cannot — KafkaNodePools labelled for
//     the cluster exist and together have the controller and broker roles, spec.kafka.version
//     is one this release supports, the metrics ConfigMap and key exist — and reports failures
//     as Strimzi does (NotReady=True with the exception name as reason). On success it creates
//     the <cluster>-kafka-bootstrap and <cluster>-kafka-brokers Services, writes the node
//     pools' status, then Ready=True for the current generation with status.listeners
//     (bootstrapServers per listener), clusterId, kafkaVersion and kafkaNodePools.
//   KafkaTopic (Topic Operator): topics labelled for a Ready cluster get Ready=True with
//     topicName/topicId, or Ready=False (KafkaError) when they ask for more replicas than the
//     cluster has brokers; topics of other clusters are left alone.
// What it does NOT reproduce: broker/entity-operator/exporter pods, certificates and their
// Secrets, rolling updates, real topic creation in Kafka, KafkaUser, and any timing beyond
// "reconciled soon after a change".
import { randomBytes } from 'node:crypto';
import { kubeClient, type KubeClient } from '../cluster/kube-client.ts';
import { setCondition, type ConditionSpec } from '../cluster/operator-simulator.ts';
import { startWatchLoop, type WatchLoop } from '../cluster/watch-loop.ts';

/** Kafka versions Strimzi 1.2.0 runs (1.1 dropped 4.1.x; 1.2.0 added 4.3.1). */
export const STRIMZI_1_2_KAFKA_VERSIONS = ['4.2.0', '4.2.1', '4.3.0', '4.3.1'];

export interface StrimziSimulatorOptions {
  kubeconfigPath: string;
  namespace: string;
  supportedVersions?: string[];
  /** Keeps every Kafka NotReady with this reason (for timeout tests). */
  stuck?: { reason: string; message: string };
  log?: (msg: string) => void;
}

export interface StrimziSimulator {
  /** "Kafka/name: Ready=True" lines, in the order they were written. */
  events: string[];
  stop(): Promise<void>;
}

const API = '/apis/kafka.strimzi.io/v1';

function cond(obj: any, type: string): any {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type);
}

function alreadyReported(obj: any, spec: ConditionSpec): boolean {
  const c = cond(obj, spec.type ?? 'Ready');
  const seen = c?.observedGeneration ?? obj?.status?.observedGeneration;
  return (
    !!c &&
    c.status === spec.status &&
    (c.reason ?? '') === (spec.reason ?? c.reason ?? '') &&
    seen === obj.metadata.generation
  );
}

async function ensure(client: KubeClient, path: string, body: object): Promise<void> {
  const res = await client.request('POST', path, body);
  if (res.status !== 201 && res.status !== 409) {
    throw new Error(`create ${path}: HTTP ${res.status} ${res.body?.message ?? ''}`);
  }
}

export async function startStrimziSimulator(
  opts: StrimziSimulatorOptions,
): Promise<StrimziSimulator> {
  const client = kubeClient(opts.kubeconfigPath);
  const ns = opts.namespace;
  const supported = opts.supportedVersions ?? STRIMZI_1_2_KAFKA_VERSIONS;
  const log = opts.log ?? (() => undefined);
  const events: string[] = [];

  const report = async (plural: string, obj: any, spec: ConditionSpec): Promise<void> => {
    if (alreadyReported(obj, spec)) return;
    await setCondition(
      opts.kubeconfigPath,
      { group: 'kafka.strimzi.io', version: 'v1', plural, namespace: ns, name: obj.metadata.name },
      spec,
    );
    // A failing condition replaces Ready (Strimzi reports either Ready or NotReady).
    const line =
      `${obj.kind}/${obj.metadata.name}: ${spec.type ?? 'Ready'}=${spec.status}` +
      (spec.reason ? ` (${spec.reason})` : '');
    events.push(line);
    log(line);
  };

  const operatorAvailable = async (): Promise<boolean> => {
    const res = await client.request(
      'GET',
      `/apis/apps/v1/namespaces/${ns}/deployments/strimzi-cluster-operator`,
    );
    return res.status === 200 && (res.body?.status?.availableReplicas ?? 0) > 0;
  };

  /** Why the cluster cannot be created, in Strimzi's terms, or undefined. */
  const problem = async (kafka: any, pools: any[]): Promise<[string, string] | undefined> => {
    const name = kafka.metadata.name;
    if (pools.length === 0) {
      return ['InvalidResourceException', `No KafkaNodePools found for Kafka cluster ${name}`];
    }
    const roles = new Set(pools.flatMap((p) => p.spec?.roles ?? []));
    for (const role of ['controller', 'broker']) {
      if (!roles.has(role)) {
        return [
          'InvalidResourceException',
          `The Kafka cluster ${name} has no node pool with the ${role} role`,
        ];
      }
    }
    const version = kafka.spec?.kafka?.version;
    if (version && !supported.includes(version)) {
      return [
        'UnsupportedKafkaVersionException',
        `Unsupported Kafka.spec.kafka.version: ` +
          `${version}. Supported versions are: [${supported.join(', ')}]`,
      ];
    }
    const ref = kafka.spec?.kafka?.metricsConfig?.valueFrom?.configMapKeyRef;
    if (ref) {
      const cm = await client.request('GET', `/api/v1/namespaces/${ns}/configmaps/${ref.name}`);
      if (cm.status !== 200 || typeof cm.body?.data?.[ref.key] !== 'string') {
        return [
          'InvalidConfigurationException',
          `ConfigMap ${ref.name} does not exist or ` +
            `does not contain the key ${ref.key} with the metrics configuration`,
        ];
      }
    }
    if (opts.stuck) return [opts.stuck.reason, opts.stuck.message];
    return undefined;
  };

  const createServices = async (kafka: any): Promise<void> => {
    const name = kafka.metadata.name;
    const listeners: any[] = kafka.spec?.kafka?.listeners ?? [];
    const ports = [
      { name: 'tcp-replication', port: 9091 },
      ...listeners.map((l) => ({ name: `tcp-${l.name}`, port: l.port })),
    ];
    const selector = {
      'strimzi.io/cluster': name,
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/broker-role': 'true',
    };
    const labels = { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'Kafka' };
    const owner = [
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        name,
        uid: kafka.metadata.uid,
        controller: false,
        blockOwnerDeletion: false,
      },
    ];
    const base = `/api/v1/namespaces/${ns}/services`;
    await ensure(client, base, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `${name}-kafka-bootstrap`,
        namespace: ns,
        labels,
        ownerReferences: owner,
      },
      spec: { type: 'ClusterIP', selector, ports },
    });
    await ensure(client, base, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `${name}-kafka-brokers`,
        namespace: ns,
        labels,
        ownerReferences: owner,
      },
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports },
    });
  };

  const writePoolStatus = async (pools: any[], clusterId: string): Promise<void> => {
    let next = 0;
    for (const pool of pools) {
      const replicas = pool.spec.replicas;
      const nodeIds = Array.from({ length: replicas }, () => next++);
      if (JSON.stringify(pool.status?.nodeIds) === JSON.stringify(nodeIds)) continue;
      await client.json(
        'PUT',
        `${API}/namespaces/${ns}/kafkanodepools/${pool.metadata.name}` + '/status',
        {
          ...pool,
          status: {
            observedGeneration: pool.metadata.generation,
            nodeIds,
            roles: pool.spec.roles,
            replicas,
            clusterId,
            labelSelector:
              `strimzi.io/cluster=${pool.metadata.labels['strimzi.io/cluster']},` +
              `strimzi.io/pool-name=${pool.metadata.name}`,
          },
        },
      );
    }
  };

  const reconcileKafka = async (kafka: any, pools: any[]): Promise<void> => {
    const mine = pools.filter(
      (p) => p.metadata.labels?.['strimzi.io/cluster'] === kafka.metadata.name,
    );
    const why = await problem(kafka, mine);
    if (why) {
      await report('kafkas', kafka, {
        type: 'NotReady',
        status: 'True',
        reason: why[0],
        message: why[1],
      });
      return;
    }
    await createServices(kafka);
    const clusterId = kafka.status?.clusterId ?? randomBytes(16).toString('base64url').slice(0, 22);
    await writePoolStatus(mine, clusterId);
    const name = kafka.metadata.name;
    const listeners = (kafka.spec.kafka.listeners ?? []).map((l: any) => ({
      name: l.name,
      addresses: [{ host: `${name}-kafka-bootstrap.${ns}.svc`, port: l.port }],
      bootstrapServers: `${name}-kafka-bootstrap.${ns}.svc:${l.port}`,
    }));
    // Strimzi reports Ready or NotReady, never both: the stale NotReady goes away.
    const fresh = await client.json('GET', `${API}/namespaces/${ns}/kafkas/${name}`);
    if (cond(fresh, 'NotReady')) {
      fresh.status.conditions = fresh.status.conditions.filter((c: any) => c.type !== 'NotReady');
      await client.json('PUT', `${API}/namespaces/${ns}/kafkas/${name}/status`, fresh);
    }
    await report('kafkas', fresh, {
      status: 'True',
      extraStatus: {
        listeners,
        clusterId,
        kafkaVersion: kafka.spec.kafka.version,
        kafkaNodePools: mine.map((p) => ({ name: p.metadata.name })),
        operatorLastSuccessfulVersion: '1.2.0',
      },
    });
  };

  const reconcileTopic = async (topic: any, kafkas: any[], pools: any[]): Promise<void> => {
    const cluster = topic.metadata.labels?.['strimzi.io/cluster'];
    const kafka = kafkas.find((k) => k.metadata.name === cluster);
    if (!kafka || cond(kafka, 'Ready')?.status !== 'True') return;
    const brokers = pools
      .filter(
        (p) =>
          p.metadata.labels?.['strimzi.io/cluster'] === cluster &&
          (p.spec.roles ?? []).includes('broker'),
      )
      .reduce((n, p) => n + p.spec.replicas, 0);
    const replicas = topic.spec?.replicas ?? 1;
    if (replicas > brokers) {
      await report('kafkatopics', topic, {
        status: 'False',
        reason: 'KafkaError',
        message:
          'org.apache.kafka.common.errors.InvalidReplicationFactorException: ' +
          `Replication factor: ${replicas} larger than available brokers: ${brokers}.`,
      });
      return;
    }
    await report('kafkatopics', topic, {
      status: 'True',
      extraStatus: {
        topicName: topic.spec?.topicName ?? topic.metadata.name,
        topicId: topic.status?.topicId ?? randomBytes(16).toString('base64url').slice(0, 22),
      },
    });
  };

  // Every change resyncs the whole namespace, one pass at a time: simple, and it covers the
  // cross-object dependencies (topics wait for their Kafka, Kafka for its pools).
  let pass = Promise.resolve();
  let pending = false;
  const resync = async (): Promise<void> => {
    if (!(await operatorAvailable())) return;
    const list = async (plural: string) =>
      (await client.json('GET', `${API}/namespaces/${ns}/${plural}`)).items ?? [];
    const pools = await list('kafkanodepools');
    for (const k of await list('kafkas')) {
      if (!k.metadata.deletionTimestamp) await reconcileKafka(k, pools);
    }
    const kafkas = await list('kafkas');
    for (const t of await list('kafkatopics')) {
      if (!t.metadata.deletionTimestamp) await reconcileTopic(t, kafkas, pools);
    }
  };
  const trigger = async (): Promise<void> => {
    if (pending) return;
    pending = true;
    pass = pass.then(async () => {
      pending = false;
      try {
        await resync();
      } catch (err) {
        log(`resync failed: ${String(err)}`);
      }
    });
    await pass;
  };

  const loops: WatchLoop[] = [
    `${API}/namespaces/${ns}/kafkas`,
    `${API}/namespaces/${ns}/kafkanodepools`,
    `${API}/namespaces/${ns}/kafkatopics`,
    `/apis/apps/v1/namespaces/${ns}/deployments?fieldSelector=metadata.name%3D` +
      'strimzi-cluster-operator',
    `/api/v1/namespaces/${ns}/configmaps`,
  ].map((path) => startWatchLoop(client, path, () => trigger(), log));
  await Promise.all(loops.map((l) => l.synced));
  return {
    events,
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
      await pass;
    },
  };
}
