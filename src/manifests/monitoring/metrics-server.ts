// metrics-server (runbook T145–T146, T154): OKE does not install it, and without it the HPAs
// the apps phase creates never get a CPU reading and `kubectl top` answers "Metrics API not
// available". Installed from the kubernetes-sigs chart (charts.metricsServer) into the
// monitoring namespace, whose ResourceQuota (apps.quotas.monitoring) it must fit.
//
// Value keys follow the chart's values.yaml (3.13.x): replicas, resources, args (appended to
// defaultArgs), apiService.create, priorityClassName, updateStrategy. The chart's container
// security context (non-root, read-only root, no capabilities, RuntimeDefault seccomp) already
// meets the restricted Pod Security level the monitoring namespace enforces, so it is kept.
import type { Config } from '../../config/schema.js';
import type { ChartSource } from '../../config/sections/common.js';

/** The release name contains the chart name, so the chart names its objects after it. */
export const METRICS_SERVER_RELEASE = 'metrics-server';
export const METRICS_SERVER_DEPLOYMENT = 'metrics-server';
/** The aggregated API the chart registers; the API server marks it Available once it answers. */
export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';
export const METRICS_API = { group: 'metrics.k8s.io', version: 'v1beta1' } as const;

/**
 * Sized for one 2-OCPU A1 node: metrics-server needs about 1m CPU and 2 MiB per node plus a
 * small base, so 50m / 64Mi requests are generous; the limits leave room for start-up. A
 * rolling update briefly runs two pods (maxSurge 1): 100m / 128Mi of requests and 400m / 320Mi
 * of limits, inside the monitoring quota's defaults (100m / 256Mi, 500m / 512Mi).
 */
export const METRICS_SERVER_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '200m', memory: '160Mi' },
} as const;

export function metricsServerChart(config: Config): ChartSource {
  return config.charts.metricsServer;
}

export function metricsServerValues(_config: Config): Record<string, unknown> {
  return {
    replicas: 1,
    // One node: a second replica would only compete for the same CPU.
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    resources: {
      requests: { ...METRICS_SERVER_RESOURCES.requests },
      limits: { ...METRICS_SERVER_RESOURCES.limits },
    },
    // The HPA controller is useless without the metrics API; keep the chart's APIService.
    apiService: { create: true },
    // The chart's default --kubelet-preferred-address-types (InternalIP first) matches OKE
    // nodes, whose kubelets are reached on their private VCN address. Kubelet serving
    // certificates are verified (no --kubelet-insecure-tls); see the rendered notes for the
    // symptom and the trade-off if a cluster's kubelet certificates cannot be verified.
    args: [],
  };
}

/** The monitoring README and values notes reference these commands. */
export function topCommands(config: Config): string[] {
  const ns = config.apps.namespace;
  return [
    'kubectl top nodes',
    `kubectl top pods -n ${ns}`,
    `kubectl top pods -n ${ns} --containers   # app container and daprd separately`,
    `kubectl get hpa -n ${ns}                  # TARGETS shows cpu: <current>/<target>`,
  ];
}
