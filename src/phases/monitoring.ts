// Phase monitoring (runbook T141–T154): metrics-server through the helm adapter, the metrics
// API it registers, and an audit of the health probes of every Deployment in the app
// namespace. Logging and consumer lag are documentation (render), since OCI Logging is set up
// in the OCI console and Kafka Exporter comes with the Kafka resource.
//
// Waits are watches: the rollout (which names a stuck pod's cause) and then the APIService's
// Available condition, which the API server's aggregator sets only once it can reach
// metrics-server — a Ready pod alone does not prove that `kubectl top` and the HPAs work.
//
// Probes are judged on the applied objects. monitoring only needs base, so it may run before
// the apps exist; then there is nothing to audit yet and the checkpoint says so, and every
// later run (or `todo-infra check`) audits what has been deployed since.
import { helmStatus, helmUpgradeInstall } from '../adapters/helm.js';
import type { Config } from '../config/schema.js';
import { ExitCode, TodoInfraError } from '../core/errors.js';
import type { CheckResult, Outputs, Phase, PhaseContext, PlanItem } from '../engine/phase.js';
import type { Kube, KubeObject } from '../kube/types.js';
import { waitForRolloutExplained } from '../manifests/apps/diagnose.js';
import {
  METRICS_API_SERVICE,
  METRICS_SERVER_DEPLOYMENT,
  METRICS_SERVER_RELEASE,
  metricsServerChart,
  metricsServerValues,
} from '../manifests/monitoring/metrics-server.js';
import { PROBE_RULES, auditProbes, describeFindings } from '../manifests/monitoring/probes.js';
import { renderMonitoring } from '../manifests/monitoring/render.js';
import { tasks } from './runbook.js';

const API_SERVICE_REF = {
  apiVersion: 'apiregistration.k8s.io/v1',
  kind: 'APIService',
  name: METRICS_API_SERVICE,
} as const;

function helmScope(ctx: PhaseContext, kube: Kube) {
  return {
    release: METRICS_SERVER_RELEASE,
    namespace: ctx.config.monitoring.namespace,
    kubeconfig: kube.kubeconfigPath,
    context: kube.context,
    signal: ctx.signal,
    logger: ctx.log,
    phase: 'monitoring',
  };
}

