// The simulators write what their real counterparts write, where they write it, against the
// real API server (status subresources, schema validation of the upstream CRDs).
import { afterAll, describe, expect, it } from 'vitest';
import { useCluster } from './fixture.ts';
import { condition, createNamespace, pollUntil } from './helpers.ts';
import { startLbSimulator, type LbSimulator } from './lb-simulator.ts';
import { setCondition, startOperatorSimulator } from './operator-simulator.ts';

const cluster = useCluster();
const stoppers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stoppers) await stop();
});

const service = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

const kafka = (name: string) => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'Kafka',
  metadata: { name },
  spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
});

describe('lb-simulator', () => {
  let lb: LbSimulator;
  it('assigns an address to LoadBalancer Services, honouring loadBalancerIP', async () => {
    lb = await startLbSimulator({ kubeconfigPath: cluster.kubeconfigPath, log: () => undefined });
    stoppers.push(() => lb.stop());
    const c = cluster.client();
    const ns = await createNamespace(c, 'lb');
    await c.json('POST', `/api/v1/namespaces/${ns}/services`, service('ingress'));
    await c.json(
      'POST',
      `/api/v1/namespaces/${ns}/services`,
      service('reserved', { loadBalancerIP: '198.51.100.7' }),
    );
    const svc = await pollUntil(
      c,
      `/api/v1/namespaces/${ns}/services/ingress`,
      (s) => s.status?.loadBalancer?.ingress?.length === 1,
    );
    expect(svc.status.loadBalancer.ingress[0].ip).toMatch(/^203\.0\.113\./);
    const reserved = await pollUntil(
      c,
      `/api/v1/namespaces/${ns}/services/reserved`,
      (s) => s.status?.loadBalancer?.ingress?.length === 1,
    );
    expect(reserved.status.loadBalancer.ingress[0].ip).toBe('198.51.100.7');
    const events = await c.json('GET', `/api/v1/namespaces/${ns}/events`);
    expect(events.items.map((e: any) => e.reason)).toContain('EnsuredLoadBalancer');
  });

  it('leaves classed and non-LoadBalancer Services alone', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'lbskip');
    await c.json(
      'POST',
      `/api/v1/namespaces/${ns}/services`,
      service('classed', { loadBalancerClass: 'example.com/other' }),
    );
    await c.json(
      'POST',
      `/api/v1/namespaces/${ns}/services`,
      service('plain', { type: 'ClusterIP' }),
    );
    // A later Service is handled; by then the earlier events have been processed in order.
    await c.json('POST', `/api/v1/namespaces/${ns}/services`, service('marker'));
    await pollUntil(
      c,
      `/api/v1/namespaces/${ns}/services/marker`,
      (s) => s.status?.loadBalancer?.ingress?.length === 1,
    );
    for (const name of ['classed', 'plain']) {
      const s = await c.json('GET', `/api/v1/namespaces/${ns}/services/${name}`);
      expect(s.status?.loadBalancer?.ingress, name).toBeUndefined();
    }
  });
});

describe('operator-simulator', () => {
  it('setCondition writes Ready through the status subresource with observedGeneration', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'op');
    const base = `/apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas`;
    await c.json('POST', base, kafka('events'));
    const ref = {
      group: 'kafka.strimzi.io',
      version: 'v1',
      plural: 'kafkas',
      namespace: ns,
      name: 'events',
    };
    await setCondition(cluster.kubeconfigPath, ref, {
      status: 'False',
      reason: 'NotEnoughBrokers',
      message: 'waiting for node pools',
    });
    let obj = await c.json('GET', `${base}/events`);
    expect(condition(obj, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'NotEnoughBrokers',
      message: 'waiting for node pools',
    });
    expect(obj.status.observedGeneration).toBe(obj.metadata.generation);
    await setCondition(cluster.kubeconfigPath, ref, { status: 'True' });
    obj = await c.json('GET', `${base}/events`);
    expect(condition(obj, 'Ready')?.status).toBe('True');
    expect(obj.status.observedGeneration).toBe(obj.metadata.generation);
    expect(obj.status.conditions.filter((x: any) => x.type === 'Ready')).toHaveLength(1);
  });

  it('startOperatorSimulator reconciles each new generation', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'oploop');
    const sim = await startOperatorSimulator({
      kubeconfigPath: cluster.kubeconfigPath,
      kind: { group: 'kafka.strimzi.io', version: 'v1', plural: 'kafkas', namespace: ns },
      decide: (o) => ({ status: 'True', reason: `gen${o.metadata.generation}` }),
      log: () => undefined,
    });
    stoppers.push(() => sim.stop());
    const path = `/apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas/logs`;
    await c.json('POST', `/apis/kafka.strimzi.io/v1/namespaces/${ns}/kafkas`, kafka('logs'));
    await pollUntil(c, path, (o) => condition(o, 'Ready')?.reason === 'gen1');
    await c.json(
      'PATCH',
      path,
      { spec: { kafka: { version: '4.1.0' } } },
      'application/merge-patch+json',
    );
    const obj = await pollUntil(c, path, (o) => condition(o, 'Ready')?.reason === 'gen2');
    expect(obj.status.observedGeneration).toBe(2);
  });

  it('rejects a v1beta2 Kafka (the CRD serves only v1)', async () => {
    const c = cluster.client();
    const ns = await createNamespace(c, 'oldkafka');
    const res = await c.request('POST', `/apis/kafka.strimzi.io/v1beta2/namespaces/${ns}/kafkas`, {
      ...kafka('old'),
      apiVersion: 'kafka.strimzi.io/v1beta2',
    });
    expect(res.status).toBe(404);
  });
});
