// Why a wait did not finish: the most likely cause, read from what the kubelet, scheduler and
// controllers recorded (pod status, conditions, events) — the same places an engineer looks
// with `kubectl describe`. Pure functions over plain objects, so every rule is unit-tested
// from fixtures; evidence.ts fetches the objects.
import type { KubeObject } from './types.js';

export type CauseKind =
  | 'quota'
  | 'admission'
  | 'unschedulable'
  | 'image-pull'
  | 'config'
  | 'crash-loop'
  | 'oom'
  | 'load-balancer';

export interface Cause {
  kind: CauseKind;
  /** One line: what is wrong with which object. */
  summary: string;
  hint: string;
  /** The summary without its subject: equal details on several pods are one cause. */
  detail: string;
}

/** Most specific and most blocking first: a pod that is never created explains everything. */
const RANK: CauseKind[] = [
  'quota',
  'admission',
  'unschedulable',
  'image-pull',
  'config',
  'crash-loop',
  'oom',
  'load-balancer',
];

const HINTS: Record<CauseKind, string> = {
  quota:
    'A ResourceQuota refused the pods: set resource requests/limits on every container (or add ' +
    'a LimitRange with defaults), or raise the quota.',
  admission: 'An admission policy refused the pods; adjust the pod spec to what the message asks.',
  unschedulable:
    'No node can fit the pods: lower their resource requests, or add node capacity (check the ' +
    "node pool's size against the free-tier limits).",
  'image-pull':
    'The image cannot be pulled: check the image name and tag, that the registry is reachable ' +
    'from the nodes, and the imagePullSecrets for a private registry.',
  config: 'A container cannot start because a Secret, ConfigMap or key it references is missing.',
  'crash-loop':
    'The container starts and exits: read its logs (kubectl logs --previous) for the reason.',
  oom: 'The container is killed for exceeding its memory limit: raise the limit or lower its use.',
  'load-balancer':
    'No load-balancer address was assigned: on OKE the cloud controller creates the OCI load ' +
    'balancer; check the Service events, the LB shape/limits and the subnet annotations.',
};

const PULL_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
]);
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError']);

type Obj = Record<string, any>;

function cause(kind: CauseKind, subject: string, detail: string): Cause {
  return { kind, summary: `${subject}${detail}`, hint: HINTS[kind], detail };
}

/** Classifies a controller's or scheduler's message (events, ReplicaFailure conditions). */
export function classifyMessage(
  subject: string,
  reason: string,
  message: string,
): Cause | undefined {
  const text = message.trim();
  if (/exceeded quota|failed quota|must specify (requests|limits)/i.test(text)) {
    return cause('quota', subject, `: ${text}`);
  }
  if (reason === 'FailedCreate' && /forbidden|violates PodSecurity|denied/i.test(text)) {
    return cause('admission', subject, `: ${text}`);
  }
  if (reason === 'FailedScheduling' || /nodes are available/.test(text)) {
    return cause('unschedulable', subject, ` cannot be scheduled: ${trimPreemption(text)}`);
  }
  if (/pull(ing)? image|ImagePull|ErrImagePull/i.test(text) && reason !== 'Pulled') {
    return cause('image-pull', subject, `: ${text}`);
  }
  if (/Back-off restarting failed container/i.test(text)) {
    return cause('crash-loop', subject, `: ${text}`);
  }
  if (/SyncLoadBalancerFailed|EnsuringLoadBalancer|load ?balancer/i.test(reason + ' ' + text)) {
    if (reason === 'EnsuredLoadBalancer') return undefined;
    return cause('load-balancer', subject, `: ${text}`);
  }
  return undefined;
}

/**
 * The scheduler's first sentence is the verdict ("0/2 nodes are available: 1 Insufficient
 * cpu, 1 node(s) had untolerated taint(s)."); what follows (claims, preemption) repeats it.
 */
function trimPreemption(message: string): string {
  const verdict = /^(.*?nodes are available: .*?\.)(?:\s|$)/.exec(message);
  if (verdict?.[1]) return verdict[1];
  const cut = message.indexOf(' preemption:');
  return cut > 0 ? message.slice(0, cut) : message;
}

