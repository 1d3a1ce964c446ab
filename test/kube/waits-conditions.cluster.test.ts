// waitForCondition and waitForCrdEstablished against the real control plane: each returns as
// soon as the condition becomes true (flipped by the operator simulator), times out with the last
// status and the likely cause when it does not, and survives its watch being ended, expired
// (410) or cut.
import { describe, expect, it } from 'vitest';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import type { KubeClient as ProductClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/index.js';
import { evaluateCondition } from '../../src/kube/waits/condition.js';
import { useCluster } from '../cluster/fixture.ts';
import { condition } from '../cluster/helpers.ts';
import { setCondition } from '../cluster/operator-simulator.ts';
import { kubeconfigVia, logged, testKube, uniqueName } from './cluster-helpers.js';
import { startTcpProxy } from './tcp-proxy.js';
import { SLOW, useWaitsSetup, failure, kafka, type WaitsSetup } from './waits-harness.js';

const cluster = useCluster();
let s: WaitsSetup;
useWaitsSetup(cluster, (setup) => (s = setup));

describe('waitForCondition', SLOW, () => {
  it('returns on Ready=True, across server-ended watches, without re-listing', async () => {
    const ns = uniqueName('cond');
    const { ref, simRef } = await kafka(s.kube, ns);
    const before = s.t.lines.length;
    const waiting = s.kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 120_000 });
    await logged(s.t.lines, new RegExp(`watch on .*${ns}/kafkas ended by the server; resuming`), 2);
    await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
    const obj = await waiting;
    expect(condition(obj, 'Ready').status).toBe('True');
    const lists = s.t.lines
      .slice(before)
      .filter((l) => l.includes(`GET /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas →`));
    expect(lists).toHaveLength(1);
  });

  it('times out with the last status it saw', async () => {
    const ns = uniqueName('cond-late');
    const { ref, simRef } = await kafka(s.kube, ns);
    await setCondition(cluster.kubeconfigPath, simRef, {
      status: 'False',
      reason: 'Creating',
      message: 'brokers starting',
    });
    const e = await failure(s.kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 2000 }));
    expect(e.code).toBe('KUBE_WAIT_TIMEOUT');
    expect(e.exitCode).toBe(ExitCode.timeout);
    expect(e.message).toBe(
      `Timed out after 2 s waiting for Kafka ${ns}/events to report Ready=True; last status: ` +
        'Ready=False (Creating: brokers starting)',
    );
  });

  it('re-lists after 410 Gone (a resourceVersion too old to watch from)', async () => {
    const ns = uniqueName('gone');
    const { ref, simRef } = await kafka(s.kube, ns);
    const { watcher } = (s.kube as unknown as ProductClient).internals;
    const waiting = watcher.until({
      path: `/apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas`,
      fieldSelector: 'metadata.name=events',
      what: 'Kafka Ready from a stale resourceVersion',
      evaluate: (objects: KubeObject[]) => evaluateCondition(objects[0], ref, 'Ready', 'True'),
      timeoutMs: 60_000,
      onTimeout: async (last: string) => new TodoInfraError('TEST_TIMEOUT', last),
      resourceVersion: '1',
    });
    await logged(
      s.t.lines,
      new RegExp(`watch on .*${ns}/kafkas: resourceVersion 1 expired \\(410\\); re-listing`),
    );
    await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
    expect(condition(await waiting, 'Ready').status).toBe('True');
  });

  it('survives the connection being cut mid-watch', async () => {
    const proxy = await startTcpProxy(cluster.server);
    const via = await testKube(kubeconfigVia(cluster.kubeconfigPath, proxy.url));
    try {
      const ns = uniqueName('cut');
      const { ref, simRef } = await kafka(s.kube, ns);
      const waiting = via.kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 120_000 });
      await logged(via.lines, new RegExp(`watch on .*${ns}/kafkas connected`));
      expect(proxy.cutAll()).toBeGreaterThan(0);
      await logged(via.lines, new RegExp(`watch on .*${ns}/kafkas failed \\(.*\\); re-listing`));
      await logged(
        via.lines,
        new RegExp(`watching /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas from`),
        2,
      );
      await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
      expect(condition(await waiting, 'Ready').status).toBe('True');
    } finally {
      await via.kube.close();
      await proxy.close();
    }
  });

  it('rides out an API server that stops answering for a while', async () => {
    const proxy = await startTcpProxy(cluster.server);
    // Few, quick transport retries, so the wait itself has to handle the outage.
    const via = await testKube(kubeconfigVia(cluster.kubeconfigPath, proxy.url), undefined, {
      attempts: 2,
      baseDelayMs: 20,
      maxDelayMs: 100,
    });
    try {
      const ns = uniqueName('outage');
      const { ref, simRef } = await kafka(s.kube, ns);
      const waiting = via.kube.waitForCondition(ref, { type: 'Ready' }, { timeoutMs: 120_000 });
      await logged(
        via.lines,
        new RegExp(`watching /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas from`),
      );
      proxy.blackout();
      await logged(
        via.lines,
        new RegExp(
          `re-listing /apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas failed; ` +
            'retrying until the deadline',
        ),
        2,
      );
      await setCondition(cluster.kubeconfigPath, simRef, { status: 'True' });
      proxy.restore();
      expect(condition(await waiting, 'Ready').status).toBe('True');
    } finally {
      await via.kube.close();
      await proxy.close();
    }
  });
});

describe('waitForCrdEstablished', SLOW, () => {
  it('returns for an installed CRD, and for one created while waiting', async () => {
    await s.kube.waitForCrdEstablished('kafkas.kafka.strimzi.io', { timeoutMs: 10_000 });
    const group = `${uniqueName('g')}.todo-infra.test`;
    const name = `gadgets.${group}`;
    const waiting = s.kube.waitForCrdEstablished(name, { timeoutMs: 60_000 });
    await logged(
      s.t.lines,
      /watching \/apis\/apiextensions\.k8s\.io\/v1\/customresourcedefinitions from/,
    );
    await cluster.client().json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      metadata: { name },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object' } },
          },
        ],
      },
    });
    await waiting;
    s.cleanups.push(() =>
      cluster
        .client()
        .request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`),
    );
  });

  it('times out for a CRD that never appears', async () => {
    const e = await failure(
      s.kube.waitForCrdEstablished('nothings.todo-infra.test', { timeoutMs: 1500 }),
    );
    expect(e.message).toContain(
      'last status: CustomResourceDefinition nothings.todo-infra.test does not exist yet',
    );
  });
});
