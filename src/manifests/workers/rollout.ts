// Worker rollouts and sidecars for the workers phase: watch-based rollout waits whose failure
// names the workers' config keys (the kube layer already names the cause: image pull,
// unschedulable, quota), and the daprd check with one restart for pods the injector missed
// (Dapr's injector webhook fails open, so a pod created while it was down has no sidecar).
import type { WorkerConfig } from '../../config/sections/apps.js';
import { ExitCode, TodoInfraError } from '../../core/errors.js';
import type { PhaseContext } from '../../engine/phase.js';
import type { Kube } from '../../kube/types.js';
import { podsWithoutSidecar, workerPods } from './verify.js';

/** Which config keys fix a stuck worker rollout; the kube layer already named the cause. */
function workerHint(text: string): string | undefined {
  if (/pull|InvalidImageName/i.test(text)) {
    return (
      'In todo-infra.yaml: registry.host / registry.namespace, registry.repositories.worker ' +
      'and apps.workerTag (an arm64 image), and registry.pullSecretName for a private registry.'
    );
  }
  if (/unschedulable|Insufficient|node\(s\) didn't match/i.test(text)) {
    return (
      'In todo-infra.yaml: lower apps.workers[].resources or .replicas, or check that the ' +
      'nodes are arm64 (the workers select kubernetes.io/arch: arm64).'
    );
  }
  if (/quota/i.test(text)) {
    return 'In todo-infra.yaml: raise apps.quotas.app, or lower apps.workers[].resources.';
  }
  return undefined;
}

export async function rollout(ctx: PhaseContext, kube: Kube, w: WorkerConfig): Promise<void> {
  const ns = ctx.config.apps.namespace;
  const timeoutMs = ctx.config.apps.rolloutTimeoutSeconds * 1000;
  ctx.waiting(`rollout of ${ns}/${w.appId}`, new Date(Date.now() + timeoutMs));
  try {
    await kube.waitForRollout(ns, w.appId, {
      timeoutMs,
      signal: ctx.signal,
      onProgress: (s) => ctx.log.verbose(`${w.appId}: ${s}`),
    });
  } catch (err) {
    if (!(err instanceof TodoInfraError) || err.exitCode === ExitCode.interrupted) throw err;
    const extra = workerHint(`${err.message}\n${err.details.join('\n')}`);
    if (!extra) throw err;
    throw new TodoInfraError(err.code, err.message, {
      phase: 'workers',
      cause: err,
      source: err.source,
      exitCode: err.exitCode,
      details: err.details,
      hint: err.hint ? `${err.hint} ${extra}` : extra,
    });
  }
}

/** Every pod of `w` runs app + daprd; pods without it are restarted once, then it must hold. */
export async function ensureSidecars(
  ctx: PhaseContext,
  kube: Kube,
  w: WorkerConfig,
): Promise<void> {
  const { config } = ctx;
  const missing = podsWithoutSidecar(await workerPods(kube, config, w.appId));
  if (missing.length === 0) return;
  ctx.step(`restart ${w.appId} so Dapr injects its sidecar`);
  ctx.log.info(`${w.appId}: ${missing.join('; ')} lack daprd; rollout restart`);
  await kube.rolloutRestart(config.apps.namespace, w.appId);
  await rollout(ctx, kube, w);
  const still = podsWithoutSidecar(await workerPods(kube, config, w.appId));
  if (still.length === 0) return;
  throw new TodoInfraError(
    'DAPR_SIDECAR_MISSING',
    `${w.appId} pods do not run the app plus daprd after a restart: ${still.join('; ')}`,
    {
      phase: 'workers',
      source: 'environment',
      hint:
        `Check the sidecar injector (kubectl -n ${config.dapr.namespace} logs ` +
        'deploy/dapr-sidecar-injector), its MutatingWebhookConfiguration, and that the pod ' +
        'template carries dapr.io/enabled: "true".',
    },
  );
}
