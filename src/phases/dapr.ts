// Phase dapr (runbook T085–T101): the Dapr control plane from the dapr/dapr chart (HA off,
// scheduler on, scheduler storage per dapr.schedulerStorage), then in the app namespace the
// Kafka pub/sub, PostgreSQL v2 state store, Kubernetes secret store, app Configuration and
// Resiliency. Then what can be proven:
//   - every control-plane Deployment available and StatefulSet pod Ready (watch-based waits);
//   - the components' wiring: brokers name the Strimzi bootstrap Service, the state store's
//     secretKeyRef an existing Secret and key (warnings while kafka/base have not run yet);
//   - if the backend runs: daprd in every pod (restarting it once if its pods predate Dapr),
//     and a test event published through its sidecar arriving on task-events.
// Restarting the other app Deployments is the apps phase's job (it runs them all).
import { helmStatus, helmUpgradeInstall } from '../adapters/helm.js';
import type { Config } from '../config/schema.js';
import { usageError } from '../core/errors.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import type { Kube, KubeObject } from '../kube/types.js';
import { deploymentReady, podReady } from '../manifests/kafka/checks.js';
import { probeTopic } from '../manifests/kafka/names.js';
import {
  appConfiguration,
  pubsubComponent,
  secretStoreComponent,
  stateStoreComponent,
} from '../manifests/dapr/components.js';
import { provePublish, type PublishProof } from '../manifests/dapr/publish.js';
import { renderDapr } from '../manifests/dapr/render.js';
import { resiliency } from '../manifests/dapr/resiliency.js';
import {
  DAPR_DEPLOYMENTS,
  DAPR_RELEASE,
  DAPR_STATEFULSETS,
  daprValues,
  daprValuesProblem,
  statefulSetPods,
} from '../manifests/dapr/values.js';
import {
  checkWiring,
  ensureBackendSidecar,
  type SidecarOutcome,
  type WiringReport,
} from '../manifests/dapr/verify.js';
import { tasks } from './runbook.js';

export interface DaprOutputs extends Outputs {
  namespace: string;
  release: string;
  revision: number;
  components: string[];
  wiring: WiringReport;
  backendSidecar: SidecarOutcome;
  publish: PublishProof;
}

/** Everything applied into the app namespace, in dependency order (secret store first). */
export function daprAppObjects(config: Config): KubeObject[] {
  return [
    secretStoreComponent(config),
    stateStoreComponent(config),
    pubsubComponent(config),
    appConfiguration(config),
    resiliency(config),
  ];
}

const ms = (config: Config) => config.dapr.readyTimeoutSeconds * 1000;

function checkValues(config: Config): void {
  const problem = daprValuesProblem(config);
  if (problem) {
    throw usageError(
      'DAPR_CONFIG',
      `${problem[0]}: ${problem[1]}`,
      'Edit the dapr section of the config file and re-run.',
    );
  }
}

function helmTarget(ctx: PhaseContext, kube: Kube) {
  return {
    release: DAPR_RELEASE,
    namespace: ctx.config.dapr.namespace,
    kubeconfig: kube.kubeconfigPath,
    context: kube.context,
    signal: ctx.signal,
    logger: ctx.log,
    phase: 'dapr',
  };
}

async function waitControlPlane(ctx: PhaseContext, kube: Kube): Promise<void> {
  const { config } = ctx;
  const ns = config.dapr.namespace;
  for (const name of DAPR_DEPLOYMENTS) {
    ctx.waiting(`rollout of ${ns}/${name}`, new Date(Date.now() + ms(config)));
    await kube.waitForRollout(ns, name, {
      timeoutMs: ms(config),
      signal: ctx.signal,
      onProgress: (s) => ctx.log.verbose(`${name}: ${s}`),
    });
  }
  // StatefulSet pods have stable names, so each one is waited for by name.
  for (const sts of DAPR_STATEFULSETS) {
    for (const pod of statefulSetPods(config, sts)) {
      ctx.waiting(`pod ${ns}/${pod} to be Ready`, new Date(Date.now() + ms(config)));
      await kube.waitForCondition(
        { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: ns },
        { type: 'Ready', status: 'True' },
        { timeoutMs: ms(config), signal: ctx.signal },
      );
    }
  }
}

function reportWiring(ctx: PhaseContext, w: WiringReport): void {
  const { config } = ctx;
  if (w.brokers.exists) {
    ctx.log.info(
      `pub/sub brokers ${w.brokers.value}: Service ${w.brokers.namespace}/` +
        `${w.brokers.service} exists`,
    );
  } else {
    ctx.log.warn(
      `pub/sub brokers ${w.brokers.value}: Service ${w.brokers.namespace}/` +
        `${w.brokers.service} does not exist yet; publishing fails until \`phase kafka\` has run`,
    );
  }
  if (w.secret.exists && w.secret.hasKey) {
    ctx.log.info(`state store secret ${w.secret.name}/${w.secret.key} exists`);
  } else {
    ctx.log.warn(
      `state store secret ${config.apps.namespace}/${w.secret.name} ` +
        `${w.secret.exists ? `has no key ${w.secret.key}` : 'does not exist'}; the state store ` +
        'fails to initialise until `phase base` creates it',
    );
  }
}

