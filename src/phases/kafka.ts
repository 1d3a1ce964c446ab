// Phase kafka (runbook T072–T084): a KRaft Kafka cluster with one dual-role node pool, its
// metrics config map and topics, all kafka.strimzi.io/v1 — then proof that it works: the
// Kafka and every KafkaTopic report Ready=True for their current generation (watch-based
// waits), and a short-lived Job round-trips a unique record through task-events with Strimzi's
// own console clients. The Job is deleted afterwards whatever the outcome; when it fails, the
// error carries its log.
import type { Config } from '../config/schema.js';
import { ExitCode, TodoInfraError, isTodoInfraError } from '../core/errors.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import type { Kube, KubeObject, ObjectRef } from '../kube/types.js';
import { describeConditions, isCurrentlyTrue } from '../manifests/kafka/checks.js';
import { kafkaCluster } from '../manifests/kafka/kafka.js';
import { metricsConfigMap } from '../manifests/kafka/metrics-configmap.js';
import {
  STRIMZI_API,
  bootstrapAddress,
  bootstrapService,
  kafkaImage,
  probeTopic,
} from '../manifests/kafka/names.js';
import { nodePool } from '../manifests/kafka/node-pool.js';
import { renderKafka } from '../manifests/kafka/render.js';
import { newRoundTrip, roundTripJob, roundTripJobName } from '../manifests/kafka/roundtrip-job.js';
import { kafkaTopics } from '../manifests/kafka/topics.js';
import { tasks } from './runbook.js';

export interface KafkaOutputs extends Outputs {
  namespace: string;
  cluster: string;
  kafkaVersion: string;
  /** host:port of the plain listener, for clients in other namespaces. */
  bootstrap: string;
  topics: string[];
  roundTrip: { topic: string; job: string };
}

const ms = (config: Config) => config.kafka.readyTimeoutSeconds * 1000;

function kafkaRef(config: Config): ObjectRef {
  const k = config.kafka;
  return { apiVersion: STRIMZI_API, kind: 'Kafka', name: k.clusterName, namespace: k.namespace };
}

function topicRef(config: Config, name: string): ObjectRef {
  return { apiVersion: STRIMZI_API, kind: 'KafkaTopic', name, namespace: config.kafka.namespace };
}

/** Waits for Ready=True; a timeout names every condition the operator last reported. */
async function waitReady(
  ctx: PhaseContext,
  kube: Kube,
  ref: ObjectRef,
  hint: (last: KubeObject | undefined) => string,
) {
  const timeoutMs = ms(ctx.config);
  const what = `${ref.kind} ${ref.namespace}/${ref.name}`;
  ctx.waiting(`${what} to report Ready`, new Date(Date.now() + timeoutMs));
  try {
    return await kube.waitForCondition(
      ref,
      { type: 'Ready', status: 'True' },
      {
        timeoutMs,
        signal: ctx.signal,
        onProgress: (s) => ctx.log.verbose(`${what}: ${s}`),
      },
    );
  } catch (err) {
    if (!isTodoInfraError(err) || err.exitCode !== ExitCode.timeout) throw err;
    const last = await kube.get(ref).catch(() => undefined);
    const message = `${err.message}; last conditions: ${describeConditions(last)}`;
    throw new TodoInfraError(err.code, message, {
      phase: 'kafka',
      cause: err,
      source: err.source,
      exitCode: err.exitCode,
      details: err.details,
      hint: hint(last),
    });
  }
}

/** The fix for a Kafka that did not become Ready, from what the operator last said. */
export function kafkaHint(config: Config, last: KubeObject | undefined): string {
  const ns = config.kafka.namespace;
  const said = describeConditions(last);
  if (/UnsupportedKafkaVersion/.test(said)) {
    return (
      `Set kafka.version to a version Strimzi ${config.charts.strimzi.version} supports ` +
      '(listed in the condition above) and re-run.'
    );
  }
  if (!last || said === 'no conditions reported') {
    return (
      `No operator has reconciled it: check \`kubectl -n ${ns} get deploy ` +
      'strimzi-cluster-operator` (run `todo-infra phase strimzi` first).'
    );
  }
  return (
    `See \`kubectl -n ${ns} get pods\` and the operator log (\`kubectl -n ${ns} logs ` +
    'deploy/strimzi-cluster-operator`); a broker that stays Pending usually needs a smaller ' +
    'kafka.resources, one that restarts a larger memory limit than kafka.jvmHeap.'
  );
}

