// Collecting what diagnose() reads — pods, events, controllers — when a wait runs out of time,
// and turning the verdict into the timeout error. Gathering is best effort: a wait that timed
// out must still report its timeout even when the evidence cannot be read.
import { timeoutError, type TodoInfraError } from '../core/errors.js';
import { diagnose, type Cause, type Evidence } from './diagnose.js';
import { listAll } from './list.js';
import type { Transport } from './transport.js';
import type { KubeObject } from './types.js';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A metav1.LabelSelector as the query-string form the API accepts. */
export function selectorString(selector: LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

export interface EvidenceQuery {
  namespace: string;
  /** Pods to inspect (label selector); none when the awaited object has no pods. */
  podSelector?: string | undefined;
  /** Controller collections to read conditions from, with the same selector. */
  ownerCollections?: string[];
  /** Objects besides pods and owners whose events matter (the Service, the Job). */
  involved?: { kind: string; name: string }[];
  /** Controllers already at hand (the Deployment the wait watched). */
  owners?: KubeObject[];
}

export async function gatherEvidence(
  transport: Transport,
  query: EvidenceQuery,
  signal: AbortSignal,
): Promise<{ evidence: Evidence; problems: string[] }> {
  const problems: string[] = [];
  const attempt = async (what: string, read: () => Promise<KubeObject[]>) => {
    try {
      return await read();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      problems.push(`could not read ${what}: ${why}`);
      return [];
    }
  };
  const ns = encodeURIComponent(query.namespace);
  const selector = query.podSelector;
  const list = async (path: string, what: string, labelSelector?: string) =>
    (await listAll(transport, path, what, { labelSelector }, signal)).items;
  const pods = selector
    ? await attempt('pods', () => list(`/api/v1/namespaces/${ns}/pods`, 'pods', selector))
    : [];
  const owners: KubeObject[] = [...(query.owners ?? [])];
  for (const path of query.ownerCollections ?? []) {
    owners.push(...(await attempt(path, () => list(path, 'controllers', selector))));
  }
  const names = new Set([
    ...pods.map((p) => `Pod/${p.metadata.name}`),
    ...owners.map((o) => `${o.kind}/${o.metadata.name}`),
    ...(query.involved ?? []).map((i) => `${i.kind}/${i.name}`),
  ]);
  const all = await attempt('events', () => list(`/api/v1/namespaces/${ns}/events`, 'events'));
  const events = all.filter((e) => {
    const io = (e as { involvedObject?: { kind?: string; name?: string } }).involvedObject;
    return names.has(`${io?.kind}/${io?.name}`);
  });
  return { evidence: { pods, events, owners }, problems };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

const GENERIC_HINT =
  'Nothing in pod status or events explains it. Inspect the objects (kubectl describe), or ' +
  'raise the timeout if the cluster is just slow.';

/** The error for a missed deadline: last observed status first, then the likeliest cause. */
export function waitTimeoutError(
  what: string,
  timeoutMs: number,
  lastStatus: string,
  causes: Cause[],
  more: { problems?: string[]; hint?: string } = {},
): TodoInfraError {
  const [first, ...rest] = causes;
  const message =
    `Timed out after ${formatDuration(timeoutMs)} waiting for ${what}; last status: ${lastStatus}` +
    (first ? `. Most likely cause: ${first.summary}` : '');
  return timeoutError('KUBE_WAIT_TIMEOUT', message, {
    hint: first?.hint ?? more.hint ?? GENERIC_HINT,
    details: [...rest.slice(0, 5).map((c) => `also: ${c.summary}`), ...(more.problems ?? [])],
  });
}

/** Gathers evidence, diagnoses it and builds the timeout error; `extra` causes go first. */
export async function diagnosedTimeout(
  transport: Transport,
  spec: {
    what: string;
    timeoutMs: number;
    lastStatus: string;
    query: EvidenceQuery;
    extra?: Cause[];
  },
  signal: AbortSignal,
): Promise<TodoInfraError> {
  const { evidence, problems } = await gatherEvidence(transport, spec.query, signal);
  const causes = [...(spec.extra ?? []), ...diagnose(evidence)];
  return waitTimeoutError(spec.what, spec.timeoutMs, spec.lastStatus, causes, { problems });
}
