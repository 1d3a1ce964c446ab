// Phase hardening on the real local control plane. base, ingress (real helm, simulator chart)
// and apps run for real; the workers' ServiceAccounts and Deployments are applied with the
// workers phase's own builder, and workers/monitoring are recorded in the journal as done.
// NetworkPolicy *enforcement* is not tested: the local control plane has no CNI (kwok plays the
// kubelets), so what is proven is that the policies are accepted and select the right pods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { startLbSimulator, type LbSimulator } from '../cluster/lb-simulator.ts';
import { selfSignedCert } from '../cluster/self-signed.ts';
import { helmUninstall } from '../../src/adapters/helm.js';
import type { Config } from '../../src/config/schema.js';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube, KubeObject } from '../../src/kube/types.js';
import { appObjects, appsPhase } from '../../src/phases/apps.js';
import { basePhase } from '../../src/phases/base.js';
import { hardeningPhase } from '../../src/phases/hardening.js';
import { ingressPhase } from '../../src/phases/ingress.js';
import { workerObjects } from '../../src/phases/workers.js';
import { networkPolicies, POLICY_TARGETS } from '../../src/manifests/hardening/network-policies.js';
import { securityHeaderAnnotations } from '../../src/manifests/hardening/tls.js';
import {
  harness,
  isolatedNamespaces,
  makeConfig,
  SIMULATOR_CHART,
  startAppServer,
  useCachedHelm,
  type Harness,
} from './apps-harness.js';

const cluster = useCluster();
const PREFIX = 'hd';
const APP = `${PREFIX}-app`;
const ENV = 'HARDENING_TEST_DB_URL';
const DB_URL = 'postgresql://todo:hardening-test-secret@db.example.test:5432/todo';
const REGISTRY = { imagePrefix: 'fra.ocir.io/axyz', pullSecretName: 'ocir-pull' };
const PHASES = [basePhase, ingressPhase, appsPhase, hardeningPhase];
const NP = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: APP };

let lb: LbSimulator;
let app: Awaited<ReturnType<typeof startAppServer>>;
let h: Harness;
let kube: Kube;

function config(extra: { ingress?: object; hardening?: object } = {}): Config {
  return makeConfig({
    ...isolatedNamespaces(PREFIX),
    charts: { ingress: { ref: SIMULATOR_CHART, version: '2.7.2' } },
    ingress: { namespace: `${PREFIX}-ing`, className: `${PREFIX}-nginx`, ...extra.ingress },
    apps: {
      namespace: APP,
      publicUrl: app.url,
      loadBalancerTimeoutSeconds: 30,
      rolloutTimeoutSeconds: 60,
      frontend: { image: 'ghcr.io/example/todo-frontend', tag: '1.0.0' },
      backend: { image: 'ghcr.io/example/todo-backend', tag: '1.0.0' },
    },
    // The apps phase does not set the header annotations (yet); they are tested on their own.
    hardening: { securityHeaders: false, ...extra.hardening },
    secrets: { dbConnectionString: { fromEnv: ENV } },
  });
}

async function check(c: Config = h.config) {
  if (c === h.config) return hardeningPhase.checkpoint(h.context(hardeningPhase));
  const other = harness(c, cluster.kubeconfigPath);
  try {
    return await hardeningPhase.checkpoint(other.context(hardeningPhase));
  } finally {
    other.cleanup();
  }
}

beforeAll(async () => {
  await useCachedHelm();
  process.env[ENV] = DB_URL;
  lb = await startLbSimulator({
    kubeconfigPath: cluster.kubeconfigPath,
    addressFor: (svc) => (svc.metadata.namespace === `${PREFIX}-ing` ? '127.0.0.1' : undefined),
    log: () => undefined,
  });
  app = await startAppServer({ '/': 200, '/api': 200 });
  h = harness(config(), cluster.kubeconfigPath);
  kube = await h.context(hardeningPhase).kube();
  const platform = await h.run(PHASES, ['base', 'ingress', 'apps']);
  expect(platform.failed).toEqual([]);
  const workers = workerObjects(h.config, REGISTRY).filter((o) => o.kind !== 'Subscription');
  await kube.apply(workers);
  h.pretend('workers', { namespace: APP });
  h.pretend('monitoring', { namespace: `${PREFIX}-mon` });
});

