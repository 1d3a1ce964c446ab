// Waiting for an object to be gone after a delete: finalizers (a namespace's content, an
// operator's cleanup) can keep it for a while, and what comes next may need the name free.
import { waitTimeoutError } from '../evidence.js';
import type { WaitOptions } from '../types.js';
import type { Evaluation } from '../watch.js';
import type { KubeObject } from '../types.js';
import { byName, nameSelector, type WaitDeps } from './common.js';

export function evaluateDeleted(object: KubeObject | undefined): Evaluation<void> {
  if (!object) return { done: true, value: undefined };
  const finalizers = (object.metadata.finalizers as string[] | undefined) ?? [];
  return {
    done: false,
    status: finalizers.length
      ? `still present, waiting for finalizers: ${finalizers.join(', ')}`
      : 'still present (being deleted)',
  };
}

export function waitForDeleted(
  deps: WaitDeps,
  collectionPath: string,
  name: string,
  description: string,
  options: WaitOptions,
): Promise<void> {
  const what = `${description} to be deleted`;
  return deps.watcher.until({
    path: collectionPath,
    fieldSelector: nameSelector(name),
    what,
    evaluate: (objects) => evaluateDeleted(byName(objects, name)),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    onTimeout: async (lastStatus) =>
      waitTimeoutError(what, options.timeoutMs, lastStatus, [], {
        hint: 'A finalizer is holding it: the controller that owns the finalizer must be running.',
      }),
  });
}
