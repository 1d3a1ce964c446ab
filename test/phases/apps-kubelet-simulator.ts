// SIMULATOR — stands in for the kubelet of a worker node that cannot pull some images. On a
// real node the kubelet leaves such a pod Pending with its container waiting in ErrImagePull /
// ImagePullBackOff, and the pod never becomes Ready. kwok plays the other fake nodes' kubelets
// and starts every pod at once, so this is a separate fake A1 node (not kwok-managed) whose
// "kubelet" is the loop below: pods bound to it whose image matches `failing` get the kubelet's
// pull-failure status; all others are reported Running and Ready. The test cordons the kwok
// node meanwhile, so the scheduler places new pods here.
//
// What it reproduces: the node object (arm64, A1 capacity, Ready, heartbeats and a node Lease
// so the node lifecycle controller leaves it alone during the test) and the pod status shapes
// above. What it does NOT reproduce: the pull itself and its back-off timing, the kubelet's
// events (Failed/BackOff), probes, container restarts, or anything a pod actually runs.
import type { KubeClient } from '../cluster/kube-client.ts';

export interface PullFailureNode {
  name: string;
  stop(): Promise<void>;
}

const MERGE = 'application/merge-patch+json';
/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
const micro = () => new Date().toISOString().replace(/Z$/, '000Z');
const SMP = 'application/strategic-merge-patch+json';

function readyStatus(now: string): object {
  return {
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'pull-failure simulator',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
      ...['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'].map((type) => ({
        type,
        status: 'False',
        reason: 'Simulated',
        message: 'simulated',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      })),
    ],
  };
}

function podStatus(pod: any, failing: (image: string) => boolean, now: string): object {
  const containers: any[] = pod.spec.containers;
  const stuck = containers.some((c) => failing(c.image));
  const ready = stuck ? 'False' : 'True';
  return {
    phase: stuck ? 'Pending' : 'Running',
    startTime: now,
    hostIP: '10.0.10.99',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      { type: 'Initialized', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: ready, lastTransitionTime: now },
      { type: 'Ready', status: ready, lastTransitionTime: now },
    ],
    containerStatuses: containers.map((c) =>
      failing(c.image)
        ? {
            name: c.name,
            image: c.image,
            imageID: '',
            ready: false,
            started: false,
            restartCount: 0,
            state: {
              waiting: {
                reason: 'ImagePullBackOff',
                message: `Back-off pulling image "${c.image}": manifest unknown`,
              },
            },
          }
        : {
            name: c.name,
            image: c.image,
            imageID: '',
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: now } },
          },
    ),
  };
}

export async function startPullFailureNode(
  client: KubeClient,
  name: string,
  failing: (image: string) => boolean,
): Promise<PullFailureNode> {
  const now = () => new Date().toISOString();
  const capacity = { cpu: '2', memory: '12Gi', pods: '110', 'ephemeral-storage': '40Gi' };
  await client.json('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/arch': 'arm64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node.kubernetes.io/instance-type': 'VM.Standard.A1.Flex',
      },
    },
    status: {
      capacity,
      allocatable: capacity,
      ...readyStatus(now()),
      addresses: [{ type: 'InternalIP', address: '10.0.10.99' }],
    },
  });
  const leasePath = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
  await client.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
    metadata: { name },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: micro() },
  });
  let stopped = false;
  const handled = new Map<string, string>();
  const tick = async () => {
    const t = now();
    await client.json('PATCH', `/api/v1/nodes/${name}/status`, { status: readyStatus(t) }, SMP);
    await client.request('PATCH', leasePath, { spec: { renewTime: micro() } }, MERGE);
    const pods = await client.json('GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${name}`);
    for (const pod of pods.items as any[]) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (pod.metadata.deletionTimestamp) {
        await client.request(
          'DELETE',
          `/api/v1/namespaces/${pod.metadata.namespace}/pods/` + `${pod.metadata.name}`,
          { gracePeriodSeconds: 0 },
        );
        continue;
      }
      if (handled.get(key) === pod.metadata.uid) continue;
      await client.json(
        'PATCH',
        `/api/v1/namespaces/${pod.metadata.namespace}/pods/` + `${pod.metadata.name}/status`,
        { status: podStatus(pod, failing, t) },
        SMP,
      );
      handled.set(key, pod.metadata.uid);
    }
  };
  const loop = async () => {
    while (!stopped) {
      await tick().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  void loop();
  return {
    name,
    async stop() {
      stopped = true;
      await client.request('DELETE', `/api/v1/nodes/${name}`);
      await client.request('DELETE', leasePath);
    },
  };
}

/** Marks a node (un)schedulable, like `kubectl cordon` / `uncordon`. */
export async function setCordoned(
  client: KubeClient,
  node: string,
  cordoned: boolean,
): Promise<void> {
  await client.json('PATCH', `/api/v1/nodes/${node}`, { spec: { unschedulable: cordoned } }, MERGE);
}
