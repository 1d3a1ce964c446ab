// "Out of host capacity" is the normal state of Always Free A1 in busy regions, and it is
// per availability domain. The module places nodes across every AD unless told otherwise, so
// when OCI still reports no capacity the runner narrows placement to one AD at a time, with a
// growing pause between attempts, and gives up after a bounded number of tries with an error
// that says how to resume. The AD chosen last is kept (placement.json) so a resumed run
// continues the rotation instead of starting over.
import { ExitCode, TodoInfraError } from '../core/errors.js';

export interface CapacityPolicy {
  /** Apply attempts in total, the first included (default 4). */
  maxAttempts: number;
  /** Pause before the second attempt; doubles each time (default 30 s). */
  baseDelayMs: number;
  /** Upper bound for one pause (default 5 min). */
  maxDelayMs: number;
}

export const DEFAULT_CAPACITY_POLICY: CapacityPolicy = {
  maxAttempts: 4,
  baseDelayMs: 30_000,
  maxDelayMs: 300_000,
};

/** Pause before attempt `attempt` (2, 3, …). */
export function backoffMs(policy: CapacityPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 2));
}

/**
 * The placement for the next attempt: the AD after the current single-AD placement, in the
 * region's order; from "all ADs" (empty) the first one. Undefined when the region has none
 * known (then the same placement is simply retried after the pause).
 */
export function nextPlacement(
  regionAds: readonly string[],
  current: readonly string[],
): string[] | undefined {
  if (regionAds.length === 0) return undefined;
  const at = current.length === 1 ? regionAds.indexOf(current[0] as string) : -1;
  const next = regionAds[(at + 1) % regionAds.length];
  return next === undefined ? undefined : [next];
}

/**
 * AD names from `terraform show -json`: the module reads them through the
 * oci_identity_availability_domains data source, which is saved in the state even when the
 * apply failed later on.
 */
export function adsFromState(state: unknown): string[] {
  const resources = (state as { values?: { root_module?: { resources?: unknown[] } } })?.values
    ?.root_module?.resources;
  if (!Array.isArray(resources)) return [];
  const names: string[] = [];
  type Resource = { mode?: string; type?: string; values?: { availability_domains?: unknown } };
  for (const r of resources as Resource[]) {
    if (r.mode !== 'data' || r.type !== 'oci_identity_availability_domains') continue;
    const list = r.values?.availability_domains;
    if (!Array.isArray(list)) continue;
    for (const ad of list as { name?: unknown }[]) {
      if (typeof ad?.name === 'string' && !names.includes(ad.name)) names.push(ad.name);
    }
  }
  return names.sort();
}

/** Resolves after `ms`, or rejects as interrupted when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interruptedError('waiting to retry terraform apply'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(interruptedError('waiting to retry terraform apply'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function interruptedError(during: string): TodoInfraError {
  return new TodoInfraError('INTERRUPTED', `interrupted while ${during}`, {
    source: 'user',
    exitCode: ExitCode.interrupted,
  });
}

/** The final, resumable error once every attempt met "Out of host capacity". */
export function capacityExhausted(
  last: TodoInfraError,
  tried: string[][],
  attempts: number,
): TodoInfraError {
  const where = tried.map((p) => (p.length === 0 ? 'all ADs' : p.join('+'))).join(', ');
  return new TodoInfraError(
    'TF_OUT_OF_CAPACITY',
    `OCI had no Ampere A1 capacity after ${attempts} attempt(s) (placements tried: ${where})`,
    {
      source: 'environment',
      cause: last,
      details: last.details,
      hint:
        'Nothing is lost: what was created is in the terraform state. Resume later with ' +
        '`todo-infra phase terraform`; it continues with the next availability domain. ' +
        'Capacity is often available at other times of day.',
    },
  );
}