/** The Available condition of the metrics APIService as one line, or why it is missing. */
export function apiServiceState(svc: KubeObject | undefined): { ok: boolean; detail: string } {
  if (!svc) return { ok: false, detail: `APIService ${METRICS_API_SERVICE} does not exist` };
  type C = { type: string; status?: string; reason?: string; message?: string };
  const cond = ((svc.status as { conditions?: C[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === 'Available',
  );
  if (cond?.status === 'True') {
    return { ok: true, detail: `APIService ${METRICS_API_SERVICE} Available` };
  }
  const why = cond
    ? `${cond.reason ?? cond.status}${cond.message ? `: ${cond.message}` : ''}`
    : 'no status yet';
  return { ok: false, detail: `APIService ${METRICS_API_SERVICE} is not Available (${why})` };
}

async function waitForMetricsApi(ctx: PhaseContext, kube: Kube, timeoutMs: number) {
  ctx.waiting(
    `APIService ${METRICS_API_SERVICE} to become Available`,
    new Date(Date.now() + timeoutMs),
  );
  try {
    await kube.waitForCondition(
      API_SERVICE_REF,
      { type: 'Available' },
      {
        timeoutMs,
        signal: ctx.signal,
        onProgress: (s) => ctx.log.verbose(`metrics API: ${s}`),
      },
    );
  } catch (err) {
    if (!(err instanceof TodoInfraError) || err.exitCode === ExitCode.interrupted) throw err;
    const state = apiServiceState(await kube.get(API_SERVICE_REF));
    throw new TodoInfraError('METRICS_API_UNAVAILABLE', state.detail, {
      phase: 'monitoring',
      cause: err,
      source: 'environment',
      exitCode: err.exitCode,
      details: err.details,
      hint:
        `The API server cannot get answers from metrics-server. See \`kubectl get apiservice ` +
        `${METRICS_API_SERVICE} -o yaml\` and \`kubectl -n ${ctx.config.monitoring.namespace} ` +
        `logs deploy/${METRICS_SERVER_DEPLOYMENT}\`; the control plane must reach the pod on ` +
        'port 10250 (security lists, network policies).',
    });
  }
}

export const monitoringPhase: Phase = {
  id: 'monitoring',
  title: 'Probes, metrics and logging',
  needs: ['base'],
  runbook: tasks([141, 154]),

  inputs(ctx) {
    const { config } = ctx;
    return {
      metricsServer: config.monitoring.metricsServer,
      namespace: config.monitoring.namespace,
      chart: metricsServerChart(config),
      values: metricsServerValues(config),
      appNamespace: config.apps.namespace,
      probes: PROBE_RULES,
    };
  },

  async plan(ctx): Promise<PlanItem[]> {
    const { config } = ctx;
    const ns = config.monitoring.namespace;
    const chart = metricsServerChart(config);
    const items: PlanItem[] = [];
    if (config.monitoring.metricsServer) {
      items.push(
        {
          action: 'install',
          what: `metrics-server (helm release ${ns}/${METRICS_SERVER_RELEASE})`,
          detail: `chart ${chart.ref} ${chart.version}`,
        },
        { action: 'wait', what: `rollout of ${ns}/${METRICS_SERVER_DEPLOYMENT}` },
        { action: 'wait', what: `APIService ${METRICS_API_SERVICE} Available` },
      );
    }
    const what = `health probes of every Deployment in ${config.apps.namespace}`;
    items.push({ action: 'check', what });
    return items;
  },

  async run(ctx): Promise<Outputs> {
    const { config } = ctx;
    const kube = await ctx.kube();
    const ns = config.monitoring.namespace;
    const timeoutMs = config.apps.rolloutTimeoutSeconds * 1000;
    let revision: number | undefined;
    if (config.monitoring.metricsServer) {
      ctx.step(`helm upgrade --install ${METRICS_SERVER_RELEASE}`);
      const release = await helmUpgradeInstall({
        ...helmScope(ctx, kube),
        chart: metricsServerChart(config),
        values: metricsServerValues(config),
        timeoutMs,
      });
      revision = release.revision;
      ctx.log.info(
        `${METRICS_SERVER_RELEASE}: revision ${release.revision} ` +
          `(${release.changed ? 'installed/upgraded' : 'unchanged'})`,
      );
      ctx.step(`rollout of ${METRICS_SERVER_DEPLOYMENT}`);
      ctx.waiting(
        `rollout of ${ns}/${METRICS_SERVER_DEPLOYMENT}`,
        new Date(Date.now() + timeoutMs),
      );
      await waitForRolloutExplained(kube, ns, METRICS_SERVER_DEPLOYMENT, {
        timeoutMs,
        signal: ctx.signal,
        phase: 'monitoring',
      });
      ctx.step('metrics API');
      await waitForMetricsApi(ctx, kube, timeoutMs);
    } else {
      ctx.log.info('monitoring.metricsServer is false: metrics-server not installed');
    }

    ctx.step('health probes');
    const audit = await auditProbes(kube, config.apps.namespace);
    if (audit.deployments.length === 0) {
      ctx.log.info(
        `no Deployments in ${config.apps.namespace} yet; ` + 'probes are audited once they exist',
      );
    } else if (audit.findings.length > 0) {
      ctx.log.warn(`probe problems: ${describeFindings(audit.findings)}`);
    } else {
      ctx.log.info(`probes correct in ${audit.deployments.join(', ')}`);
    }
    return {
      namespace: ns,
      metricsServer: config.monitoring.metricsServer,
      // The helm release, in `namespace` (todo-infra down uninstalls it).
      ...(revision !== undefined ? { release: METRICS_SERVER_RELEASE, revision } : {}),
      probedDeployments: audit.deployments,
    };
  },

  async checkpoint(ctx): Promise<CheckResult> {
    const { config } = ctx;
    const kube = await ctx.kube();
    const notes: string[] = [];
    if (config.monitoring.metricsServer) {
      const ns = config.monitoring.namespace;
      const rel = await helmStatus(helmScope(ctx, kube));
      if (!rel || rel.status !== 'deployed') {
        const detail = `helm release ${ns}/${METRICS_SERVER_RELEASE} is not deployed`;
        return { ok: false, detail };
      }
      const dep = await kube.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: METRICS_SERVER_DEPLOYMENT,
        namespace: ns,
      });
      const available =
        (dep?.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0;
      if (available < 1) {
        const detail = `Deployment ${ns}/${METRICS_SERVER_DEPLOYMENT} has no available replica`;
        return { ok: false, detail };
      }
      const api = apiServiceState(await kube.get(API_SERVICE_REF));
      if (!api.ok) return { ok: false, detail: api.detail };
      notes.push(`metrics-server revision ${rel.revision} available`, api.detail);
    }
    const audit = await auditProbes(kube, config.apps.namespace);
    if (audit.findings.length > 0) {
      return { ok: false, detail: `health probes: ${describeFindings(audit.findings)}` };
    }
    notes.push(
      audit.deployments.length === 0
        ? `no Deployments in ${config.apps.namespace} to audit yet`
        : `liveness /health and readiness /ready correct in ${audit.deployments.join(', ')}`,
    );
    return { ok: true, detail: notes.join('; ') };
  },

  render(config: Config) {
    return renderMonitoring(config);
  },
};
