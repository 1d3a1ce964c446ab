// Waiting for a Deployment rollout to complete, with kubectl rollout status's rules: the
// controller has seen the current generation, every replica runs the new template, no old
// replica is left, and every new replica is available. A rollout past its progress deadline
// has failed — waiting longer would not help — so that ends the wait at once with the cause.
import { TodoInfraError } from '../../core/errors.js';
import { diagnose } from '../diagnose.js';
import { gatherEvidence, selectorString } from '../evidence.js';
import type { KubeObject, WaitOptions } from '../types.js';
import type { Evaluation } from '../watch.js';
import { findCondition, untilNamed, type WaitDeps } from './common.js';

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
}

export type RolloutOutcome = { ok: true } | { ok: false; reason: string; deployment: KubeObject };

export function evaluateRollout(
  dep: KubeObject | undefined,
  name: string,
): Evaluation<RolloutOutcome> {
  if (!dep) return { done: false, status: `Deployment ${name} does not exist yet` };
  const generation = (dep.metadata.generation as number | undefined) ?? 0;
  const st = (dep.status ?? {}) as DeploymentStatus;
  if ((st.observedGeneration ?? 0) < generation) {
    return { done: false, status: `waiting for the controller to see generation ${generation}` };
  }
  const progressing = findCondition(dep, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const reason = progressing.message ?? 'progress deadline exceeded';
    return { done: true, value: { ok: false, reason, deployment: dep } };
  }
  const wanted = (dep.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  if (updated < wanted) return { done: false, status: `${updated} of ${wanted} replicas updated` };
  const total = st.replicas ?? 0;
  if (total > updated) {
    return { done: false, status: `${total - updated} old replica(s) pending termination` };
  }
  const available = st.availableReplicas ?? 0;
  if (available < updated) {
    return { done: false, status: `${available} of ${updated} updated replicas available` };
  }
  return { done: true, value: { ok: true } };
}

export async function waitForRollout(
  deps: WaitDeps,
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<void> {
  const ns = encodeURIComponent(namespace);
  const what = `Deployment ${namespace}/${name} to roll out`;
  const evidenceFor = (dep: KubeObject | undefined) => ({
    namespace,
    podSelector: selectorString((dep?.spec as { selector?: never } | undefined)?.selector),
    ownerCollections: dep ? [`/apis/apps/v1/namespaces/${ns}/replicasets`] : [],
    owners: dep ? [dep] : [],
    involved: [{ kind: 'Deployment', name }],
  });
  const outcome = await untilNamed(
    deps,
    {
      path: `/apis/apps/v1/namespaces/${ns}/deployments`,
      name,
      what,
      evaluate: (dep) => evaluateRollout(dep, name),
      evidence: evidenceFor,
    },
    options,
  );
  if (outcome.ok) return;
  const query = evidenceFor(outcome.deployment);
  const { evidence } = await gatherEvidence(deps.transport, query, AbortSignal.timeout(10_000));
  const causes = diagnose(evidence);
  throw new TodoInfraError(
    'KUBE_ROLLOUT_FAILED',
    `Deployment ${namespace}/${name} failed to roll out: ${outcome.reason}` +
      (causes[0] ? `. Most likely cause: ${causes[0].summary}` : ''),
    {
      source: 'environment',
      hint: causes[0]?.hint ?? 'Inspect its pods and events (kubectl describe deployment).',
      details: causes.slice(1, 6).map((c) => `also: ${c.summary}`),
    },
  );
}
