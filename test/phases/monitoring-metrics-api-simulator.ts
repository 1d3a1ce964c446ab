// SIMULATOR — stands in for metrics-server's *API* (the aggregated group metrics.k8s.io/v1beta1
// that `kubectl top` and the HPA controller read). metrics-server cannot work here: kwok plays
// the kubelets and runs nothing, so there is no /metrics/resource endpoint to scrape.
//
// It is a real aggregated API server: an HTTPS server in the test process, registered with the
// real kube-apiserver through the APIService v1beta1.metrics.k8s.io (the object the real chart
// creates) in front of an ExternalName Service pointing at 127.0.0.1 (the aggregator resolves
// an ExternalName to its host; a ClusterIP is not routable without kube-proxy). So the
// aggregator's availability check, API discovery, `kubectl top` and the HPA controller in
// kube-controller-manager all go through their real code paths to reach it.
//
// What it reproduces: the NodeMetrics/PodMetrics shapes and the list/get routes, label
// selectors on pod lists (the HPA controller selects the target's pods), only Running pods
// being reported, per-container CPU/memory usage chosen by the test.
// What it does NOT reproduce: scraping — usage is whatever `usage()` returns, not measured;
// metric windows and staleness; authentication of the aggregator's front-proxy certificate;
// the OpenAPI document (404, which the aggregator tolerates).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '../cluster/kube-client.ts';
import { selfSignedCert } from '../cluster/self-signed.ts';

export const APISERVICE = 'v1beta1.metrics.k8s.io';
const GV = 'metrics.k8s.io/v1beta1';
const PREFIX = `/apis/${GV}`;

/** CPU in millicores and memory in MiB for one container of a pod. */
export type Usage = (pod: any, container: string) => { cpuMilli: number; memoryMi: number };

export interface MetricsApiSimulator {
  port: number;
  /** Paths the aggregator (or anyone) requested, in order. */
  requests: string[];
  setUsage(fn: Usage): void;
  stop(): Promise<void>;
}

const NOT_FOUND = { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 };
const RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: GV,
  resources: [
    {
      name: 'nodes',
      singularName: '',
      namespaced: false,
      kind: 'NodeMetrics',
      verbs: ['get', 'list'],
    },
    {
      name: 'pods',
      singularName: '',
      namespaced: true,
      kind: 'PodMetrics',
      verbs: ['get', 'list'],
    },
  ],
};

function podMetrics(pod: any, usage: Usage): any {
  const now = new Date().toISOString();
  return {
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      labels: pod.metadata.labels ?? {},
      creationTimestamp: now,
    },
    timestamp: now,
    window: '15s',
    containers: (pod.spec.containers ?? []).map((c: any) => {
      const u = usage(pod, c.name);
      return { name: c.name, usage: { cpu: `${u.cpuMilli}m`, memory: `${u.memoryMi}Mi` } };
    }),
  };
}

export async function startMetricsApiSimulator(
  client: KubeClient,
  opts: { serviceNamespace: string; usage?: Usage },
): Promise<MetricsApiSimulator> {
  let usage: Usage = opts.usage ?? (() => ({ cpuMilli: 5, memoryMi: 32 }));
  const requests: string[] = [];
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const one = (res: ServerResponse, kind: string, item: any) =>
    item ? send(res, 200, { kind, apiVersion: GV, ...item }) : send(res, 404, NOT_FOUND);

  async function pods(path: string, query: URLSearchParams): Promise<any[]> {
    const selector = query.get('labelSelector');
    const qs = selector ? `?labelSelector=${encodeURIComponent(selector)}` : '';
    const list = await client.json('GET', `${path}${qs}`);
    return (list.items ?? []).filter((p: any) => p.status?.phase === 'Running');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sim');
    requests.push(url.pathname);
    const p = url.pathname.replace(/\/$/, '');
    if (p === PREFIX) return send(res, 200, RESOURCES);
    if (p === '/apis/metrics.k8s.io') {
      const version = { groupVersion: GV, version: 'v1beta1' };
      return send(res, 200, {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: 'metrics.k8s.io',
        versions: [version],
        preferredVersion: version,
      });
    }
    const node = /^\/apis\/metrics\.k8s\.io\/v1beta1\/nodes(?:\/([^/]+))?$/.exec(p);
    if (node) {
      const nodes = (await client.json('GET', '/api/v1/nodes')).items as any[];
      const now = new Date().toISOString();
      const items = nodes
        .filter((n) => !node[1] || n.metadata.name === node[1])
        .map((n) => ({
          metadata: {
            name: n.metadata.name,
            labels: n.metadata.labels ?? {},
            creationTimestamp: now,
          },
          timestamp: now,
          window: '15s',
          usage: { cpu: '250m', memory: '1024Mi' },
        }));
      if (node[1]) return one(res, 'NodeMetrics', items[0]);
      return send(res, 200, { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items });
    }
    const pod =
      /^\/apis\/metrics\.k8s\.io\/v1beta1(?:\/namespaces\/([^/]+))?\/pods(?:\/([^/]+))?$/.exec(p);
    if (pod) {
      const [, ns, name] = pod;
      const path = ns ? `/api/v1/namespaces/${ns}/pods` : '/api/v1/pods';
      const items = (await pods(path, url.searchParams))
        .filter((x) => !name || x.metadata.name === name)
        .map((x) => podMetrics(x, usage));
      if (name) return one(res, 'PodMetrics', items[0]);
      return send(res, 200, { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items });
    }
    return send(res, 404, NOT_FOUND);
  }

  const server: Server = createServer(selfSignedCert({ ip: '127.0.0.1' }), (req, res) => {
    handle(req, res).catch((err) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const svcPath = `/api/v1/namespaces/${opts.serviceNamespace}/services`;
  const svcName = 'metrics-api-simulator';
  await client.request('DELETE', `/apis/apiregistration.k8s.io/v1/apiservices/${APISERVICE}`);
  await client.request('DELETE', `${svcPath}/${svcName}`);
  await client.json('POST', svcPath, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svcName },
    spec: { type: 'ExternalName', externalName: '127.0.0.1' },
  });
  await client.json('POST', '/apis/apiregistration.k8s.io/v1/apiservices', {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: APISERVICE },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      groupPriorityMinimum: 100,
      versionPriority: 100,
      insecureSkipTLSVerify: true,
      service: { name: svcName, namespace: opts.serviceNamespace, port },
    },
  });

  return {
    port,
    requests,
    setUsage(fn) {
      usage = fn;
    },
    async stop() {
      // The APIService goes first: once nothing answers behind it, discovery fails cluster-wide.
      await client.request('DELETE', `/apis/apiregistration.k8s.io/v1/apiservices/${APISERVICE}`);
      await client.request('DELETE', `${svcPath}/${svcName}`);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
