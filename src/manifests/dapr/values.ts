// Values for the dapr/dapr Helm chart (1.18.x). Key names were checked against the chart's
// README and sub-chart values (global.ha.enabled, global.logAsJson, global.scheduler.enabled,
// dapr_scheduler.cluster.{inMemoryStorage,storageClassName,storageSize}, dapr_<service>.resources).
//
// Scheduler storage is the free-tier trade-off: the chart's default is a PVC per scheduler
// replica, and on OKE every block volume is at least 50 GB — a quarter of the 200 GB Always Free
// allowance for a database that holds a few kilobytes of jobs. `memory` (the default) keeps the
// data on a tmpfs instead: scheduled jobs and actor reminders are lost when the scheduler pod
// restarts. `persistent` asks for a volume of the configured class and size.
import type { Config } from '../../config/schema.js';

export const DAPR_RELEASE = 'dapr';

/** Control-plane workloads the chart creates; names are fixed in the chart's templates. */
export const DAPR_DEPLOYMENTS = ['dapr-operator', 'dapr-sidecar-injector', 'dapr-sentry'] as const;
export const DAPR_STATEFULSETS = ['dapr-placement-server', 'dapr-scheduler-server'] as const;

// Requests sized from Dapr's production guidance, scaled down for a single small node; limits
// leave room for start-up spikes (certificate issuance, etcd compaction).
function small(cpu: string, memory: string, limitMemory: string) {
  return { requests: { cpu, memory }, limits: { cpu: '500m', memory: limitMemory } };
}

export function daprValues(config: Config): Record<string, unknown> {
  const d = config.dapr;
  const scheduler: Record<string, unknown> = { resources: small('50m', '96Mi', '256Mi') };
  if (d.schedulerStorage.type === 'memory') {
    scheduler.cluster = { inMemoryStorage: true };
  } else {
    scheduler.cluster = {
      inMemoryStorage: false,
      storageClassName: d.schedulerStorage.storageClass,
      storageSize: d.schedulerStorage.size,
    };
  }
  return {
    global: {
      ha: { enabled: d.ha },
      logAsJson: d.logAsJson,
      scheduler: { enabled: true },
    },
    dapr_operator: { resources: small('50m', '64Mi', '256Mi') },
    dapr_sidecar_injector: {
      resources: small('25m', '32Mi', '128Mi'),
      // The app namespace enforces the restricted Pod Security profile, which the injected
      // daprd only meets with all capabilities dropped (the chart's default keeps them).
      sidecarDropALLCapabilities: true,
    },
    dapr_sentry: { resources: small('25m', '32Mi', '128Mi') },
    dapr_placement: { resources: small('25m', '48Mi', '128Mi') },
    dapr_scheduler: scheduler,
  };
}

/** Pod names of a control-plane StatefulSet for the configured HA mode. */
export function statefulSetPods(config: Config, statefulSet: string): string[] {
  const replicas = config.dapr.ha ? 3 : 1;
  return Array.from({ length: replicas }, (_, i) => `${statefulSet}-${i}`);
}

/**
 * Settings the chart would refuse: its scheduler template fails when in-memory storage is
 * combined with more than one replica (HA). Returned as [field, message] for a usage error.
 */
export function daprValuesProblem(config: Config): [string, string] | undefined {
  if (config.dapr.ha && config.dapr.schedulerStorage.type === 'memory') {
    return [
      'dapr.schedulerStorage',
      'in-memory scheduler storage works only with one scheduler replica, and dapr.ha runs ' +
        'three; set dapr.ha: false or dapr.schedulerStorage.type: persistent',
    ];
  }
  return undefined;
}
