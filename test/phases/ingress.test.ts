// Phase ingress with real helm on the real local control plane. The chart is the local
// simulator fixture (no chart registry is reachable); the load balancer is the lb-simulator,
// which hands out 127.0.0.1, where a local HTTP server answers like NGINX's default server.
import { tmpdir } from 'node:os';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { startLbSimulator, type LbSimulator } from '../cluster/lb-simulator.ts';
import {
  helmGetValues,
  helmStatus,
  helmTemplate,
  helmUninstall,
  helmUpgradeInstall,
  helmVersion,
} from '../../src/adapters/helm.js';
import { clearSecretsForTests } from '../../src/core/redact.js';
import { basePhase } from '../../src/phases/base.js';
import { ingressPhase } from '../../src/phases/ingress.js';
import { ingressController } from '../../src/manifests/ingress/controller.js';
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
const SUBNET = 'ocid1.subnet.oc1.eu-frankfurt-1.aaaaaaaaingresstestlbsubnet';
const ENV = 'APPS_TEST_INGRESS_DB_URL';
const PREFIX = 'it';

let lb: LbSimulator;
let app: Awaited<ReturnType<typeof startAppServer>>;
let h: Harness;

beforeAll(async () => {
  await useCachedHelm();
  process.env[ENV] = 'postgresql://u:ingress-test-secret@db/x';
  // Only this file's namespaces get an address, and it is loopback, where `app` listens.
  lb = await startLbSimulator({
    kubeconfigPath: cluster.kubeconfigPath,
    addressFor: (svc) => (svc.metadata.namespace === `${PREFIX}-ing` ? '127.0.0.1' : undefined),
    log: () => undefined,
  });
  app = await startAppServer({}, 404);
  const config = makeConfig({
    ...isolatedNamespaces(PREFIX),
    charts: { ingress: { ref: SIMULATOR_CHART, version: '2.7.2' } },
    apps: { namespace: `${PREFIX}-app`, publicUrl: app.url, loadBalancerTimeoutSeconds: 60 },
    secrets: { dbConnectionString: { fromEnv: ENV } },
  });
  h = harness(config, cluster.kubeconfigPath);
  h.pretend('terraform', { lbSubnetId: SUBNET });
});

afterAll(async () => {
  await lb?.stop();
  await app?.stop();
  delete process.env[ENV];
  clearSecretsForTests();
  h?.cleanup();
});

