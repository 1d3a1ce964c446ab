// Phase strimzi (runbook T067–T071): the Strimzi cluster operator from its OCI Helm chart (the
// https://strimzi.io/charts/ repository the runbook adds is deprecated), in the kafka namespace
// and watching only it. Done when the operator Deployment is available and the CRDs the kafka
// phase applies are Established — a Kafka resource created before that would be rejected
// (no CRD) or silently ignored (no operator).
import { helmStatus, helmUpgradeInstall } from '../adapters/helm.js';
import type { Config } from '../config/schema.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import { crdEstablished, deploymentReady } from '../manifests/kafka/checks.js';
import { OPERATOR_DEPLOYMENT, OPERATOR_RELEASE, STRIMZI_CRDS } from '../manifests/kafka/names.js';
import { strimziValues } from '../manifests/kafka/operator-values.js';
import { renderStrimzi } from '../manifests/kafka/render.js';
import { tasks } from './runbook.js';

export interface StrimziOutputs extends Outputs {
  namespace: string;
  release: string;
  revision: number;
  chartVersion: string;
  crds: string[];
}

function timeoutMs(config: Config): number {
  return config.kafka.readyTimeoutSeconds * 1000;
}

function helmTarget(ctx: PhaseContext, kube: { kubeconfigPath?: string; context?: string }) {
  return {
    release: OPERATOR_RELEASE,
    namespace: ctx.config.kafka.namespace,
    kubeconfig: kube.kubeconfigPath,
    context: kube.context,
    signal: ctx.signal,
    logger: ctx.log,
    phase: 'strimzi',
  };
}

export const strimziPhase: Phase = {
  id: 'strimzi',
  title: 'Strimzi Kafka operator',
  needs: ['base'],
  runbook: tasks([67, 71]),

  inputs(ctx) {
    const { config } = ctx;
    return {
      namespace: config.kafka.namespace,
      chart: config.charts.strimzi,
      values: strimziValues(config),
    };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const { config } = ctx;
    const chart = config.charts.strimzi;
    const ns = config.kafka.namespace;
    return [
      {
        action: 'install',
        what: `Strimzi cluster operator (helm release ${ns}/${OPERATOR_RELEASE})`,
        detail: `chart ${chart.ref} ${chart.version}, watching namespace ${ns}`,
      },
      { action: 'wait', what: `rollout of ${ns}/${OPERATOR_DEPLOYMENT}` },
      { action: 'wait', what: `CRDs Established: ${STRIMZI_CRDS.join(', ')}` },
    ];
  },

  async run(ctx): Promise<StrimziOutputs> {
    const { config } = ctx;
    const ns = config.kafka.namespace;
    const kube = await ctx.kube();

    ctx.step(`helm upgrade --install ${OPERATOR_RELEASE}`);
    const release = await helmUpgradeInstall({
      ...helmTarget(ctx, kube),
      chart: config.charts.strimzi,
      values: strimziValues(config),
      createNamespace: true,
      timeoutMs: timeoutMs(config),
    });
    ctx.log.info(
      `${OPERATOR_RELEASE}: revision ${release.revision} ` +
        `(${release.changed ? 'installed/upgraded' : 'unchanged'})`,
    );

    // The CRDs come with the chart (helm installs crds/ before the templates), so they are
    // checked first: an operator that starts without them crash-loops.
    ctx.step('Strimzi CRDs');
    for (const crd of STRIMZI_CRDS) {
      const ms = timeoutMs(config);
      ctx.waiting(`CRD ${crd} to be Established`, new Date(Date.now() + ms));
      await kube.waitForCrdEstablished(crd, { timeoutMs: ms, signal: ctx.signal });
    }

    ctx.step(`rollout of ${OPERATOR_DEPLOYMENT}`);
    const ms = timeoutMs(config);
    ctx.waiting(`rollout of ${ns}/${OPERATOR_DEPLOYMENT}`, new Date(Date.now() + ms));
    await kube.waitForRollout(ns, OPERATOR_DEPLOYMENT, {
      timeoutMs: ms,
      signal: ctx.signal,
      onProgress: (s) => ctx.log.verbose(`${OPERATOR_DEPLOYMENT}: ${s}`),
    });

    return {
      namespace: ns,
      release: OPERATOR_RELEASE,
      revision: release.revision,
      chartVersion: config.charts.strimzi.version,
      crds: [...STRIMZI_CRDS],
    };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const ns = ctx.config.kafka.namespace;
    const kube = await ctx.kube();
    const rel = await helmStatus(helmTarget(ctx, kube));
    if (!rel || rel.status !== 'deployed') {
      return { ok: false, detail: `helm release ${ns}/${OPERATOR_RELEASE} is not deployed` };
    }
    const deployment = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: OPERATOR_DEPLOYMENT,
      namespace: ns,
    });
    if (!deploymentReady(deployment)) {
      return { ok: false, detail: `Deployment ${ns}/${OPERATOR_DEPLOYMENT} is not available` };
    }
    const missing: string[] = [];
    for (const crd of STRIMZI_CRDS) {
      if (!(await crdEstablished(kube, crd))) missing.push(crd);
    }
    if (missing.length > 0) {
      return { ok: false, detail: `CRDs not Established: ${missing.join(', ')}` };
    }
    return {
      ok: true,
      detail:
        `release ${OPERATOR_RELEASE} revision ${rel.revision} deployed, operator available, ` +
        `${STRIMZI_CRDS.length} CRDs Established`,
    };
  },

  render(config: Config) {
    return renderStrimzi(config);
  },
};