export const daprPhase: Phase = {
  id: 'dapr',
  title: 'Dapr control plane and components',
  needs: ['base'],
  runbook: tasks([85, 101]),

  inputs(ctx) {
    const { config } = ctx;
    return {
      chart: config.charts.dapr,
      namespace: config.dapr.namespace,
      values: daprValues(config),
      objects: daprAppObjects(config),
    };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const { config } = ctx;
    checkValues(config);
    const chart = config.charts.dapr;
    const storage =
      config.dapr.schedulerStorage.type === 'memory'
        ? 'scheduler in memory'
        : `scheduler on a ${config.dapr.schedulerStorage.size} volume`;
    return [
      {
        action: 'install',
        what: `Dapr (helm release ${config.dapr.namespace}/${DAPR_RELEASE})`,
        detail:
          `chart ${chart.ref} ${chart.version}, HA ${config.dapr.ha ? 'on' : 'off'}, ` + storage,
      },
      {
        action: 'wait',
        what: `control plane: ${[...DAPR_DEPLOYMENTS, ...DAPR_STATEFULSETS].join(', ')}`,
      },
      {
        action: 'apply',
        what:
          `components in ${config.apps.namespace}: ` +
          daprAppObjects(config)
            .map((o) => `${o.kind}/${o.metadata.name}`)
            .join(', '),
      },
      { action: 'check', what: 'brokers Service and db-credentials secret exist' },
      {
        action: 'check',
        what:
          'backend pods run daprd (restart once if not); publish a test ' +
          'event through its sidecar',
      },
    ];
  },

  async run(ctx): Promise<DaprOutputs> {
    const { config } = ctx;
    checkValues(config);
    const kube = await ctx.kube();

    ctx.step(`helm upgrade --install ${DAPR_RELEASE}`);
    const release = await helmUpgradeInstall({
      ...helmTarget(ctx, kube),
      chart: config.charts.dapr,
      values: daprValues(config),
      createNamespace: true,
      timeoutMs: ms(config),
    });
    ctx.log.info(
      `${DAPR_RELEASE}: revision ${release.revision} ` +
        `(${release.changed ? 'installed/upgraded' : 'unchanged'})`,
    );
    ctx.step('Dapr control plane');
    await waitControlPlane(ctx, kube);

    ctx.step(`Dapr components in ${config.apps.namespace}`);
    const objects = daprAppObjects(config);
    for (const r of await kube.apply(objects)) {
      ctx.log.verbose(`${r.ref.kind} ${r.ref.name}: ${r.action}`);
    }
    const wiring = await checkWiring(
      kube,
      config,
      pubsubComponent(config),
      stateStoreComponent(config),
    );
    reportWiring(ctx, wiring);

    ctx.step('backend Dapr sidecar');
    const opts = { timeoutMs: ms(config), signal: ctx.signal, log: (m: string) => ctx.log.info(m) };
    const backendSidecar = await ensureBackendSidecar(kube, config, opts);
    if (backendSidecar.skipped) ctx.log.info(`sidecar check skipped: ${backendSidecar.skipped}`);

    let publish: PublishProof;
    const topic = probeTopic(config);
    const firstPod = backendSidecar.pods[0];
    if (!firstPod) {
      publish = { verified: false, reason: backendSidecar.skipped ?? 'no backend pod', topic };
    } else if (!wiring.brokers.exists) {
      publish = { verified: false, reason: 'the Kafka bootstrap Service does not exist', topic };
    } else {
      ctx.step(`publish a test event through ${firstPod}'s sidecar`);
      publish = await provePublish(kube, config, firstPod, topic, opts);
    }
    if (publish.verified) {
      ctx.log.info(
        `pub/sub verified: event ${publish.eventId} went through the sidecar to ` + topic,
      );
    } else {
      // Not deployed yet is normal on a first `up`; anything else the user should see.
      const say = firstPod ? ctx.log.warn.bind(ctx.log) : ctx.log.info.bind(ctx.log);
      say(`pub/sub through the backend's sidecar not verified: ${publish.reason}`);
    }

    return {
      namespace: config.dapr.namespace,
      release: DAPR_RELEASE,
      revision: release.revision,
      components: objects.map((o) => `${o.kind}/${o.metadata.name}`),
      wiring,
      backendSidecar,
      publish,
    };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const { config } = ctx;
    const ns = config.dapr.namespace;
    const kube = await ctx.kube();
    const rel = await helmStatus(helmTarget(ctx, kube));
    if (!rel || rel.status !== 'deployed') {
      return { ok: false, detail: `helm release ${ns}/${DAPR_RELEASE} is not deployed` };
    }
    for (const name of DAPR_DEPLOYMENTS) {
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: ns };
      if (!deploymentReady(await kube.get(ref))) {
        return { ok: false, detail: `Deployment ${ns}/${name} is not ready` };
      }
    }
    for (const sts of DAPR_STATEFULSETS) {
      for (const name of statefulSetPods(config, sts)) {
        const pod = await kube.get({ apiVersion: 'v1', kind: 'Pod', name, namespace: ns });
        if (!podReady(pod)) return { ok: false, detail: `pod ${ns}/${name} is not Ready` };
      }
    }
    for (const o of daprAppObjects(config)) {
      const ref = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
      };
      if (!(await kube.get(ref))) {
        return { ok: false, detail: `${o.kind} ${o.metadata.name} is missing` };
      }
    }
    return {
      ok: true,
      detail:
        `Dapr revision ${rel.revision} ready; ` +
        `${daprAppObjects(config).length} resources in ${config.apps.namespace}`,
    };
  },

  render(config: Config) {
    return renderDapr(config);
  },
};
