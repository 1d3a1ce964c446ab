// The Todo application: frontend, backend, workers, and how they are exposed and scaled.
import { z } from 'zod';
import { cpu, dnsLabel, memory, resources, res, seconds } from './common.js';

const hpa = z.strictObject({
  minReplicas: z.number().int().min(1).max(20).default(1),
  maxReplicas: z.number().int().min(1).max(20).default(3),
  cpuUtilization: z.number().int().min(10).max(100).default(70),
});

/** One deployable component; image defaults to <registry>/<namespace>/<repository>. */
function component(port: number, resourceDefaults: z.infer<typeof resources>) {
  return z.strictObject({
    /** Full image reference without tag; derived from the registry settings when not given. */
    image: z.string().optional(),
    tag: z.string().default('latest'),
    replicas: z.number().int().min(0).max(20).default(1),
    port: z.number().int().min(1).max(65535).default(port),
    resources: resources.default(resourceDefaults),
    hpa: hpa.prefault({}),
  });
}

const worker = z.strictObject({
  enabled: z.boolean().default(true),
  /** Dapr app id; also the Deployment name. */
  appId: dnsLabel,
  topics: z.array(dnsLabel).min(1),
  route: z.string().regex(/^\//).default('/events'),
  port: z.number().int().min(1).max(65535).default(8080),
  replicas: z.number().int().min(0).max(10).default(1),
  resources: resources.default(res('50m', '96Mi', '200m', '192Mi')),
});
export type WorkerConfig = z.infer<typeof worker>;

/** Totals one namespace may request and be limited to (ResourceQuota hard values). */
const quota = z.strictObject({
  requests: z.strictObject({ cpu, memory }),
  limits: z.strictObject({ cpu, memory }),
  pods: z.number().int().min(1).max(200),
});
export type QuotaConfig = z.infer<typeof quota>;

function q(reqCpu: string, reqMem: string, limCpu: string, limMem: string, pods: number) {
  return {
    requests: { cpu: reqCpu, memory: reqMem },
    limits: { cpu: limCpu, memory: limMem },
    pods,
  };
}

/**
 * ResourceQuotas sized so the whole platform fits ONE Always Free A1 node (2 OCPU = 2000m,
 * 8–12 GB). Requests are what the scheduler reserves, so their sum must fit the node:
 *
 *   node (2 OCPU, smallest supported 8 GB)               2000m   8192Mi
 *   - kubelet/OS reserve + kube-system add-ons (est.)    -150m  -1536Mi
 *   - ingress controller (ingress.resources)             -100m   -128Mi
 *   - Dapr control plane, 5 pods (dapr-system, no quota) -150m   -512Mi
 *   = left for the quota-bound namespaces                1600m   6016Mi
 *     todo-app   1000m / 2048Mi   kafka 500m / 3584Mi    monitoring 100m / 256Mi
 *                                          sum  1600m / 5888Mi  (fits)
 *
 * todo-app at the default sizes: frontend 100m/128Mi + backend 150m/256Mi + 4 workers ×
 * 50m/96Mi, each with a Dapr sidecar 50m/64Mi → 750m/1152Mi for 6 pods; the remaining
 * 250m/896Mi lets one rolling-update surge pod (backend + sidecar, 200m/320Mi) in, and caps
 * HPA scale-out so it cannot starve Kafka. kafka: broker 250m/1536Mi + Strimzi operator
 * 100m/384Mi + entity operator (topic + user) ≈ 100m/512Mi + Kafka Exporter 50m/64Mi =
 * 500m/2496Mi; the ~1 GiB left is room to raise kafka.resources without editing the quota.
 * Limits may overcommit CPU (throttled, not killed); memory limits total 4 + 4 + 0.5 = 8.5 GiB,
 * which a 12 GB node holds without OOM kills from overcommit (on 8 GB, lower them).
 */
const quotas = z.strictObject({
  app: quota.default(q('1000m', '2Gi', '4', '4Gi', 16)),
  kafka: quota.default(q('500m', '3584Mi', '2', '4Gi', 10)),
  monitoring: quota.default(q('100m', '256Mi', '500m', '512Mi', 5)),
  /**
   * LimitRange defaults per container in these namespaces, so a pod without resources is
   * still admitted under the quota (which otherwise rejects it).
   */
  containerDefaults: resources.default(res('50m', '64Mi', '200m', '256Mi')),
});

export const apps = z.strictObject({
  namespace: dnsLabel.default('todo-app'),
  frontend: component(3000, res('100m', '128Mi', '250m', '256Mi')).prefault({}),
  backend: component(8000, res('150m', '256Mi', '500m', '512Mi')).prefault({}),
  /** The four event workers share the todo-worker image and differ by app id and topics. */
  workers: z.array(worker).prefault([
    { appId: 'recurring-worker', topics: ['task-events'] },
    { appId: 'notification-worker', topics: ['reminders'] },
    { appId: 'audit-worker', topics: ['task-events', 'reminders', 'task-updates'] },
    { appId: 'websocket-worker', topics: ['task-updates'] },
  ]),
  workerTag: z.string().default('latest'),
  rolloutTimeoutSeconds: seconds.default(600),
  loadBalancerTimeoutSeconds: seconds.default(600),
  quotas: quotas.prefault({}),
  /**
   * Where the apps checkpoint sends its HTTP checks; derived from the LB address (and
   * ingress.host) when not given. Useful behind a CDN, or when the LB is only reachable
   * through a tunnel.
   */
  publicUrl: z.url().optional(),
});
