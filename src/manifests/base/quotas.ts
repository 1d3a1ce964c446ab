// ResourceQuotas for todo-app, kafka and monitoring, and a LimitRange in each (runbook
// T043–T046). The sizes and the arithmetic behind them live with the config defaults
// (apps.quotas in src/config/sections/apps.ts); this file only shapes the objects.
import type { Config } from '../../config/schema.js';
import type { QuotaConfig } from '../../config/sections/apps.js';
import type { KubeObject } from '../../kube/types.js';
import { managedLabels } from './yaml.js';

export const QUOTA_NAME = 'platform-quota';
export const LIMIT_RANGE_NAME = 'container-defaults';

/** Namespace → quota, in the order they are applied and rendered. */
export function quotaPlans(config: Config): Array<{ namespace: string; quota: QuotaConfig }> {
  const q = config.apps.quotas;
  return [
    { namespace: config.apps.namespace, quota: q.app },
    { namespace: config.kafka.namespace, quota: q.kafka },
    { namespace: config.monitoring.namespace, quota: q.monitoring },
  ];
}

export function quotaObjects(config: Config): KubeObject[] {
  const defaults = config.apps.quotas.containerDefaults;
  const out: KubeObject[] = [];
  for (const { namespace, quota } of quotaPlans(config)) {
    out.push({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: QUOTA_NAME, namespace, labels: managedLabels('quota') },
      spec: {
        hard: {
          'requests.cpu': quota.requests.cpu,
          'requests.memory': quota.requests.memory,
          'limits.cpu': quota.limits.cpu,
          'limits.memory': quota.limits.memory,
          pods: String(quota.pods),
        },
      },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: LIMIT_RANGE_NAME, namespace, labels: managedLabels('quota') },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { ...defaults.requests },
            default: { ...defaults.limits },
          },
        ],
      },
    });
  }
  return out;
}
