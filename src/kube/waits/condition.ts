// Waiting for a condition on any object — typically an operator's custom resource reporting
// Ready=True (Strimzi's Kafka, a Dapr component's workload). A condition written for an older
// generation of the object is stale: it describes the spec before our apply, so it does not count.
import { describeRef } from '../manifests.js';
import { resourcePath } from '../discovery.js';
import type { Condition, KubeObject, ObjectRef, WaitOptions } from '../types.js';
import type { Evaluation } from '../watch.js';
import { describeCondition, findCondition, untilNamed, type WaitDeps } from './common.js';

export function evaluateCondition(
  object: KubeObject | undefined,
  ref: ObjectRef,
  type: string,
  want: string,
): Evaluation<KubeObject> {
  if (!object) return { done: false, status: `${describeRef(ref)} does not exist yet` };
  const generation = object.metadata.generation as number | undefined;
  const status = object.status as { observedGeneration?: number } | undefined;
  const observed = status?.observedGeneration;
  const c = findCondition(object, type);
  if (!c) return { done: false, status: `no ${type} condition reported yet` };
  const seenAt = c.observedGeneration ?? observed;
  if (generation !== undefined && seenAt !== undefined && seenAt < generation) {
    return {
      done: false,
      status: `${describeCondition(c)} is for generation ${seenAt}; the object is at ${generation}`,
    };
  }
  if (c.status === want) return { done: true, value: object };
  return { done: false, status: describeCondition(c) };
}

export async function waitForCondition(
  deps: WaitDeps,
  ref: ObjectRef,
  condition: Condition,
  options: WaitOptions,
): Promise<KubeObject> {
  const info = await deps.discovery.require(ref.apiVersion, ref.kind);
  const namespace = info.namespaced ? (ref.namespace ?? deps.defaultNamespace) : undefined;
  const full = { ...ref, namespace };
  const want = condition.status ?? 'True';
  const what = `${describeRef(full)} to report ${condition.type}=${want}`;
  return untilNamed(
    deps,
    {
      path: resourcePath(info, namespace),
      name: ref.name,
      what,
      evaluate: (object) => evaluateCondition(object, full, condition.type, want),
      // Events about cluster-scoped objects are recorded in the default namespace.
      evidence: () => ({
        namespace: namespace ?? 'default',
        involved: [{ kind: ref.kind, name: ref.name }],
      }),
    },
    options,
  );
}
