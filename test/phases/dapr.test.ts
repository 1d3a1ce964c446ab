// Phase dapr end to end on the real local control plane: real helm installs the Dapr chart
// simulator (control-plane Deployments and StatefulSets under the real names, made Ready by
// kwok), the components go through server-side apply against the upstream Dapr CRDs, and the
// backend's sidecar injection is checked with a real mutating webhook playing the injector
// (test/phases/apps-sidecar-injector-simulator.ts).
//
// What this proves: values reach the chart (HA off → one replica each, in-memory scheduler →
// no PVC), every control-plane workload is waited for, the components' wiring is checked
// against what exists (bootstrap Service, db-credentials key), a backend whose pods predate
// the injector is restarted once and then runs app + daprd, and a missing injector is
// reported. What it cannot: daprd itself never runs here (no containers), so the publish
// through the sidecar is reported as not verified — with the reason — instead of faked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { clearSecretsForTests } from '../../src/core/redact.js';
import type { Kube, KubeObject } from '../../src/kube/types.js';
import { daprAppObjects, daprPhase, type DaprOutputs } from '../../src/phases/dapr.js';
import { dbCredentialsSecret } from '../../src/manifests/base/secrets.js';
import { bootstrapService } from '../../src/manifests/kafka/names.js';
import {
  harness,
  isolatedNamespaces,
  makeConfig,
  useCachedHelm,
  type Harness,
} from './apps-harness.ts';
import {
  startInjectorSimulator,
  type InjectorSimulator,
} from './apps-sidecar-injector-simulator.ts';

const cluster = useCluster();
const CHART = new URL('../fixtures/charts/dapr-control-plane-simulator', import.meta.url).pathname;

const config = makeConfig({
  ...isolatedNamespaces('evd'),
  charts: { dapr: { ref: CHART, version: '1.18.3' } },
  dapr: { namespace: 'evd-dapr', readyTimeoutSeconds: 120 },
});
const APP = config.apps.namespace;
const KAFKA = config.kafka.namespace;

let h: Harness;
let kube: Kube;
let injector: InjectorSimulator | undefined;

const outputs = () => h.journal.get('dapr')?.outputs as DaprOutputs;

/** The backend as the apps phase would deploy it, reduced to what the sidecar check reads. */
function backend(): KubeObject {
  const labels = { 'app.kubernetes.io/name': 'backend' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'backend', namespace: APP, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels,
          annotations: {
            'dapr.io/enabled': 'true',
            'dapr.io/app-id': 'backend',
            'dapr.io/app-port': '8000',
          },
        },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'backend',
              image: 'registry.example/todo-backend:1',
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

async function backendPods(): Promise<string[][]> {
  const pods = await kube.list('v1', 'Pod', APP, 'app.kubernetes.io/name=backend');
  return pods
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => (p.spec as any).containers.map((c: any) => c.name));
}

beforeAll(async () => {
  await useCachedHelm();
  h = harness(config, cluster.kubeconfigPath);
  kube = await h.context(daprPhase).kube();
  const client = cluster.client();
  for (const name of [APP, KAFKA]) {
    await client.request('POST', '/api/v1/namespaces', {
      metadata: {
        name,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
        },
      },
    });
  }
  h.pretend('base', { namespaces: [APP, KAFKA] });
});

afterAll(async () => {
  await injector?.stop();
  clearSecretsForTests();
  h?.cleanup();
});

