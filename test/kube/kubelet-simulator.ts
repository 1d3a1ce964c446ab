// SIMULATOR — stands in for the kubelet of one node, for the failure modes kwok does not play:
// a container image that cannot be pulled (ErrImagePull / ImagePullBackOff), a container that
// keeps crashing (CrashLoopBackOff), and a container that exits non-zero (a failed Job pod).
//
// What it reproduces: a Node object that no scheduler or kwok uses (tainted NoSchedule, without
// kwok's annotation) for pods pinned to it with spec.nodeName; and, per pod, the status a
// kubelet reports through the pods/status subresource for those failures — phase, the
// PodScheduled/Ready conditions, containerStatuses with waiting/terminated reasons and
// messages, restart counts — plus the Warning events a kubelet records (Failed, BackOff).
//
// What it does NOT reproduce: no image is pulled or run and no logs exist; no back-off
// timing (the status is written once, when the test asks); no node heartbeats or leases,
// so the node controller eventually marks the node NotReady (tests finish long before its
// pods would be evicted); nothing else a kubelet does (probes, volumes, cgroups).
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../cluster/kube-client.ts';

export const SIMULATED_NODE_TAINT = 'todo-infra.test/kubelet-simulator';

export interface SimulatedNode {
  name: string;
  /** Fields for a pod template so its pods land on this node. */
  podPlacement: Record<string, unknown>;
  remove(): Promise<void>;
}

export async function createSimulatedNode(client: KubeClient): Promise<SimulatedNode> {
  const name = `kubelet-sim-${randomBytes(3).toString('hex')}`;
  await client.json('POST', '/api/v1/nodes', {
    metadata: { name, labels: { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/hostname': name } },
    spec: { taints: [{ key: SIMULATED_NODE_TAINT, value: 'true', effect: 'NoSchedule' }] },
  });
  return {
    name,
    podPlacement: {
      nodeName: name,
      tolerations: [{ key: SIMULATED_NODE_TAINT, operator: 'Exists' }],
    },
    remove: async () => {
      await client.request('DELETE', `/api/v1/nodes/${name}`);
    },
  };
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

async function writePodStatus(client: KubeClient, ns: string, pod: string, status: unknown) {
  const res = await client.request(
    'PATCH',
    `/api/v1/namespaces/${ns}/pods/${pod}/status`,
    { status },
    'application/strategic-merge-patch+json',
  );
  if (res.status !== 200)
    throw new Error(`pod ${ns}/${pod} status: HTTP ${res.status}: ${res.body?.message}`);
}

async function recordEvent(
  client: KubeClient,
  ns: string,
  pod: any,
  reason: string,
  message: string,
) {
  await client.json('POST', `/api/v1/namespaces/${ns}/events`, {
    metadata: { name: `${pod.metadata.name}.${randomBytes(4).toString('hex')}` },
    involvedObject: {
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: ns,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
    },
    reason,
    message,
    type: 'Warning',
    source: { component: 'kubelet', host: pod.spec.nodeName },
    firstTimestamp: now(),
    lastTimestamp: now(),
    count: 1,
  });
}

function baseStatus(pod: any, phase: string) {
  return {
    phase,
    hostIP: '10.0.10.200',
    startTime: now(),
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now() },
      { type: 'Initialized', status: 'True', lastTransitionTime: now() },
      {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        lastTransitionTime: now(),
        message: `containers with unready status: [${pod.spec.containers[0].name}]`,
      },
    ],
  };
}

/** The kubelet could not pull the first container's image. */
export async function reportImagePullBackOff(
  client: KubeClient,
  ns: string,
  pod: any,
): Promise<void> {
  const c = pod.spec.containers[0];
  const message = `Back-off pulling image "${c.image}"`;
  await writePodStatus(client, ns, pod.metadata.name, {
    ...baseStatus(pod, 'Pending'),
    containerStatuses: [
      {
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'ImagePullBackOff', message } },
      },
    ],
  });
  await recordEvent(
    client,
    ns,
    pod,
    'Failed',
    `Failed to pull image "${c.image}": rpc error: code = NotFound ` +
      'desc = failed to pull and unpack image: not found',
  );
}

/** The first container starts and exits with `exitCode` again and again. */
export async function reportCrashLoop(
  client: KubeClient,
  ns: string,
  pod: any,
  exitCode = 1,
): Promise<void> {
  const c = pod.spec.containers[0];
  await writePodStatus(client, ns, pod.metadata.name, {
    ...baseStatus(pod, 'Running'),
    containerStatuses: [
      {
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 5,
        started: false,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message:
              `back-off 2m40s restarting failed container=${c.name} ` + `pod=${pod.metadata.name}`,
          },
        },
        lastState: {
          terminated: { exitCode, reason: 'Error', startedAt: now(), finishedAt: now() },
        },
      },
    ],
  });
  await recordEvent(client, ns, pod, 'BackOff', 'Back-off restarting failed container');
}

/** The pod's only run ended: its container exited with `exitCode` (a failed Job pod). */
export async function reportPodFailed(
  client: KubeClient,
  ns: string,
  pod: any,
  exitCode = 1,
): Promise<void> {
  const c = pod.spec.containers[0];
  await writePodStatus(client, ns, pod.metadata.name, {
    ...baseStatus(pod, 'Failed'),
    containerStatuses: [
      {
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { terminated: { exitCode, reason: 'Error', startedAt: now(), finishedAt: now() } },
      },
    ],
  });
}

/** The node's kubelet reports Ready (once; no heartbeats follow). */
export async function reportNodeReady(client: KubeClient, node: string): Promise<void> {
  const res = await client.request(
    'PATCH',
    `/api/v1/nodes/${node}/status`,
    {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: now(),
            lastTransitionTime: now(),
          },
        ],
        allocatable: { cpu: '2', memory: '12Gi', pods: '110' },
        capacity: { cpu: '2', memory: '12Gi', pods: '110' },
      },
    },
    'application/strategic-merge-patch+json',
  );
  if (res.status !== 200)
    throw new Error(`node ${node} status: HTTP ${res.status}: ${res.body?.message}`);
}
