// The todo-app chart's output against a real API server: every object `helm template` renders,
// with each values file, passes a server-side apply dry run with strict field validation, so
// a misspelled or misplaced field fails here rather than at a team's first `helm install`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/types.js';
import { HELM_CHART_DIR } from '../../src/manifests/apps/helm-chart.js';
import { appsPhase } from '../../src/phases/apps.js';
import { useCluster } from '../cluster/fixture.ts';
import { makeConfig, useCachedHelm } from './apps-harness.js';

const cluster = useCluster();
const run = promisify(execFile);
const NS = 'helmchart-app';
const out = mkdtempSync(join(tmpdir(), 'todo-helm-cluster-'));

/** REST collection of each kind the chart renders. */
const COLLECTIONS: Record<string, string> = {
  'apps/v1/Deployment': '/apis/apps/v1/namespaces/NS/deployments',
  'v1/Service': '/api/v1/namespaces/NS/services',
  'v1/ServiceAccount': '/api/v1/namespaces/NS/serviceaccounts',
  'autoscaling/v2/HorizontalPodAutoscaler':
    '/apis/autoscaling/v2/namespaces/NS/horizontalpodautoscalers',
  'networking.k8s.io/v1/Ingress': '/apis/networking.k8s.io/v1/namespaces/NS/ingresses',
  // Served by the upstream Dapr CRD the control plane installs, so its schema applies.
  'dapr.io/v2alpha1/Subscription': '/apis/dapr.io/v2alpha1/namespaces/NS/subscriptions',
};

let helm: string;
let chart: string;

beforeAll(async () => {
  helm = await useCachedHelm();
  const config = makeConfig({ apps: { namespace: NS }, ingress: { host: 'todo.test' } });
  for (const f of appsPhase.render!(config)) {
    if (!f.path.startsWith(`${HELM_CHART_DIR}/`)) continue;
    mkdirSync(dirname(join(out, f.path)), { recursive: true });
    writeFileSync(join(out, f.path), f.content);
  }
  chart = join(out, HELM_CHART_DIR);
  await cluster.client().json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS },
  });
});

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await cluster.client().request('DELETE', `/api/v1/namespaces/${NS}`);
});

describe('todo-app chart on the local control plane', () => {
  for (const values of ['values.yaml', 'values-dev.yaml', 'values-prod.yaml']) {
    it(`helm template -f ${values}: every object passes a strict server-side dry run`, async () => {
      const { stdout } = await run(helm, [
        'template',
        'todo-app',
        chart,
        '-n',
        NS,
        '-f',
        join(chart, values),
      ]);
      const objects = parseAllDocuments(stdout)
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null);
      // frontend and backend (ServiceAccount, Service, Deployment, HPA each), the Ingress, and
      // the four workers (ServiceAccount and Deployment each) with their six Subscriptions.
      expect(objects.map((o) => o.kind).sort()).toEqual(
        [
          ...Array<string>(6).fill('Deployment'),
          ...Array<string>(2).fill('HorizontalPodAutoscaler'),
          'Ingress',
          ...Array<string>(2).fill('Service'),
          ...Array<string>(6).fill('ServiceAccount'),
          ...Array<string>(6).fill('Subscription'),
        ].sort(),
      );
      for (const o of objects) {
        const collection = COLLECTIONS[`${o.apiVersion}/${o.kind}`];
        expect(collection, `${o.apiVersion} ${o.kind}`).toBeDefined();
        const path =
          `${collection!.replace('NS', NS)}/${o.metadata.name}` +
          '?dryRun=All&fieldValidation=Strict&fieldManager=helm-chart-test';
        const res = await cluster
          .client()
          .request('PATCH', path, o, 'application/apply-patch+yaml');
        expect(res.status, `${o.kind}/${o.metadata.name}: ${JSON.stringify(res.body)}`).toBe(201);
      }
    });
  }
});
