// Why a rollout is not finishing, in words: read from the Deployment's conditions and its pods'
// status, the same places `kubectl describe` looks. Used to turn a bare rollout timeout into an
// error that names the cause (image pull failure, unschedulable pod, quota, crash loop).
import { ExitCode, TodoInfraError, timeoutError } from '../../core/errors.js';
import type { Kube, KubeObject } from '../../kube/types.js';

/** Waiting reasons a kubelet reports that will not fix themselves. */
const STUCK_REASONS = new Set([
  'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CrashLoopBackOff',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
]);

interface Waiting {
  reason?: string;
  message?: string;
}

interface PodStatusLike {
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  containerStatuses?: Array<{ name: string; state?: { waiting?: Waiting } }>;
}

/** One line per problem found; empty when nothing explains the delay. */
export async function rolloutProblems(
  kube: Kube,
  namespace: string,
  deployment: string,
): Promise<string[]> {
  const problems: string[] = [];
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, namespace };
  const dep = await kube.get(ref);
  const depConditions = (dep?.status as PodStatusLike | undefined)?.conditions ?? [];
  for (const c of depConditions) {
    // ReplicaFailure carries "exceeded quota" / "forbidden" when pods cannot even be created.
    if (c.type === 'ReplicaFailure' && c.status === 'True') {
      problems.push(`${deployment}: pods cannot be created: ${c.message ?? c.reason ?? ''}`);
    }
  }
  const selector = matchLabels(dep);
  const pods = selector ? await kube.list('v1', 'Pod', namespace, selector) : [];
  for (const pod of pods) problems.push(...podProblems(pod));
  return problems;
}

export function podProblems(pod: KubeObject): string[] {
  const name = pod.metadata.name;
  const status = (pod.status ?? {}) as PodStatusLike;
  const out: string[] = [];
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.status === 'False') {
      out.push(`pod ${name} is unschedulable (${c.reason ?? 'Unschedulable'}): ${c.message ?? ''}`);
    }
  }
  for (const cs of status.containerStatuses ?? []) {
    const waiting = cs.state?.waiting;
    if (waiting?.reason && STUCK_REASONS.has(waiting.reason)) {
      const msg = waiting.message ? `: ${waiting.message}` : '';
      out.push(`pod ${name} container ${cs.name}: ${waiting.reason}${msg}`);
    }
  }
  return out;
}

function matchLabels(dep: KubeObject | undefined): string | undefined {
  const spec = dep?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined;
  const labels = spec?.selector?.matchLabels;
  if (!labels) return undefined;
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * Waits for a rollout; when the wait fails with a timeout, re-throws it with the causes found
 * in the cluster in the message, so the user reads "ImagePullBackOff" instead of "timed out".
 */
export async function waitForRolloutExplained(
  kube: Kube,
  namespace: string,
  deployment: string,
  opts: { timeoutMs: number; signal?: AbortSignal; phase?: string },
): Promise<void> {
  try {
    const { timeoutMs, signal } = opts;
    await kube.waitForRollout(namespace, deployment, { timeoutMs, signal });
  } catch (err) {
    if (!(err instanceof TodoInfraError) || err.exitCode !== ExitCode.timeout) throw err;
    const problems = await rolloutProblems(kube, namespace, deployment).catch(() => []);
    if (problems.length === 0) throw err;
    const secs = Math.round(opts.timeoutMs / 1000);
    throw timeoutError(
      'ROLLOUT_STUCK',
      `rollout of ${namespace}/${deployment} did not finish in ${secs} s: ${problems[0]}`,
      {
        phase: opts.phase,
        cause: err,
        details: problems,
        hint: hintFor(problems.join('\n')),
      },
    );
  }
}

function hintFor(text: string): string {
  if (/ImagePull|ErrImagePull|InvalidImageName/.test(text)) {
    return 'Check apps.*.image / apps.*.tag and that the image exists for arm64; for a private ' +
      'registry, check the pull secret (registry.pullSecretName).';
  }
  if (/unschedulable/i.test(text)) {
    return 'No node fits the pod: check node capacity and the arm64 nodeSelector ' +
      '(kubectl describe pod), or lower apps.*.resources.';
  }
  if (/quota/i.test(text)) return 'Raise apps.quotas.app or lower apps.*.resources / replicas.';
  return 'Inspect the pods with kubectl describe pod and kubectl logs.';
}
