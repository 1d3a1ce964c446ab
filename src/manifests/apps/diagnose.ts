// Rollout waits for the phases. The Kubernetes layer already names the most likely cause of a
// stuck rollout (image pull, unschedulable, quota, crash loop — read from pods and events);
// this adds which todo-infra config keys to change, since the user fixes the config, not
// the Deployment.
import { ExitCode, TodoInfraError } from '../../core/errors.js';
import type { Kube } from '../../kube/types.js';

export async function waitForRolloutExplained(
  kube: Kube,
  namespace: string,
  deployment: string,
  opts: { timeoutMs: number; signal?: AbortSignal; phase?: string },
): Promise<void> {
  try {
    await kube.waitForRollout(namespace, deployment, {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
    });
  } catch (err) {
    if (!(err instanceof TodoInfraError) || err.exitCode === ExitCode.interrupted) throw err;
    const configHint = hintFor(`${err.message}\n${err.details.join('\n')}`);
    if (!configHint) throw err;
    throw new TodoInfraError(err.code, err.message, {
      phase: opts.phase,
      cause: err,
      source: err.source,
      exitCode: err.exitCode,
      details: err.details,
      hint: err.hint ? `${err.hint} ${configHint}` : configHint,
    });
  }
}

function hintFor(text: string): string | undefined {
  if (/pull|InvalidImageName/i.test(text)) {
    return (
      'In todo-infra.yaml: apps.<component>.image / .tag (arm64 images), and ' +
      'registry.pullSecretName for a private registry.'
    );
  }
  if (/unschedulable|Insufficient|node\(s\) didn't match/i.test(text)) {
    return (
      'In todo-infra.yaml: lower apps.<component>.resources, or check that the nodes are ' +
      'arm64 (the apps select kubernetes.io/arch: arm64).'
    );
  }
  if (/quota/i.test(text)) {
    return 'In todo-infra.yaml: raise apps.quotas.app, or lower apps.<component>.resources.';
  }
  return undefined;
}
