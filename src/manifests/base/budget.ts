// Checks, before anything is applied, that the app namespace's quota can hold the app at its
// minimum size. Without this, a too-small quota shows up much later as a rollout that never
// finishes ("exceeded quota" events on a ReplicaSet nobody is looking at).
import type { Config } from '../../config/schema.js';
import type { Resources } from '../../config/sections/common.js';
import { usageError } from '../../core/errors.js';
import { bytes, formatMi, formatMilli, milliCpu } from './quantity.js';

export interface Need {
  what: string;
  pods: number;
  requestsCpu: number;
  requestsMem: number;
  limitsCpu: number;
  limitsMem: number;
}

function need(what: string, pods: number, app: Resources, sidecar: Resources): Need {
  return {
    what,
    pods,
    requestsCpu: pods * (milliCpu(app.requests.cpu) + milliCpu(sidecar.requests.cpu)),
    requestsMem: pods * (bytes(app.requests.memory) + bytes(sidecar.requests.memory)),
    limitsCpu: pods * (milliCpu(app.limits.cpu) + milliCpu(sidecar.limits.cpu)),
    limitsMem: pods * (bytes(app.limits.memory) + bytes(sidecar.limits.memory)),
  };
}

/** Every pod the app namespace runs at minimum scale, each with its Dapr sidecar. */
export function appNamespaceNeeds(config: Config): Need[] {
  const { apps, dapr } = config;
  const out: Need[] = [];
  for (const name of ['frontend', 'backend'] as const) {
    const c = apps[name];
    const pods = c.replicas === 0 ? 0 : Math.max(c.hpa.minReplicas, 1);
    out.push(need(name, pods, c.resources, dapr.sidecar));
  }
  for (const w of apps.workers.filter((x) => x.enabled)) {
    out.push(need(w.appId, w.replicas, w.resources, dapr.sidecar));
  }
  return out;
}

/** Throws a usage error naming the quota field that is too small for the app's minimum. */
export function checkAppQuota(config: Config): void {
  const needs = appNamespaceNeeds(config);
  const sum = (k: keyof Omit<Need, 'what'>) => needs.reduce((acc, n) => acc + n[k], 0);
  const quota = config.apps.quotas.app;
  const checks: Array<[string, number, number, (n: number) => string]> = [
    ['requests.cpu', sum('requestsCpu'), milliCpu(quota.requests.cpu), formatMilli],
    ['requests.memory', sum('requestsMem'), bytes(quota.requests.memory), formatMi],
    ['limits.cpu', sum('limitsCpu'), milliCpu(quota.limits.cpu), formatMilli],
    ['limits.memory', sum('limitsMem'), bytes(quota.limits.memory), formatMi],
    ['pods', sum('pods'), quota.pods, String],
  ];
  const problems = checks
    .filter(([, needed, hard]) => needed > hard)
    .map(
      ([field, needed, hard, fmt]) =>
        `apps.quotas.app.${field}: the app needs ${fmt(needed)} ` +
        `at minimum scale but the quota allows ${fmt(hard)}`,
    );
  if (problems.length === 0) return;
  throw usageError(
    'QUOTA_TOO_SMALL',
    `the ${config.apps.namespace} quota cannot hold the app at its minimum size`,
    'Raise the named apps.quotas.app fields, or lower apps.*.resources / replicas ' +
      '(each pod also counts its Dapr sidecar, dapr.sidecar).',
    [...problems, ...needs.map((n) => `${n.what}: ${n.pods} pod(s)`)],
  );
}
