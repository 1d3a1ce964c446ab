// Read-only status checks the strimzi, kafka and dapr checkpoints share. A checkpoint must not
// wait: it looks at what the API server says now and names what does not hold.
import type { Kube, KubeObject } from '../../kube/types.js';

interface StatusCondition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
}

export function conditionsOf(obj: KubeObject | undefined): StatusCondition[] {
  const status = obj?.status as { conditions?: StatusCondition[] } | undefined;
  return Array.isArray(status?.conditions) ? status.conditions : [];
}

/** "Ready=False (NotReady: no broker)" for every condition, for messages. */
export function describeConditions(obj: KubeObject | undefined): string {
  const all = conditionsOf(obj);
  if (all.length === 0) return 'no conditions reported';
  return all
    .map((c) => {
      const why = [c.reason, c.message].filter((s) => s && s.length > 0).join(': ');
      return `${c.type}=${c.status ?? 'Unknown'}${why ? ` (${why})` : ''}`;
    })
    .join('; ');
}

/** True when `type` is True and was reported for the object's current generation. */
export function isCurrentlyTrue(obj: KubeObject | undefined, type: string): boolean {
  const c = conditionsOf(obj).find((x) => x.type === type) as
    (StatusCondition & { observedGeneration?: number }) | undefined;
  if (c?.status !== 'True') return false;
  const generation = obj?.metadata.generation as number | undefined;
  const observed =
    c.observedGeneration ??
    (obj?.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  return generation === undefined || observed === undefined || observed >= generation;
}

/** A Deployment whose current spec is rolled out and whose pods are all ready. */
export function deploymentReady(obj: KubeObject | undefined): boolean {
  if (!obj) return false;
  const spec = obj.spec as { replicas?: number } | undefined;
  const st = (obj.status ?? {}) as {
    observedGeneration?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
  const want = spec?.replicas ?? 1;
  const generation = obj.metadata.generation as number | undefined;
  if (generation !== undefined && (st.observedGeneration ?? 0) < generation) return false;
  return (st.updatedReplicas ?? 0) >= want && (st.availableReplicas ?? 0) >= want;
}

export function podReady(obj: KubeObject | undefined): boolean {
  return !!obj && !obj.metadata.deletionTimestamp && isCurrentlyTrue(obj, 'Ready');
}

export async function crdEstablished(kube: Kube, name: string): Promise<boolean> {
  const crd = await kube.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name,
  });
  return isCurrentlyTrue(crd, 'Established');
}
