// Waiting for a CustomResourceDefinition to be Established: until then its kind is not served
// and applying a custom resource of that kind fails with "no matches for kind".
import { waitTimeoutError } from '../evidence.js';
import type { WaitOptions } from '../types.js';
import type { Evaluation } from '../watch.js';
import type { KubeObject } from '../types.js';
import { byName, describeCondition, findCondition, nameSelector, type WaitDeps } from './common.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export function evaluateCrd(crd: KubeObject | undefined, name: string): Evaluation<void> {
  if (!crd) return { done: false, status: `CustomResourceDefinition ${name} does not exist yet` };
  const established = findCondition(crd, 'Established');
  if (established?.status === 'True') return { done: true, value: undefined };
  // NamesAccepted=False (a plural or short name clashes with another CRD) never heals alone.
  const names = findCondition(crd, 'NamesAccepted');
  if (names && names.status === 'False') return { done: false, status: describeCondition(names) };
  const status = established ? describeCondition(established) : 'not established yet';
  return { done: false, status };
}

export function waitForCrdEstablished(
  deps: WaitDeps,
  name: string,
  options: WaitOptions,
): Promise<void> {
  const what = `CustomResourceDefinition ${name} to be established`;
  return deps.watcher.until({
    path: CRDS,
    fieldSelector: nameSelector(name),
    what,
    evaluate: (objects) => evaluateCrd(byName(objects, name), name),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    onTimeout: async (lastStatus) =>
      waitTimeoutError(what, options.timeoutMs, lastStatus, [], {
        hint: 'Check the CRD with `kubectl describe crd ' + name + '`; its conditions say why.',
      }),
  });
}
