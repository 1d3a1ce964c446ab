// Fake worker nodes shaped like OKE's Always Free Ampere A1 workers.
//
// OKE labels its workers with the standard arch/os/instance-type labels; the product's
// scheduling (nodeSelectors, arm64 images) and capacity maths (2 OCPU / 12 GB in total) must be
// tested against nodes that look the same. kwok plays their kubelets (see kwok-config.ts), so
// they only need the annotation kwok selects on and the capacity a kubelet would report.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { KWOK_NODE_ANNOTATION, KWOK_NODE_ANNOTATION_VALUE } from './kwok-config.ts';
import type { KubeClient } from './kube-client.ts';

export interface NodeShape {
  /** Allocatable (and capacity) CPU, Kubernetes quantity. */
  cpu: string;
  /** Allocatable (and capacity) memory, Kubernetes quantity. */
  memory: string;
  pods: string;
  /** Roughly OKE's default 50 GB boot volume minus the OS; pods with storage requests need it. */
  ephemeralStorage: string;
}

export const DEFAULT_NODE_SHAPE: NodeShape = {
  cpu: '2',
  memory: '12Gi',
  pods: '110',
  ephemeralStorage: '40Gi',
};

export function fakeNodeName(index: number): string {
  return `a1-worker-${index}`;
}

function nodeManifest(index: number, shape: NodeShape, kubeletVersion: string): object {
  const name = fakeNodeName(index);
  const resources = {
    cpu: shape.cpu,
    memory: shape.memory,
    pods: shape.pods,
    'ephemeral-storage': shape.ephemeralStorage,
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [KWOK_NODE_ANNOTATION]: KWOK_NODE_ANNOTATION_VALUE,
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: {
        'kubernetes.io/arch': 'arm64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node.kubernetes.io/instance-type': 'VM.Standard.A1.Flex',
        'beta.kubernetes.io/arch': 'arm64',
        'beta.kubernetes.io/os': 'linux',
        type: 'kwok',
      },
    },
    // Pod IPs come from the node's podCIDR, like flannel on OKE.
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      allocatable: resources,
      capacity: resources,
      addresses: [
        { type: 'InternalIP', address: `10.0.10.${10 + index}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        architecture: 'arm64',
        operatingSystem: 'linux',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: 'kwok://fake',
        kernelVersion: 'fake',
        osImage: 'fake (kwok)',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}

/** Creates `count` fake nodes (idempotent: existing ones are left alone). */
export async function createFakeNodes(
  client: KubeClient,
  count: number,
  shape: NodeShape,
  kubeletVersion: string,
): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await client.request(
      'POST',
      '/api/v1/nodes',
      nodeManifest(i, shape, kubeletVersion),
    );
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(
        `creating fake node ${fakeNodeName(i)}: HTTP ${res.status}: ` +
          `${res.body?.message ?? JSON.stringify(res.body)}`,
      );
    }
    names.push(fakeNodeName(i));
  }
  return names;
}

export function nodeIsReady(node: any): boolean {
  const ready = node?.status?.conditions?.find((c: any) => c.type === 'Ready');
  const notReadyTaint = node?.spec?.taints?.some(
    (t: any) =>
      t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable',
  );
  return ready?.status === 'True' && !notReadyTaint;
}
