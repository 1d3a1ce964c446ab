// Waiting until a number of nodes are Ready — after the node pool is created, nothing else
// can be scheduled. The status names the nodes that are not Ready and what their kubelet says.
import { waitTimeoutError } from '../evidence.js';
import type { KubeObject, WaitOptions } from '../types.js';
import type { Evaluation } from '../watch.js';
import { describeCondition, findCondition, type WaitDeps } from './common.js';

export function evaluateNodes(nodes: KubeObject[], count: number): Evaluation<void> {
  const ready = nodes.filter((n) => findCondition(n, 'Ready')?.status === 'True');
  if (ready.length >= count) return { done: true, value: undefined };
  const notReady = nodes
    .filter((n) => !ready.includes(n))
    .slice(0, 3)
    .map((n) => {
      const c = findCondition(n, 'Ready');
      return `${n.metadata.name}: ${c ? describeCondition(c) : 'no Ready condition yet'}`;
    });
  const registered = nodes.length < count ? `; only ${nodes.length} registered` : '';
  return {
    done: false,
    status:
      `${ready.length} of ${count} nodes Ready${registered}` +
      (notReady.length ? ` (${notReady.join('; ')})` : ''),
  };
}

export function waitForNodesReady(
  deps: WaitDeps,
  count: number,
  options: WaitOptions,
): Promise<void> {
  const what = `${count} node(s) to be Ready`;
  return deps.watcher.until({
    path: '/api/v1/nodes',
    what,
    evaluate: (objects) => evaluateNodes(objects, count),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    onTimeout: async (lastStatus, _signal, seen) =>
      waitTimeoutError(what, options.timeoutMs, lastStatus, [], {
        hint:
          seen.length < count
            ? 'Nodes have not joined the cluster: check the node pool in the OCI console (work ' +
              'requests, capacity errors for the A1 shape in that availability domain).'
            : 'Nodes joined but are not Ready: their Ready condition above says why ' +
              '(CNI, kubelet).',
      }),
  });
}
