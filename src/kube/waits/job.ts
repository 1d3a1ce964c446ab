// Waiting for a Job to complete. A Job that reports Failed (or FailureTarget, which precedes
// it) will not complete later, so that ends the wait at once, with the failure reason and the
// tail of the failed pod's log — usually the actual error the program printed.
import { TodoInfraError } from '../../core/errors.js';
import { diagnose } from '../diagnose.js';
import { gatherEvidence, selectorString } from '../evidence.js';
import { readPodLogs } from '../logs.js';
import type { KubeObject, WaitOptions } from '../types.js';
import type { Evaluation } from '../watch.js';
import { describeCondition, findCondition, untilNamed, type WaitDeps } from './common.js';

export type JobOutcome = { ok: true } | { ok: false; reason: string; job: KubeObject };

export function evaluateJob(job: KubeObject | undefined, name: string): Evaluation<JobOutcome> {
  if (!job) return { done: false, status: `Job ${name} does not exist yet` };
  if (findCondition(job, 'Complete')?.status === 'True') return { done: true, value: { ok: true } };
  const failed = findCondition(job, 'Failed') ?? findCondition(job, 'FailureTarget');
  if (failed?.status === 'True') {
    return { done: true, value: { ok: false, reason: describeCondition(failed), job } };
  }
  const spec = (job.spec ?? {}) as { completions?: number; suspend?: boolean };
  if (spec.suspend) return { done: false, status: 'suspended (spec.suspend is true)' };
  const st = (job.status ?? {}) as { succeeded?: number; active?: number; failed?: number };
  return {
    done: false,
    status:
      `${st.succeeded ?? 0} of ${spec.completions ?? 1} completions, ` +
      `${st.active ?? 0} active, ${st.failed ?? 0} failed`,
  };
}

function evidenceFor(namespace: string, name: string, job: KubeObject | undefined) {
  return {
    namespace,
    podSelector: selectorString((job?.spec as { selector?: never } | undefined)?.selector),
    owners: job ? [job] : [],
    involved: [{ kind: 'Job', name }],
  };
}

/** The newest pod's log tail, as detail lines; a failure to read them is itself a line. */
async function logTail(deps: WaitDeps, namespace: string, pods: KubeObject[]): Promise<string[]> {
  const created = (p: KubeObject) => String(p.metadata.creationTimestamp ?? '');
  const newest = [...pods].sort((a, b) => created(b).localeCompare(created(a)))[0];
  if (!newest) return ['(no pod of the Job is left to read logs from)'];
  try {
    const name = newest.metadata.name;
    // One retry at most: the Job has already failed, the logs only explain it.
    const text = await readPodLogs(deps.transport, namespace, name, { tailLines: 20, attempts: 2 });
    const lines = text
      .trimEnd()
      .split('\n')
      .filter((l) => l.length > 0);
    return [`last log lines of pod ${newest.metadata.name}:`, ...lines.map((l) => `  ${l}`)];
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return [`(logs of pod ${newest.metadata.name} unavailable: ${why})`];
  }
}

export async function waitForJob(
  deps: WaitDeps,
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<void> {
  const what = `Job ${namespace}/${name} to complete`;
  const outcome = await untilNamed(
    deps,
    {
      path: `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`,
      name,
      what,
      evaluate: (job) => evaluateJob(job, name),
      evidence: (job) => evidenceFor(namespace, name, job),
    },
    options,
  );
  if (outcome.ok) return;
  const { evidence } = await gatherEvidence(
    deps.transport,
    evidenceFor(namespace, name, outcome.job),
    AbortSignal.timeout(10_000),
  );
  const causes = diagnose(evidence);
  const logs = await logTail(deps, namespace, evidence.pods ?? []);
  const message = `Job ${namespace}/${name} failed: ${outcome.reason}`;
  throw new TodoInfraError('KUBE_JOB_FAILED', message, {
    source: 'environment',
    hint:
      causes[0]?.hint ??
      'Read the log lines below; fix the cause, delete the Job (its spec is immutable) and re-run.',
    details: [...causes.slice(0, 3).map((c) => `cause: ${c.summary}`), ...logs],
  });
}
