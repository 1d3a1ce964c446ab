// The suite's local control plane is real: real version, RBAC, admission, controllers,
// scheduler, and kwok-played nodes that run pods.
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toolVersions } from '../tools/build.ts';
import { useCluster } from './fixture.ts';
import { condition, createNamespace, pollUntil } from './helpers.ts';
import { readKubeconfig } from './kube-client.ts';

const cluster = useCluster();
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'registry.example/app:1', ...extra }] },
});

describe('local control plane', () => {
  it('reports the Kubernetes version it was built from', async () => {
    const v = await cluster.client().json('GET', '/version');
    const wanted = toolVersions().kubernetes!;
    expect(v.gitVersion).toBe(wanted);
    expect(`v${v.major}.${v.minor}`).toBe(wanted.split('.').slice(0, 2).join('.'));
    expect(v.gitTreeState).toBe('clean');
    expect(v.buildDate).not.toMatch(/^1970/);
  });

  it('has Ready fake nodes shaped like OKE A1 workers', async () => {
    const nodes = (await cluster.client().json('GET', '/api/v1/nodes')).items as any[];
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual([...cluster.nodeNames].sort());
    for (const n of nodes) {
      expect(condition(n, 'Ready')?.status).toBe('True');
      expect(n.metadata.labels).toMatchObject({
        'kubernetes.io/arch': 'arm64',
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'VM.Standard.A1.Flex',
      });
      expect(n.status.allocatable).toMatchObject({ cpu: '2', memory: '12Gi', pods: '110' });
    }
  });

  it('serves the upstream CRDs, Established, Strimzi only as v1', async () => {
    expect(cluster.crdNames).toEqual(
      expect.arrayContaining([
        'kafkas.kafka.strimzi.io',
        'kafkanodepools.kafka.strimzi.io',
        'subscriptions.dapr.io',
        'components.dapr.io',
      ]),
    );
    for (const name of cluster.crdNames) {
      const crd = await cluster
        .client()
        .json('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      expect(condition(crd, 'Established')?.status, name).toBe('True');
    }
    const kafka = await cluster.client().json('GET', '/apis/kafka.strimzi.io');
    expect(kafka.versions.map((v: any) => v.version)).toEqual(['v1']);
  });

  it('runs a Deployment: controllers, scheduler and kwok bring a pod to Running/Ready', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'deploy');
    const labels = { app: 'web' };
    await c.json('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { 'kubernetes.io/arch': 'arm64' },
            containers: [
              {
                name: 'web',
                image: 'registry.example/web:1',
                resources: { requests: { cpu: '100m' } },
              },
            ],
          },
        },
      },
    });
    await pollUntil(
      c,
      `/apis/apps/v1/namespaces/${ns}/deployments/web`,
      (d) => d.status?.availableReplicas === 1,
    );
    const pods = (await c.json('GET', `/api/v1/namespaces/${ns}/pods`)).items as any[];
    expect(pods).toHaveLength(1);
    expect(pods[0].status.phase).toBe('Running');
    expect(condition(pods[0], 'Ready')?.status).toBe('True');
    expect(cluster.nodeNames).toContain(pods[0].spec.nodeName);
    expect(pods[0].status.podIP).toMatch(/^10\.244\./);
  });

  it('completes a Job whose pod runs on a fake node', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'job');
    await c.json('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {
      metadata: { name: 'once' },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'run', image: 'registry.example/job:1' }],
          },
        },
      },
    });
    const job = await pollUntil(
      c,
      `/apis/batch/v1/namespaces/${ns}/jobs/once`,
      (j) => condition(j, 'Complete')?.status === 'True',
    );
    expect(job.status.succeeded).toBe(1);
  });

  it('counts a ResourceQuota and, without a LimitRange, rejects pods lacking requests', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'quota');
    await c.json('POST', `/api/v1/namespaces/${ns}/resourcequotas`, {
      metadata: { name: 'q' },
      spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi', pods: '5' } },
    });
    await pollUntil(c, `/api/v1/namespaces/${ns}/resourcequotas/q`, (q) => q.status?.hard?.pods);
    const rejected = await c.request('POST', `/api/v1/namespaces/${ns}/pods`, pod('bare'));
    expect(rejected.status).toBe(403);
    expect(rejected.body.message).toMatch(/failed quota: q: must specify requests\.cpu/);
    const ok = await c.request(
      'POST',
      `/api/v1/namespaces/${ns}/pods`,
      pod('sized', { resources: { requests: { cpu: '200m', memory: '64Mi' } } }),
    );
    expect(ok.status).toBe(201);
    const q = await pollUntil(
      c,
      `/api/v1/namespaces/${ns}/resourcequotas/q`,
      (body) => body.status?.used?.pods === '1',
    );
    expect(q.status.used['requests.cpu']).toBe('200m');
  });

  it('enforces PodSecurity: a restricted namespace rejects a privileged pod', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'pss', {
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const res = await c.request(
      'POST',
      `/api/v1/namespaces/${ns}/pods`,
      pod('priv', { securityContext: { privileged: true } }),
    );
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/violates PodSecurity "restricted:latest".*privileged/);
  });

  it('authorizes with RBAC: a service account without bindings is forbidden', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'rbac');
    const res = await c.request(
      'GET',
      '/api/v1/namespaces/kube-system/secrets',
      undefined,
      undefined,
      { 'Impersonate-User': `system:serviceaccount:${ns}:default` },
    );
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/cannot list resource "secrets"/);
  });

  it('issues service-account tokens the API server accepts', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'token');
    await pollUntil(c, `/api/v1/namespaces/${ns}/serviceaccounts/default`, () => true);
    const tr = await c.json('POST', `/api/v1/namespaces/${ns}/serviceaccounts/default/token`, {
      spec: { expirationSeconds: 600 },
    });
    const creds = readKubeconfig(cluster.kubeconfigPath);
    const review: any = await new Promise((resolve, reject) => {
      const url = new URL('/apis/authentication.k8s.io/v1/selfsubjectreviews', cluster.server);
      const req = httpsRequest(
        url,
        {
          method: 'POST',
          ca: creds.ca,
          headers: {
            authorization: `Bearer ${tr.status.token}`,
            'content-type': 'application/json',
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve(JSON.parse(body)));
        },
      );
      req.on('error', reject);
      req.end(
        JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      );
    });
    expect(review.status.userInfo.username).toBe(`system:serviceaccount:${ns}:default`);
  });

  it('finalizes a deleted namespace', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'gone');
    await c.json('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'x' } });
    await c.json('DELETE', `/api/v1/namespaces/${ns}`);
    const deadline = Date.now() + 60_000;
    let status = 200;
    while (status !== 404 && Date.now() < deadline) {
      status = (await c.request('GET', `/api/v1/namespaces/${ns}`)).status;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(404);
  });

  it('wrote a kubeconfig with the todo-infra-test context', () => {
    expect(readFileSync(cluster.kubeconfigPath, 'utf8')).toMatch(
      /current-context: todo-infra-test/,
    );
  });
});
