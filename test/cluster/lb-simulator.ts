// SIMULATOR — stands in for the load-balancer half of OCI's cloud controller manager (the
// Kubernetes service controller with the OCI cloud provider), which on OKE provisions an OCI
// Load Balancer for every Service of type LoadBalancer and writes its public IP into
// status.loadBalancer.ingress.
//
// What it reproduces: only Services of type LoadBalancer without spec.loadBalancerClass are
// handled (the cloud service controller ignores classed Services); spec.loadBalancerIP (a
// reserved public IP on OCI) is honoured; otherwise an address is allocated per Service from
// 203.0.113.0/24 (TEST-NET-3, never routable) or chosen by `addressFor`; the address can be
// delayed or withheld (to test "no load-balancer address" timeouts); a Service that stops being
// a LoadBalancer loses its address; EnsuredLoadBalancer events are recorded; optionally the
// service.kubernetes.io/load-balancer-cleanup finalizer is added and removed on deletion.
//
// What it does NOT reproduce: no OCI load balancer, listener, backend set, health check or
// security list exists and no traffic is forwarded; OCI annotations (shape, bandwidth, subnets,
// NSGs, SSL) are not validated; Always Free limits (one 10 Mbps flexible LB) are not enforced;
// provisioning failures only happen when a test withholds the address.
import { kubeClient, type KubeClient } from './kube-client.ts';
import { startWatchLoop } from './watch-loop.ts';

export const LB_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export interface LbSimulatorOptions {
  kubeconfigPath: string;
  /** Address for a Service; `undefined` withholds it (the LB "never becomes ready"). */
  addressFor?: (svc: any) => string | undefined;
  /** Provisioning delay before the address appears (default 0). */
  delayMs?: number;
  /** Add/remove the load-balancer cleanup finalizer like the real controller (default false:
   *  with it, deleting such a Service hangs once the simulator is stopped, as on a real cluster
   *  whose cloud controller is down). */
  manageFinalizer?: boolean;
  log?: (msg: string) => void;
}

export interface LbSimulator {
  /** namespace/name -> address assigned so far. */
  assigned: Map<string, string>;
  stop(): Promise<void>;
}

const key = (svc: any): string => `${svc.metadata.namespace}/${svc.metadata.name}`;

function wantsLb(svc: any): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec?.loadBalancerClass;
}

async function recordEvent(client: KubeClient, svc: any, ip: string): Promise<void> {
  const ns = svc.metadata.namespace;
  await client.request('POST', `/api/v1/namespaces/${ns}/events`, {
    metadata: { generateName: `${svc.metadata.name}.` },
    involvedObject: {
      kind: 'Service',
      apiVersion: 'v1',
      namespace: ns,
      name: svc.metadata.name,
      uid: svc.metadata.uid,
    },
    reason: 'EnsuredLoadBalancer',
    message: `Ensured load balancer (simulated) at ${ip}`,
    type: 'Normal',
    source: { component: 'service-controller' },
    firstTimestamp: new Date().toISOString(),
    lastTimestamp: new Date().toISOString(),
    count: 1,
  });
}

export async function startLbSimulator(opts: LbSimulatorOptions): Promise<LbSimulator> {
  const client = kubeClient(opts.kubeconfigPath);
  const log = opts.log ?? ((m: string) => void process.stderr.write(`[lb-simulator] ${m}\n`));
  const assigned = new Map<string, string>();
  let next = 10;
  const pool = new Map<string, string>();
  const defaultAddress = (svc: any): string => {
    if (svc.spec?.loadBalancerIP) return svc.spec.loadBalancerIP;
    const k = key(svc);
    if (!pool.has(k)) pool.set(k, `203.0.113.${next++}`);
    return pool.get(k)!;
  };
  const path = (svc: any): string =>
    `/api/v1/namespaces/${svc.metadata.namespace}/services/${svc.metadata.name}`;
  const merge = 'application/merge-patch+json';

  const reconcile = async (svc: any, deleted: boolean): Promise<void> => {
    if (deleted) {
      assigned.delete(key(svc));
      return;
    }
    const finalizers: string[] = svc.metadata.finalizers ?? [];
    if (svc.metadata.deletionTimestamp) {
      if (finalizers.includes(LB_CLEANUP_FINALIZER)) {
        await client.json(
          'PATCH',
          path(svc),
          {
            metadata: {
              resourceVersion: svc.metadata.resourceVersion,
              finalizers: finalizers.filter((f) => f !== LB_CLEANUP_FINALIZER),
            },
          },
          merge,
        );
      }
      return;
    }
    const current: string | undefined = svc.status?.loadBalancer?.ingress?.[0]?.ip;
    if (!wantsLb(svc)) {
      if (current !== undefined) {
        await client.json(
          'PATCH',
          `${path(svc)}/status`,
          { status: { loadBalancer: { ingress: null } } },
          merge,
        );
        assigned.delete(key(svc));
      }
      return;
    }
    const ip = (opts.addressFor ?? defaultAddress)(svc);
    if (ip === undefined || ip === current) return;
    if (opts.manageFinalizer && !finalizers.includes(LB_CLEANUP_FINALIZER)) {
      await client.json(
        'PATCH',
        path(svc),
        {
          metadata: {
            resourceVersion: svc.metadata.resourceVersion,
            finalizers: [...finalizers, LB_CLEANUP_FINALIZER],
          },
        },
        merge,
      );
    }
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    await client.json(
      'PATCH',
      `${path(svc)}/status`,
      { status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } },
      merge,
    );
    assigned.set(key(svc), ip);
    await recordEvent(client, svc, ip);
    log(`${key(svc)} -> ${ip}`);
  };

  const loop = startWatchLoop(client, '/api/v1/services', reconcile, log);
  await loop.synced;
  return { assigned, stop: () => loop.stop() };
}