export function diagnosePod(pod: KubeObject): Cause[] {
  const status: Obj = (pod.status as Obj | undefined) ?? {};
  const name = `pod ${pod.metadata.name}`;
  const found: Cause[] = [];
  const scheduled = (status.conditions ?? []).find((c: Obj) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const why = trimPreemption(String(scheduled.message ?? ''));
    found.push(cause('unschedulable', name, ` cannot be scheduled: ${why}`));
  }
  const containers: Obj[] = [
    ...(status.initContainerStatuses ?? []),
    ...(status.containerStatuses ?? []),
  ];
  for (const c of containers) {
    const who = `${name}, container ${c.name}`;
    const waiting: Obj | undefined = c.state?.waiting;
    const reason = String(waiting?.reason ?? '');
    const detail = waiting?.message ? `: ${waiting.message}` : '';
    if (PULL_REASONS.has(reason)) {
      found.push(cause('image-pull', who, ` cannot pull image ${c.image} (${reason})${detail}`));
    } else if (CONFIG_REASONS.has(reason)) {
      found.push(cause('config', who, ` cannot start (${reason})${detail}`));
    } else if (reason === 'CrashLoopBackOff') {
      const last: Obj | undefined = c.lastState?.terminated;
      const why = last?.reason ? ` (${last.reason})` : '';
      const exit = last ? `, last exit code ${last.exitCode}${why}` : '';
      const kind: CauseKind = last?.reason === 'OOMKilled' ? 'oom' : 'crash-loop';
      found.push(cause(kind, who, ` is crash-looping (${c.restartCount ?? 0} restarts${exit})`));
    }
  }
  return found;
}

function eventTime(e: Obj): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

export function diagnoseEvents(events: KubeObject[]): Cause[] {
  return [...events]
    .sort((a, b) => eventTime(b) - eventTime(a))
    .filter((e) => (e as Obj).type === 'Warning')
    .map((e) => {
      const ev = e as Obj;
      const kind = String(ev.involvedObject?.kind ?? 'object');
      // "pod x", as diagnosePod says it, so the same problem seen twice is reported once.
      const subject = `${kind === 'Pod' ? 'pod' : kind} ${ev.involvedObject?.name ?? ''}`.trim();
      return classifyMessage(subject, String(ev.reason ?? ''), String(ev.message ?? ''));
    })
    .filter((c): c is Cause => c !== undefined);
}

/** ReplicaFailure-style conditions on controllers (Deployment, ReplicaSet, Job). */
export function diagnoseConditions(objects: KubeObject[]): Cause[] {
  const found: Cause[] = [];
  for (const o of objects) {
    for (const c of ((o.status as Obj | undefined)?.conditions ?? []) as Obj[]) {
      if (c.status !== 'True' || !c.message) continue;
      if (c.type !== 'ReplicaFailure' && c.reason !== 'FailedCreate') continue;
      const subject = `${o.kind} ${o.metadata.name}`;
      const hit = classifyMessage(subject, String(c.reason ?? ''), String(c.message));
      if (hit) found.push(hit);
    }
  }
  return found;
}

export interface Evidence {
  pods?: KubeObject[];
  events?: KubeObject[];
  /** Controllers whose conditions may carry the reason (Deployment, ReplicaSet, Job). */
  owners?: KubeObject[];
}

/**
 * All causes found, the most likely first. The same detail on several objects (three pods,
 * all "Insufficient cpu") is one cause, named after the first object, so the message stays short.
 */
export function diagnose(input: Evidence): Cause[] {
  const all = [
    ...diagnoseConditions(input.owners ?? []),
    ...(input.pods ?? []).flatMap(diagnosePod),
    ...diagnoseEvents(input.events ?? []),
  ];
  const seen = new Set<string>();
  const unique = all.filter((c) => {
    const key = `${c.kind}|${c.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Stable sort: within a kind, the order above (conditions, pods, newest events) is kept.
  return unique.sort((a, b) => RANK.indexOf(a.kind) - RANK.indexOf(b.kind));
}
