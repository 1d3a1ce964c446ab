// Phase base on the real local control plane: namespaces with enforced Pod Security, quotas and
// LimitRanges doing their job in admission, the CI/CD RBAC matrix answered by the API server
// (SubjectAccessReview with impersonation), and the db secret never leaking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube, KubeObject } from '../../src/kube/types.js';
import { basePhase, baseObjects } from '../../src/phases/base.js';
import { ciUserName, CI_TOKEN_SECRET } from '../../src/manifests/base/rbac.js';
import { harness, isolatedNamespaces, makeConfig, type Harness } from './apps-harness.js';

const cluster = useCluster();
const SECRET = 'postgresql://todo:Zq8-base-test-s3cret-91x@db.internal:5432/todo';
const ENV = 'APPS_TEST_BASE_DB_URL';

const config = makeConfig({
  ...isolatedNamespaces('bt'),
  secrets: { dbConnectionString: { fromEnv: ENV } },
});
const APP = config.apps.namespace;

let h: Harness;
let kube: Kube;

const restrictedPod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: APP },
  spec: {
    nodeSelector: { 'kubernetes.io/arch': 'arm64' },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'c',
        image: 'registry.example/probe:1',
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        },
        ...extra,
      },
    ],
  },
});

beforeAll(async () => {
  process.env[ENV] = SECRET;
  h = harness(config, cluster.kubeconfigPath);
  kube = await h.context(basePhase).kube();
});

afterAll(() => {
  delete process.env[ENV];
  clearSecretsForTests();
  h?.cleanup();
});

describe('phase base on the control plane', () => {
  it('runs, passes its checkpoint, and is skipped by the journal on the second run', async () => {
    const first = await h.run([basePhase], ['base']);
    expect(first.failed).toEqual([]);
    expect(first.succeeded).toEqual(['base']);
    const check = await basePhase.checkpoint(h.context(basePhase));
    expect(check).toMatchObject({ ok: true });
    expect(check.detail).toContain('db-credentials exists');

    const second = await h.run([basePhase], ['base']);
    expect(second.skipped).toEqual(['base']);
    expect(h.events.some((e) => e.type === 'phase-skip' && e.reason === 'unchanged')).toBe(true);
  });

  it('changes nothing when applied again (server-side apply, strict validation)', async () => {
    const results = await kube.apply(baseObjects(config));
    expect(results.map((r) => r.action)).toEqual(results.map(() => 'unchanged'));
    await basePhase.run(h.context(basePhase));
    expect(h.lines.some((l) => l.includes('secret db-credentials: unchanged'))).toBe(true);
    // Strict field validation is on for what the phase sends: an unknown field is an error.
    const bogus = { ...baseObjects(config)[0]!, spec: { finalizers: [], bogusField: 1 } };
    await expect(kube.apply([bogus as KubeObject], { dryRun: true })).rejects.toThrow(/bogusField/);
  });

  it('enforces restricted Pod Security in the app namespace', async () => {
    const root = restrictedPod('psa-violator', {
      securityContext: { privileged: true, runAsUser: 0 },
    });
    await expect(kube.apply([root])).rejects.toThrow(/violates PodSecurity "restricted/);
  });

  it('admits a pod without resources (LimitRange) and rejects one over quota', async () => {
    const [ok] = await kube.apply([restrictedPod('limitrange-defaults')]);
    expect(ok?.action).toBe('created');
    const ref = { apiVersion: 'v1', kind: 'Pod', name: 'limitrange-defaults', namespace: APP };
    const pod = await kube.get(ref);
    const c = (pod?.spec as any).containers[0];
    expect(c.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    });
    const big = restrictedPod('over-quota', {
      resources: {
        requests: { cpu: '1500m', memory: '64Mi' },
        limits: { cpu: '2', memory: '128Mi' },
      },
    });
    await expect(kube.apply([big])).rejects.toThrow(
      /exceeded quota: platform-quota.*requests\.cpu/,
    );
    await kube.delete(ref);
  });

  it('gives the CI/CD ServiceAccount exactly the deployer permissions', async () => {
    const asUser = ciUserName(config);
    const can = (
      verb: string,
      resource: string,
      group = '',
      namespace = APP,
      subresource?: string,
    ) => kube.canI({ verb, resource, group, namespace, subresource, asUser });
    const allowed: Array<[string, string, string?]> = [
      ['patch', 'deployments', 'apps'],
      ['update', 'deployments', 'apps'],
      ['watch', 'deployments', 'apps'],
      ['list', 'replicasets', 'apps'],
      ['patch', 'services'],
      ['update', 'configmaps'],
      ['get', 'pods'],
      ['patch', 'ingresses', 'networking.k8s.io'],
      ['patch', 'horizontalpodautoscalers', 'autoscaling'],
    ];
    for (const [verb, resource, group] of allowed) {
      expect(await can(verb, resource, group), `${verb} ${resource}`).toBe(true);
    }
    const denied: Array<[string, string, string, string]> = [
      ['get', 'secrets', '', APP],
      ['list', 'secrets', '', APP],
      ['create', 'deployments', 'apps', APP],
      ['delete', 'deployments', 'apps', APP],
      ['create', 'pods', '', APP],
      ['patch', 'deployments', 'apps', config.kafka.namespace],
      ['list', 'pods', '', config.kafka.namespace],
      ['get', 'pods', '', config.dapr.namespace],
      ['update', 'configmaps', '', config.dapr.namespace],
      ['create', 'rolebindings', 'rbac.authorization.k8s.io', APP],
      ['escalate', 'roles', 'rbac.authorization.k8s.io', APP],
      ['bind', 'clusterroles', 'rbac.authorization.k8s.io', APP],
      ['impersonate', 'serviceaccounts', '', APP],
      ['list', 'namespaces', '', ''],
    ];
    for (const [verb, resource, group, namespace] of denied) {
      const what = `${verb} ${resource} in ${namespace}`;
      expect(await can(verb, resource, group, namespace || undefined), what).toBe(false);
    }
    expect(await can('create', 'pods', '', APP, 'exec')).toBe(false);
  });

  it('gets a long-lived token for GitHub Actions from the token controller', async () => {
    const deadline = Date.now() + 60_000;
    let token: string | undefined;
    while (!token && Date.now() < deadline) {
      const ref = { apiVersion: 'v1', kind: 'Secret', name: CI_TOKEN_SECRET, namespace: APP };
      const s = await kube.get(ref);
      token = (s?.data as Record<string, string> | undefined)?.token;
      if (!token) await new Promise((r) => setTimeout(r, 500));
    }
    expect(token, 'the token controller filled the ServiceAccount token secret').toBeTruthy();
  });

  it('never lets the secret value reach the logs (-vv), the journal or rendered files', () => {
    const b64 = Buffer.from(SECRET).toString('base64');
    const everything = [
      h.lines.join('\n'),
      h.journalText(),
      ...basePhase.render!(config).map((f) => f.content),
    ].join('\n');
    expect(h.lines.length).toBeGreaterThan(10); // debug lines were produced and checked
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(b64);
    expect(everything).not.toContain('s3cret-91x');
  });
});
