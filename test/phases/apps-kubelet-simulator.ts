// SIMULATOR — stands in for a kubelet that cannot pull an image. On a real node the kubelet
// reports the container as waiting with reason ErrImagePull / ImagePullBackOff and the pod
// never becomes Ready. kwok (which plays the fake nodes' kubelets) marks every pod Running and
// Ready, so this test-side loop overwrites the status of pods whose image matches `failing`
// with what a kubelet reports when a pull fails on a (re)start: phase Running, container
// waiting in ImagePullBackOff, Ready False. kwok's stages only act on Pending pods, so the two
// do not fight.
//
// What it does NOT reproduce: the pull itself, back-off timing, the Failed/BackOff events a
// kubelet records, or the Pending phase of a pod whose very first pull fails.
import type { KubeClient } from '../cluster/kube-client.ts';

export interface PullFailureSimulator {
  patched: Set<string>;
  stop(): void;
}

export function startPullFailureSimulator(
  client: KubeClient,
  namespace: string,
  failing: (image: string) => boolean,
): PullFailureSimulator {
  const patched = new Set<string>();
  let stopped = false;
  const tick = async () => {
    const list = await client.json('GET', `/api/v1/namespaces/${namespace}/pods`);
    for (const pod of list.items as any[]) {
      const containers: any[] = pod.spec.containers;
      const bad = containers.filter((c) => failing(c.image));
      if (bad.length === 0 || pod.status?.phase !== 'Running') continue;
      const already = (pod.status.containerStatuses ?? []).some(
        (s: any) => s.state?.waiting?.reason === 'ImagePullBackOff');
      if (already) continue;
      const now = new Date().toISOString();
      const status = {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now },
        ],
        containerStatuses: containers.map((c) => failing(c.image)
          ? { name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 1,
            state: { waiting: { reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${c.image}": not found` } } }
          : { name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: 0,
            state: { running: { startedAt: now } } }),
      };
      await client.json('PATCH', `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}/status`,
        { status }, 'application/strategic-merge-patch+json');
      patched.add(pod.metadata.name);
    }
  };
  const loop = async () => {
    while (!stopped) {
      await tick().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  void loop();
  return { patched, stop: () => { stopped = true; } };
}