describe('phase dapr', () => {
  it('installs the control plane, applies the components, and says what it could not check', async () => {
    const summary = await h.run([daprPhase], ['dapr']);
    expect(summary.failed).toEqual([]);
    expect(summary.succeeded).toEqual(['dapr']);
    const ns = config.dapr.namespace;
    for (const name of ['dapr-operator', 'dapr-sidecar-injector', 'dapr-sentry']) {
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: ns };
      const dep = await kube.get(ref);
      expect((dep!.spec as any).replicas, name).toBe(1);
    }
    const sched = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'dapr-scheduler-server',
      namespace: ns,
    });
    // In-memory scheduler storage: no volume claim, a tmpfs instead.
    expect((sched!.spec as any).volumeClaimTemplates).toBeUndefined();
    expect((sched!.spec as any).template.spec.volumes[0].emptyDir).toEqual({ medium: 'Memory' });
    for (const o of daprAppObjects(config)) {
      expect(
        await kube.get({
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name,
          namespace: APP,
        }),
        o.kind,
      ).toBeDefined();
    }
    const out = outputs();
    expect(out.wiring.brokers).toMatchObject({
      service: bootstrapService(config),
      namespace: KAFKA,
      exists: false,
    });
    expect(out.wiring.secret).toMatchObject({ name: 'db-credentials', exists: false });
    const warned = /does not exist yet; publishing fails until `phase kafka`/;
    expect(h.lines.some((l) => warned.test(l))).toBe(true);
    expect(out.backendSidecar.skipped).toBe('the backend is not deployed yet');
    expect(out.publish).toMatchObject({ verified: false });
    expect(await daprPhase.checkpoint(h.context(daprPhase))).toMatchObject({ ok: true });
  });

  it('restarts a backend that predates the injector, then sees app + daprd in every pod', async () => {
    // What kafka and base would have created: the bootstrap Service and the db secret.
    await kube.apply([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: bootstrapService(config), namespace: KAFKA },
        spec: { ports: [{ name: 'tcp-plain', port: 9092 }] },
      },
      dbCredentialsSecret(config, 'postgresql://todo:evd-s3cret@db.internal:5432/todo'),
      backend(),
    ]);
    await kube.waitForRollout(APP, 'backend', { timeoutMs: 60_000 });
    expect(await backendPods()).toEqual([['backend']]);

    injector = await startInjectorSimulator(cluster.client(), APP);
    const summary = await h.run([daprPhase], ['dapr'], true);
    expect(summary.failed).toEqual([]);
    const out = outputs();
    expect(out.wiring.brokers.exists).toBe(true);
    expect(out.wiring.secret).toMatchObject({ exists: true, hasKey: true });
    expect(out.backendSidecar.restarted).toBe(true);
    expect(out.backendSidecar.pods).toHaveLength(1);
    expect(await backendPods()).toEqual([['backend', 'daprd']]);
    expect(injector.injected).toEqual([expect.stringMatching(new RegExp(`^${APP}/backend-`))]);
    // kwok's fake nodes serve no kubelet API, so the port-forward to the sidecar is refused
    // by the API server and the publish through the sidecar is not claimed.
    expect(out.publish).toMatchObject({ verified: false, topic: 'task-events' });
    expect(out.publish.reason).toMatch(/port-forward .*error dialing backend/);
    expect(h.journalText()).not.toContain('evd-s3cret');
  });

  it('changes nothing when run again', async () => {
    const again = await h.run([daprPhase], ['dapr']);
    expect(again.skipped).toEqual(['dapr']);
    const results = await kube.apply(daprAppObjects(config));
    expect(results.map((r) => r.action)).toEqual(results.map(() => 'unchanged'));
    h.lines.length = 0;
    await daprPhase.run(h.context(daprPhase));
    expect(h.lines.some((l) => /dapr: revision 1 \(unchanged\)/.test(l))).toBe(true);
    expect(h.lines.some((l) => /rollout restart/.test(l))).toBe(false);
  });

  it('fails naming the pods when daprd is still missing after a restart', async () => {
    await injector!.stop();
    injector = undefined;
    await kube.rolloutRestart(APP, 'backend');
    await kube.waitForRollout(APP, 'backend', { timeoutMs: 60_000 });
    expect(await backendPods()).toEqual([['backend']]);
    const summary = await h.run([daprPhase], ['dapr'], true);
    const err = summary.failed[0]?.error;
    expect(err?.code).toBe('DAPR_SIDECAR_MISSING');
    expect(err?.message).toMatch(
      /backend pods do not run the app plus daprd after a restart: backend-\S+ \[backend\]/,
    );
    expect(err?.hint).toMatch(/dapr-sidecar-injector/);
  });
});
