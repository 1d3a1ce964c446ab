// The Todo application: frontend, backend, workers, and how they are exposed and scaled.
import { z } from 'zod';
import { dnsLabel, resources, res, seconds } from './common.js';

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
});