async function roundTrip(ctx: PhaseContext, kube: Kube): Promise<{ topic: string; job: string }> {
  const { config } = ctx;
  const spec = newRoundTrip(probeTopic(config));
  const job = roundTripJob(config, spec);
  const name = roundTripJobName(spec);
  const ns = config.kafka.namespace;
  ctx.step(`round trip through ${spec.topic} (Job ${name})`);
  await kube.apply([job]);
  try {
    const timeoutMs = ms(config);
    ctx.waiting(`Job ${ns}/${name}`, new Date(Date.now() + timeoutMs));
    await kube.waitForJob(ns, name, { timeoutMs, signal: ctx.signal });
    ctx.log.info(`a test record went through ${spec.topic} and came back (Job ${name})`);
  } finally {
    await kube
      .delete({ apiVersion: 'batch/v1', kind: 'Job', name, namespace: ns })
      .catch((e: unknown) => ctx.log.warn(`could not delete Job ${ns}/${name}: ${String(e)}`));
  }
  return { topic: spec.topic, job: name };
}

export function kafkaObjects(config: Config): KubeObject[] {
  return [metricsConfigMap(config), nodePool(config), kafkaCluster(config)];
}

export const kafkaPhase: Phase = {
  id: 'kafka',
  title: 'Kafka cluster and topics',
  needs: ['strimzi'],
  runbook: tasks([72, 84]),

  inputs(ctx) {
    const { config } = ctx;
    return {
      objects: kafkaObjects(config),
      topics: kafkaTopics(config),
      probeImage: kafkaImage(config),
    };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const { config } = ctx;
    const k = config.kafka;
    const topics = k.topics.map((t) => `${t.name} (${t.partitions})`).join(', ');
    return [
      {
        action: 'apply',
        what: `Kafka ${k.namespace}/${k.clusterName} (KRaft, ${k.version}), node pool, metrics`,
        detail: `${k.replicas} node(s), ${k.storage.type} storage, heap ${k.jvmHeap}`,
      },
      {
        action: 'wait',
        what: `Kafka ${k.clusterName} Ready`,
        detail: `up to ${k.readyTimeoutSeconds} s`,
      },
      { action: 'apply', what: `KafkaTopics ${topics}` },
      { action: 'wait', what: 'every KafkaTopic Ready' },
      {
        action: 'run',
        what: `round-trip Job on ${probeTopic(config)}`,
        detail: kafkaImage(config),
      },
      { action: 'delete', what: 'the round-trip Job' },
    ];
  },

  async run(ctx): Promise<KafkaOutputs> {
    const { config } = ctx;
    const k = config.kafka;
    const kube = await ctx.kube();

    ctx.step(`Kafka ${k.clusterName}`);
    const applied = await kube.apply(kafkaObjects(config));
    for (const r of applied) ctx.log.verbose(`${r.ref.kind} ${r.ref.name}: ${r.action}`);
    await waitReady(ctx, kube, kafkaRef(config), (last) => kafkaHint(config, last));

    // Clients (Dapr's brokers metadata) use this Service; the operator creates it with the
    // cluster, so its absence after Ready means something is wrong with the operator.
    const svc = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: bootstrapService(config),
      namespace: k.namespace,
    });
    if (!svc) {
      throw new TodoInfraError(
        'KAFKA_NO_BOOTSTRAP',
        `Kafka ${k.clusterName} is Ready but Service ${k.namespace}/${bootstrapService(config)} ` +
          'does not exist',
        {
          phase: 'kafka',
          source: 'environment',
          hint: 'Check the Strimzi operator log; re-run `todo-infra phase kafka` once it is fixed.',
        },
      );
    }

    ctx.step('KafkaTopics');
    await kube.apply(kafkaTopics(config));
    for (const t of k.topics) {
      await waitReady(
        ctx,
        kube,
        topicRef(config, t.name),
        () =>
          'The Topic Operator (entity operator pod) reconciles topics; see its log for the ' +
          'reason, e.g. more replicas or partitions than the cluster allows.',
      );
    }

    const probe = await roundTrip(ctx, kube);
    return {
      namespace: k.namespace,
      cluster: k.clusterName,
      kafkaVersion: k.version,
      bootstrap: bootstrapAddress(config),
      topics: k.topics.map((t) => t.name),
      roundTrip: probe,
    };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const { config } = ctx;
    const k = config.kafka;
    const kube = await ctx.kube();
    const kafka = await kube.get(kafkaRef(config));
    if (!isCurrentlyTrue(kafka, 'Ready')) {
      return { ok: false, detail: `Kafka ${k.clusterName}: ${describeConditions(kafka)}` };
    }
    const notReady: string[] = [];
    for (const t of k.topics) {
      const topic = await kube.get(topicRef(config, t.name));
      if (!isCurrentlyTrue(topic, 'Ready')) notReady.push(t.name);
    }
    if (notReady.length > 0) {
      return { ok: false, detail: `KafkaTopics not Ready: ${notReady.join(', ')}` };
    }
    const svc = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: bootstrapService(config),
      namespace: k.namespace,
    });
    if (!svc) return { ok: false, detail: `Service ${bootstrapService(config)} is missing` };
    return {
      ok: true,
      detail:
        `Kafka ${k.clusterName} Ready at ${bootstrapAddress(config)}; ` +
        `${k.topics.length} topics Ready`,
    };
  },

  render(config: Config) {
    return renderKafka(config);
  },
};
