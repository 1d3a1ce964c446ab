// The cluster-level waits (all Nodes Ready, a Service's load-balancer address) and canI, against
// the real control plane with the load-balancer simulator playing OCI's cloud controller.
import { describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { condition } from '../cluster/helpers.ts';
import { startLbSimulator } from '../cluster/lb-simulator.ts';
import { logged, namespace, uniqueName } from './cluster-helpers.js';
import { createSimulatedNode, reportNodeReady } from './kubelet-simulator.js';
import { SLOW, useWaitsSetup, failure, type WaitsSetup } from './waits-harness.js';

const cluster = useCluster();
let s: WaitsSetup;
useWaitsSetup(cluster, (setup) => (s = setup));

describe('waitForNodesReady', SLOW, () => {
  it('returns for the nodes kwok runs, and when one more node turns Ready', async () => {
    const client = cluster.client();
    const ready = (await client.json('GET', '/api/v1/nodes')).items.filter(
      (n: any) => condition(n, 'Ready')?.status === 'True',
    ).length;
    await s.kube.waitForNodesReady(cluster.nodeNames.length, { timeoutMs: 10_000 });
    const extra = await createSimulatedNode(client);
    try {
      const waiting = s.kube.waitForNodesReady(ready + 1, { timeoutMs: 60_000 });
      await logged(s.t.lines, /watch on \/api\/v1\/nodes ended by the server; resuming/);
      await reportNodeReady(client, extra.name);
      await waiting;
    } finally {
      await extra.remove();
    }
  });

  it('times out saying how many are Ready and registered', async () => {
    const want = cluster.nodeNames.length + 5;
    const e = await failure(s.kube.waitForNodesReady(want, { timeoutMs: 1500 }));
    expect(e.message).toMatch(
      new RegExp(`last status: \\d+ of ${want} nodes Ready; only \\d+ registered`),
    );
    expect(e.hint).toMatch(/Nodes have not joined/);
  });
});

describe('waitForLoadBalancer', SLOW, () => {
  const service = (ns: string, name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });

  it('returns the address the cloud controller (simulated) assigns', async () => {
    const ns = uniqueName('lb');
    await s.kube.apply([namespace(ns), service(ns, 'ingress', { loadBalancerIP: '203.0.113.77' })]);
    const waiting = s.kube.waitForLoadBalancer(ns, 'ingress', { timeoutMs: 60_000 });
    await logged(
      s.t.lines,
      new RegExp(`watch on /api/v1/namespaces/${ns}/services ended by the server; resuming`),
    );
    const sim = await startLbSimulator({
      kubeconfigPath: cluster.kubeconfigPath,
      log: () => undefined,
      addressFor: (svc) => (svc.metadata.namespace === ns ? svc.spec.loadBalancerIP : undefined),
    });
    try {
      expect(await waiting).toBe('203.0.113.77');
    } finally {
      await sim.stop();
    }
  });

  it('times out saying no controller acts on the Service', async () => {
    const ns = uniqueName('lb-none');
    // A class no controller implements: nothing will ever provision it (the simulator, like
    // the real cloud controller, leaves classed Services alone).
    await s.kube.apply([
      namespace(ns),
      service(ns, 'ingress', { loadBalancerClass: 'todo-infra.test/nobody' }),
    ]);
    const e = await failure(s.kube.waitForLoadBalancer(ns, 'ingress', { timeoutMs: 1500 }));
    expect(e.message).toContain('last status: no load-balancer address assigned yet');
    expect(e.message).toContain(
      `Most likely cause: Service ${ns}/ingress has no load-balancer events at all`,
    );
  });

  it('refuses at once to wait on a Service that is not a LoadBalancer', async () => {
    const ns = uniqueName('lb-cip');
    await s.kube.apply([namespace(ns), service(ns, 'web', { type: 'ClusterIP' })]);
    const e = await failure(s.kube.waitForLoadBalancer(ns, 'web', { timeoutMs: 60_000 }));
    expect(e.code).toBe('KUBE_NOT_LOADBALANCER');
  });
});

describe('canI', SLOW, () => {
  it('answers for the admin and, by SubjectAccessReview, for a service account', async () => {
    expect(
      await s.kube.canI({
        verb: 'create',
        resource: 'deployments',
        group: 'apps',
        namespace: 'default',
      }),
    ).toBe(true);
    const ns = uniqueName('rbac');
    await s.kube.apply([
      namespace(ns),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: ns } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'deploy', namespace: ns },
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'deploy', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deploy' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
      },
    ]);
    const asUser = `system:serviceaccount:${ns}:deployer`;
    expect(
      await s.kube.canI({
        verb: 'patch',
        resource: 'deployments',
        group: 'apps',
        namespace: ns,
        asUser,
      }),
    ).toBe(true);
    expect(
      await s.kube.canI({
        verb: 'delete',
        resource: 'deployments',
        group: 'apps',
        namespace: ns,
        asUser,
      }),
    ).toBe(false);
    expect(
      await s.kube.canI({
        verb: 'patch',
        resource: 'deployments',
        group: 'apps',
        namespace: 'default',
        asUser,
      }),
    ).toBe(false);
  });
});
