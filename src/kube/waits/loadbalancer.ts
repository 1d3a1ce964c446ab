// Waiting for a LoadBalancer Service to be given an address. The cloud controller (OCI's, on
// OKE) provisions the load balancer and writes status.loadBalancer.ingress; when nothing
// writes it, no event mentions it either — that silence is itself the diagnosis.
import { usageError } from '../../core/errors.js';
import { gatherEvidence, waitTimeoutError } from '../evidence.js';
import { diagnose, type Cause } from '../diagnose.js';
import type { KubeObject, WaitOptions } from '../types.js';
import type { Evaluation } from '../watch.js';
import { byName, nameSelector, type WaitDeps } from './common.js';

interface ServiceShape {
  spec?: { type?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export function evaluateLoadBalancer(svc: KubeObject | undefined, ref: string): Evaluation<string> {
  if (!svc) return { done: false, status: `Service ${ref} does not exist yet` };
  const s = svc as unknown as ServiceShape;
  if (s.spec?.type !== 'LoadBalancer') {
    throw usageError(
      'KUBE_NOT_LOADBALANCER',
      `Service ${ref} is of type ${s.spec?.type ?? 'ClusterIP'}; ` +
        'no load balancer will ever be assigned',
      'Set spec.type: LoadBalancer on the Service, or do not wait for an address.',
    );
  }
  const ingress = s.status?.loadBalancer?.ingress?.find((i) => i.ip || i.hostname);
  const address = ingress?.ip ?? ingress?.hostname;
  if (address) return { done: true, value: address };
  return { done: false, status: 'no load-balancer address assigned yet' };
}

export function waitForLoadBalancer(
  deps: WaitDeps,
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<string> {
  const ref = `${namespace}/${name}`;
  const what = `Service ${ref} to get a load-balancer address`;
  return deps.watcher.until({
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/services`,
    fieldSelector: nameSelector(name),
    what,
    evaluate: (objects) => evaluateLoadBalancer(byName(objects, name), ref),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    onTimeout: async (lastStatus, signal) => {
      const { evidence, problems } = await gatherEvidence(
        deps.transport,
        { namespace, involved: [{ kind: 'Service', name }] },
        signal,
      );
      const causes = diagnose(evidence);
      const lbEvents = (evidence.events ?? []).length;
      const silent: Cause = {
        kind: 'load-balancer',
        detail: 'silent',
        summary:
          `Service ${ref} has no load-balancer events at all: no cloud controller is acting on ` +
          'it (is the cloud-controller-manager running, and does it manage this cluster?)',
        hint:
          'Without a cloud controller nothing provisions load balancers. On OKE it is built in; ' +
          'elsewhere install one (or MetalLB), or use a NodePort Service instead.',
      };
      const all = causes.length > 0 || lbEvents > 0 ? causes : [silent];
      return waitTimeoutError(what, options.timeoutMs, lastStatus, all, { problems });
    },
  });
}
