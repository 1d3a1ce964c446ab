// Phase workers (runbook T121–T140): the recurring, notification, audit and websocket workers
// (apps.workers) as Deployments with Dapr sidecars, and one dapr.io/v2alpha1 Subscription per
// (worker, topic) scoped to that worker. Then what can be proven:
//   - the pub/sub Component and every subscribed KafkaTopic exist (topics Ready) — otherwise
//     Dapr subscribes to nothing and says so only in daprd's log;
//   - every worker rolls out (watch-based waits, deadline announced);
//   - with Dapr installed, every worker pod runs the app plus daprd (T127, T139); pods created
//     while the injector was unavailable are restarted once (its webhook fails open);
//   - workers or topics removed from the config leave no Deployment or Subscription behind.
// Not proven here: that events are consumed (T128, T140). That needs a running daprd and Kafka;
// the rendered README gives the commands that prove it on the real cluster.
//
// No Service or Ingress: Dapr reaches the apps over the pod loopback; see the README's
// "Public WebSocket access" for why a /ws route belongs in the app Ingress, not here.
import type { Config } from '../config/schema.js';
import { TodoInfraError } from '../core/errors.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import type { Kube, KubeObject } from '../kube/types.js';
import { pullSecretFor, type RegistryOutputs } from '../manifests/apps/images.js';
import { deploymentReady } from '../manifests/kafka/checks.js';
import { renderWorkers, WORKERS_DIR } from '../manifests/workers/render.js';
import { ensureSidecars, rollout } from '../manifests/workers/rollout.js';
import { checkWorkers, workerSubscriptions } from '../manifests/workers/subscriptions.js';
import {
  podsWithoutSidecar,
  pruneWorkers,
  subscriptionDrift,
  wiringProblems,
  workerPods,
} from '../manifests/workers/verify.js';
import {
  enabledWorkers,
  workerDeployment,
  workerImage,
  workerServiceAccount,
} from '../manifests/workers/workload.js';
import { tasks } from './runbook.js';

export interface WorkersOutputs extends Outputs {
  namespace: string;
  image?: string;
  workers: Array<{ appId: string; replicas: number; topics: string[] }>;
  subscriptions: string[];
  pruned: string[];
  daprSidecars: boolean;
  /** What the phase could not prove, and where the real-cluster check is described. */
  notVerified: string[];
}

/** The objects the phase applies, in order; `registry` is the registry phase's outputs. */
export function workerObjects(config: Config, registry: RegistryOutputs | undefined): KubeObject[] {
  checkWorkers(config);
  const workers = enabledWorkers(config);
  if (workers.length === 0) return [];
  const image = workerImage(config, registry);
  const pullSecret = pullSecretFor(config, registry);
  const ownSa = config.hardening.serviceAccountPerWorkload;
  const out: KubeObject[] = [];
  for (const w of workers) {
    if (ownSa) out.push(workerServiceAccount(config, w));
    out.push(
      workerDeployment(config, w, {
        image,
        pullSecret,
        serviceAccount: ownSa ? w.appId : undefined,
      }),
    );
  }
  return [...out, ...workerSubscriptions(config)];
}

const registryOf = (ctx: Pick<PhaseContext, 'outputsOf'>) =>
  ctx.outputsOf<RegistryOutputs>('registry');
const daprActive = (ctx: Pick<PhaseContext, 'outputsOf'>) => ctx.outputsOf('dapr') !== undefined;
const running = (config: Config) => enabledWorkers(config).filter((w) => w.replicas > 0);
const topicsOf = (config: Config) => enabledWorkers(config).flatMap((w) => w.topics);

const CONSUMPTION_NOT_VERIFIED =
  'event consumption (T128, T140): needs a running daprd and ' +
  `Kafka; see ${WORKERS_DIR}/README.md for the real-cluster check`;

async function checkWiring(ctx: PhaseContext, kube: Kube): Promise<void> {
  const problems = await wiringProblems(kube, ctx.config, topicsOf(ctx.config));
  if (problems.length === 0) return;
  throw new TodoInfraError(
    'WORKERS_WIRING',
    'the workers would subscribe to something that does not exist',
    {
      phase: 'workers',
      source: 'environment',
      details: problems.map((p) => `${p.what} (${p.fix})`),
      hint:
        'Dapr would start the workers without error and deliver nothing; fix the named ' +
        'resources, then re-run `todo-infra phase workers`.',
    },
  );
}