afterAll(async () => {
  await lb?.stop();
  await app?.stop();
  await helmUninstall({
    release: 'nginx-ingress',
    namespace: `${PREFIX}-ing`,
    kubeconfig: cluster.kubeconfigPath,
  }).catch(() => false);
  delete process.env[ENV];
  clearSecretsForTests();
  h?.cleanup();
});

describe('phase hardening', () => {
  it('applies the policies, which select exactly their pods, and the audits pass', async () => {
    const summary = await h.run(PHASES, ['hardening']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['hardening']);
    const out = h.journal.get('hardening')?.outputs as Record<string, unknown>;
    expect(out.policies).toEqual(Object.keys(POLICY_TARGETS));
    // The local API server runs without endpoint reconciliation: no endpoints to narrow to.
    expect(out.apiServer).toEqual([]);
    expect(out.enforcedBy).toBeNull();
    expect(h.lines.join('\n')).toMatch(/not enforced \(OKE flannel ignores them/);
    const result = await check();
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/8 NetworkPolicies select their intended pods/);
    expect(result.detail).toMatch(/NOT enforced/);
    expect(result.detail).toMatch(/ServiceAccounts audit-worker, backend, frontend, /);
    expect(result.detail).not.toContain('hardening-test-secret');
  });

  it('is skipped on the next run, and re-applying the policies changes nothing', async () => {
    const again = await h.run(PHASES, ['hardening']);
    expect(again.skipped).toEqual(['hardening']);
    const results = await kube.apply(networkPolicies(h.config));
    expect(results.map((r) => r.action)).toEqual(results.map(() => 'unchanged'));
    // With real endpoints the API-server rule is narrowed; the server accepts that shape too.
    const narrowed = networkPolicies(h.config, [
      { ip: '10.0.2.3', port: 6443 },
      { ip: 'fd00::3', port: 6443 },
    ]);
    const dry = await kube.apply(narrowed, { dryRun: true });
    expect(dry.find((r) => r.ref.name === 'allow-apiserver')?.action).toBe('configured');
  });

  it('fails when a policy misses the pods it is meant for, and a re-run repairs it', async () => {
    const broken = networkPolicies(h.config).find(
      (p) => p.metadata.name === 'allow-ingress-to-backend',
    )!;
    (broken.spec as any).podSelector = { matchLabels: { 'app.kubernetes.io/name': 'backnd' } };
    await kube.apply([broken]);
    const result = await check();
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(
      /NetworkPolicy allow-ingress-to-backend does not select backend-\S+/,
    );
    const rerun = await h.run(PHASES, ['hardening'], true);
    expect(rerun.succeeded).toEqual(['hardening']);
    expect((await check()).ok).toBe(true);
  });

  it('catches an over-privileged workload ServiceAccount, directly or via groups', async () => {
    const rb: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'backend-edit', namespace: APP },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'ServiceAccount', name: 'backend', namespace: APP }],
    };
    const crb: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${PREFIX}-all-sa-secrets` },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [
        {
          kind: 'Group',
          name: `system:serviceaccounts:${APP}`,
          apiGroup: 'rbac.authorization.k8s.io',
        },
      ],
    };
    await kube.apply([rb]);
    try {
      const result = await check();
      expect(result.ok).toBe(false);
      expect(result.detail).toContain(`ServiceAccount ${APP}/backend can get secrets`);
      expect(result.detail).toContain(`ServiceAccount ${APP}/backend can create pods`);
      expect(result.detail).not.toContain(`ServiceAccount ${APP}/frontend can`);
      await kube.apply([crb]);
      const wide = await check();
      expect(wide.detail).toContain(`ServiceAccount ${APP}/frontend can list secrets cluster-wide`);
      expect(wide.detail).toContain(`ServiceAccount ${APP}/audit-worker can impersonate`);
    } finally {
      await kube.delete({
        apiVersion: rb.apiVersion,
        kind: rb.kind,
        name: 'backend-edit',
        namespace: APP,
      });
      await kube.delete({ apiVersion: crb.apiVersion, kind: crb.kind, name: crb.metadata.name });
    }
    expect((await check()).ok).toBe(true);
  });

  it('flags a Deployment on the default ServiceAccount with its token mounted', async () => {
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'debug-tool', namespace: APP },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'debug-tool' } },
        template: {
          metadata: { labels: { app: 'debug-tool' } },
          spec: { containers: [{ name: 'tool', image: 'busybox:1.36' }] },
        },
      },
    };
    await kube.apply([dep]);
    try {
      const result = await check();
      expect(result.ok).toBe(false);
      expect(result.detail).toContain(
        "Deployment debug-tool runs as the namespace's default " + 'ServiceAccount',
      );
      expect(result.detail).toContain(
        'Deployment debug-tool mounts the API token of ' + 'ServiceAccount default',
      );
    } finally {
      await kube.delete(
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'debug-tool', namespace: APP },
        { wait: true },
      );
    }
  });

  it('finds a secret planted in a ConfigMap without printing it', async () => {
    const cms: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-settings', namespace: APP },
        data: { LOG_LEVEL: 'info', DATABASE_URL: DB_URL },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'client', namespace: APP },
        data: { apiToken: 'not-a-real-one' },
      },
    ];
    await kube.apply(cms);
    try {
      const result = await check();
      expect(result.ok).toBe(false);
      expect(result.detail).toContain(
        `ConfigMap ${APP}/app-settings key DATABASE_URL: contains ` +
          'the value of Secret db-credentials key connection-string',
      );
      expect(result.detail).toContain(
        `ConfigMap ${APP}/app-settings key DATABASE_URL: holds a ` + 'URL with a password in it',
      );
      expect(result.detail).toContain(
        `ConfigMap ${APP}/client key apiToken: its key is named ` + 'like a credential',
      );
      expect(result.detail).not.toContain('LOG_LEVEL');
      expect(result.detail).not.toContain('hardening-test-secret');
      expect(result.detail).not.toContain('not-a-real-one');
    } finally {
      for (const cm of cms) {
        await kube.delete({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: cm.metadata.name,
          namespace: APP,
        });
      }
    }
    expect((await check()).ok).toBe(true);
  });

  it('checks the TLS secret, its certificate, the Ingress, then the headers', async () => {
    const host = 'todo.example.test';
    const tlsConfig = config({ ingress: { host, tls: { enabled: true } } });
    const ingress = () => appObjects(tlsConfig, undefined).find((o) => o.kind === 'Ingress')!;
    const secret = (pem: { cert: string; key: string }): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'todo-tls', namespace: APP },
      data: {
        'tls.crt': Buffer.from(pem.cert).toString('base64'),
        'tls.key': Buffer.from(pem.key).toString('base64'),
      },
    });
    try {
      await kube.apply([ingress()]);
      expect((await check(tlsConfig)).detail).toContain(`Secret ${APP}/todo-tls does not exist`);
      await kube.apply([secret(selfSignedCert({ dns: 'other.example.test', days: 30 }))]);
      expect((await check(tlsConfig)).detail).toContain(
        `the certificate in Secret ${APP}/todo-tls does not cover ${host}`,
      );
      await kube.apply([secret(selfSignedCert({ dns: host, days: 30 }))]);
      const ok = await check(tlsConfig);
      expect(ok.ok).toBe(true);
      expect(ok.detail).toMatch(new RegExp(`certificate for ${host} valid until 20`));

      // Security headers: what the apps phase must add to its Ingress.
      const headers = config({
        ingress: { host, tls: { enabled: true } },
        hardening: { securityHeaders: true },
      });
      const missing = await check(headers);
      expect(missing.ok).toBe(false);
      expect(missing.detail).toContain(
        'lacks the security header annotations ' +
          'nginx.org/server-tokens: "False", nginx.org/hsts: "True"',
      );
      const annotated = ingress();
      annotated.metadata.annotations = securityHeaderAnnotations(headers);
      await kube.apply([annotated]);
      expect(await check(headers)).toMatchObject({ ok: true });
    } finally {
      await kube.delete({ apiVersion: 'v1', kind: 'Secret', name: 'todo-tls', namespace: APP });
      await kube.apply(appObjects(h.config, undefined).filter((o) => o.kind === 'Ingress'));
    }
  });

  it('removes its policies when hardening.networkPolicies is turned off', async () => {
    const off = harness(config({ hardening: { networkPolicies: false } }), cluster.kubeconfigPath);
    try {
      for (const id of ['base', 'ingress', 'apps', 'workers', 'monitoring'] as const) {
        off.pretend(id, h.journal.get(id)?.outputs ?? {});
      }
      const summary = await off.run(PHASES, ['hardening']);
      expect(summary.failed).toEqual([]);
      expect(await kube.list(NP.apiVersion, NP.kind, APP)).toEqual([]);
      const result = await hardeningPhase.checkpoint(off.context(hardeningPhase));
      expect(result).toMatchObject({ ok: true });
    } finally {
      off.cleanup();
    }
  });
});