describe('phase ingress with real helm', () => {
  it('installs the controller, waits for the LB address and checks it over HTTP', async () => {
    const summary = await h.run([basePhase, ingressPhase], ['base', 'ingress']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['base', 'ingress']);
    const out = h.journal.get('ingress')?.outputs;
    expect(out).toMatchObject({
      controller: 'f5-nginx',
      address: '127.0.0.1',
      url: app.url,
      service: 'nginx-ingress-controller',
    });
    expect(app.hits).toContain('/');
    const waits = h.events.filter((e) => e.type === 'wait' && e.phase === 'ingress');
    const what = waits.map((w) => (w as { what: string }).what).join('\n');
    expect(what).toContain('load balancer address');

    const kube = await h.context(ingressPhase).kube();
    const svc = await kube.get({
      apiVersion: 'v1',
      kind: 'Service',
      name: 'nginx-ingress-controller',
      namespace: `${PREFIX}-ing`,
    });
    expect(svc?.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/oci-load-balancer-shape': 'flexible',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min': '10',
      'service.beta.kubernetes.io/oci-load-balancer-shape-flex-max': '10',
      'service.beta.kubernetes.io/oci-load-balancer-subnet1': SUBNET,
    });
    const cls = await kube.get({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      name: `${PREFIX}-nginx`,
    });
    expect(cls).toBeDefined();
    expect(await ingressPhase.checkpoint(h.context(ingressPhase))).toMatchObject({ ok: true });
  });

  it('is skipped by the journal on a second run, and helm sees no change', async () => {
    const again = await h.run([basePhase, ingressPhase], ['base', 'ingress']);
    expect(again.skipped).toEqual(['base', 'ingress']);
    const ctx = h.context(ingressPhase);
    const c = ingressController(h.config);
    const before = await helmStatus({
      release: c.release,
      namespace: `${PREFIX}-ing`,
      kubeconfig: cluster.kubeconfigPath,
    });
    const res = await helmUpgradeInstall({
      release: c.release,
      namespace: `${PREFIX}-ing`,
      chart: c.chart(h.config),
      values: c.values(h.config, { lbSubnetId: SUBNET }),
      kubeconfig: cluster.kubeconfigPath,
      logger: ctx.log,
    });
    expect(res).toEqual({ revision: before!.revision, status: 'deployed', changed: false });
  });

  it('upgrades when the values change, and the chart schema rejects an unknown key', async () => {
    const c = ingressController(h.config);
    const base = {
      release: c.release,
      namespace: `${PREFIX}-ing`,
      chart: c.chart(h.config),
      kubeconfig: cluster.kubeconfigPath,
    };
    const values = c.values(h.config, { lbSubnetId: SUBNET }) as any;
    const before = await helmStatus(base);
    const bumped = { ...values, controller: { ...values.controller, replicaCount: 2 } };
    const up = await helmUpgradeInstall({ ...base, values: bumped });
    expect(up.changed).toBe(true);
    expect(up.revision).toBe(before!.revision + 1);
    expect(((await helmGetValues(base)) as any).controller.replicaCount).toBe(2);
    const typo = { controller: { servce: { type: 'LoadBalancer' } } };
    await expect(helmUpgradeInstall({ ...base, values: typo })).rejects.toMatchObject({
      code: 'HELM_FAILED',
      details: expect.arrayContaining([expect.stringMatching(/servce/)]),
    });
    // Back to the phase's values, so the phase's own idempotence holds again.
    await helmUpgradeInstall({ ...base, values });
  });

  it('reports helm 4, renders offline, cleans up, uninstalls idempotently', async () => {
    expect((await helmVersion()).major).toBe(4);
    const c = ingressController(h.config);
    const rendered = await helmTemplate({
      release: c.release,
      namespace: 'x',
      chart: c.chart(h.config),
      values: c.values(h.config, {}),
    });
    expect(rendered).toContain('kind: Service');
    expect(rendered).toContain('oci-load-balancer-shape-flex-max: "10"');
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('todo-infra-helm-'))).toEqual([]);
    expect(
      await helmUninstall({
        release: 'never-installed',
        namespace: `${PREFIX}-ing`,
        kubeconfig: cluster.kubeconfigPath,
      }),
    ).toBe(false);
  });

  it('fails with a timeout naming the Service when no LB address arrives', async () => {
    const config = makeConfig({
      ...isolatedNamespaces('itnolb'),
      charts: { ingress: { ref: SIMULATOR_CHART, version: '2.7.2' } },
      apps: { namespace: 'itnolb-app', publicUrl: app.url, loadBalancerTimeoutSeconds: 5 },
      secrets: { dbConnectionString: { fromEnv: ENV } },
    });
    const h2 = harness(config, cluster.kubeconfigPath);
    try {
      const summary = await h2.run([basePhase, ingressPhase], ['base', 'ingress']);
      expect(summary.succeeded).toEqual(['base']);
      const failure = summary.failed[0];
      expect(failure?.phase).toBe('ingress');
      expect(failure?.error.exitCode).toBe(4);
      expect(failure?.error.message).toMatch(/itnolb-ing\/nginx-ingress-controller/);
    } finally {
      await helmUninstall({
        release: 'nginx-ingress',
        namespace: 'itnolb-ing',
        kubeconfig: cluster.kubeconfigPath,
      });
      h2.cleanup();
    }
  });
});