export const workersPhase: Phase = {
  id: 'workers',
  title: 'Event workers and subscriptions',
  needs: ['apps', 'kafka', 'dapr'],
  runbook: tasks([121, 140]),

  inputs(ctx) {
    return { objects: workerObjects(ctx.config, registryOf(ctx)), dapr: daprActive(ctx) };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const { config } = ctx;
    const items: PlanItem[] = workerObjects(config, registryOf(ctx)).map((o) => ({
      action: 'apply',
      what: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
    }));
    items.push({
      action: 'check',
      what:
        `pub/sub Component ${config.dapr.pubsubName} and ` +
        `KafkaTopics ${[...new Set(topicsOf(config))].join(', ')}`,
    });
    items.push({
      action: 'delete',
      what: 'worker Deployments and Subscriptions no longer in ' + 'the config',
    });
    items.push({
      action: 'wait',
      what: `rollouts of ${
        running(config)
          .map((w) => w.appId)
          .join(', ') || 'no worker'
      }`,
    });
    items.push({
      action: 'check',
      what: daprActive(ctx)
        ? 'every worker pod runs daprd'
        : 'Dapr sidecars (once the dapr phase has run)',
    });
    return items;
  },

  async run(ctx): Promise<WorkersOutputs> {
    const { config } = ctx;
    const objects = workerObjects(config, registryOf(ctx));
    const kube = await ctx.kube();

    ctx.step('check the pub/sub Component and Kafka topics');
    await checkWiring(ctx, kube);

    ctx.step('apply worker manifests');
    const results = await kube.apply(objects);
    for (const r of results) ctx.log.verbose(`${r.ref.kind} ${r.ref.name}: ${r.action}`);
    const changed = results.filter((r) => r.action !== 'unchanged').length;
    ctx.log.info(`${results.length} objects applied (${changed} created or changed)`);
    const pruned = await pruneWorkers(kube, config, objects);
    if (pruned.length > 0) ctx.log.info(`removed (no longer configured): ${pruned.join(', ')}`);

    for (const w of running(config)) {
      ctx.step(`rollout of ${w.appId}`);
      await rollout(ctx, kube, w);
    }
    const dapr = daprActive(ctx);
    if (dapr) {
      ctx.step('check Dapr sidecars');
      for (const w of running(config)) await ensureSidecars(ctx, kube, w);
    }
    const notVerified = [CONSUMPTION_NOT_VERIFIED];
    if (!dapr) notVerified.unshift('Dapr sidecars: the dapr phase has not recorded a run');
    for (const n of notVerified) ctx.log.info(`not verified here — ${n}`);

    const workers = enabledWorkers(config);
    return {
      namespace: config.apps.namespace,
      ...(workers.length > 0 ? { image: workerImage(config, registryOf(ctx)) } : {}),
      workers: workers.map((w) => ({ appId: w.appId, replicas: w.replicas, topics: w.topics })),
      subscriptions: workerSubscriptions(config).map((s) => s.metadata.name),
      pruned,
      daprSidecars: dapr,
      notVerified,
    };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    return checkWorkersState(ctx);
  },

  render(config: Config) {
    return renderWorkers(config, workerObjects(renderable(config), undefined));
  },
};

/** The checkpoint: reads what the API server says now, never waits. */
async function checkWorkersState(ctx: PhaseContext): Promise<CheckResult> {
  const { config } = ctx;
  const ns = config.apps.namespace;
  const kube = await ctx.kube();
  const dapr = daprActive(ctx);
  for (const w of enabledWorkers(config)) {
    const dep = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: w.appId,
      namespace: ns,
    });
    if (!dep) return { ok: false, detail: `Deployment ${ns}/${w.appId} is missing` };
    if (w.replicas === 0) continue;
    if (!deploymentReady(dep)) {
      return { ok: false, detail: `Deployment ${ns}/${w.appId} is not rolled out` };
    }
    if (dapr) {
      const bad = podsWithoutSidecar(await workerPods(kube, config, w.appId));
      if (bad.length > 0) {
        return { ok: false, detail: `${w.appId} pods without the Dapr sidecar: ${bad.join('; ')}` };
      }
    }
  }
  const subs = workerSubscriptions(config);
  for (const s of subs) {
    const live = await kube.get({
      apiVersion: s.apiVersion,
      kind: s.kind,
      name: s.metadata.name,
      namespace: ns,
    });
    const drift = subscriptionDrift(s, live);
    if (drift) return { ok: false, detail: `Subscription ${ns}/${s.metadata.name}: ${drift}` };
  }
  const problems = await wiringProblems(kube, config, topicsOf(config));
  if (problems.length > 0) return { ok: false, detail: problems.map((p) => p.what).join('; ') };
  const verified = [
    `${running(config).length} worker(s) rolled out`,
    dapr ? 'each worker pod runs the app plus daprd' : '',
    `${subs.length} Subscription(s) as configured`,
    `pub/sub Component ${config.dapr.pubsubName} and topics present`,
  ].filter((s) => s !== '');
  const unverified = [
    dapr ? '' : 'Dapr sidecars (the dapr phase has not recorded a run)',
    CONSUMPTION_NOT_VERIFIED,
  ].filter((s) => s !== '');
  return { ok: true, detail: `${verified.join('; ')}. Not verified: ${unverified.join('; ')}` };
}

/** Without a registry in the config, rendered images name placeholders the user replaces. */
function renderable(config: Config): Config {
  const r = config.registry;
  return {
    ...config,
    registry: {
      ...r,
      host: r.host ?? 'REGISTRY_HOST',
      namespace: r.namespace ?? 'REGISTRY_NAMESPACE',
    },
  };
}
