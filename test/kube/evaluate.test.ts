// The readiness rules each wait applies to what it observes (pure; the waits themselves are
// exercised against the real control plane in *.cluster.test.ts).
import { describe, expect, it } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import type { KubeObject } from '../../src/kube/types.js';
import { evaluateCondition } from '../../src/kube/waits/condition.js';
import { evaluateCrd } from '../../src/kube/waits/crd.js';
import { evaluateJob } from '../../src/kube/waits/job.js';
import { evaluateLoadBalancer } from '../../src/kube/waits/loadbalancer.js';
import { evaluateNodes } from '../../src/kube/waits/nodes.js';
import { evaluateRollout } from '../../src/kube/waits/rollout.js';

const obj = (
  kind: string,
  name: string,
  rest: Record<string, unknown> = {},
  generation?: number,
): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(generation === undefined ? {} : { generation }) },
  ...rest,
});

describe('rollout', () => {
  const dep = (status: Record<string, unknown>, replicas = 2, conditions: unknown[] = []) =>
    obj('Deployment', 'web', { spec: { replicas }, status: { ...status, conditions } }, 3);

  it('waits for the controller to observe the new generation', () => {
    expect(
      evaluateRollout(
        dep({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2, replicas: 2 }),
        'web',
      ),
    ).toEqual({ done: false, status: 'waiting for the controller to see generation 3' });
  });

  it('follows kubectl rollout status: updated, then old replicas gone, then available', () => {
    const g = { observedGeneration: 3 };
    expect(evaluateRollout(dep({ ...g, updatedReplicas: 1, replicas: 3 }), 'web')).toMatchObject({
      status: '1 of 2 replicas updated',
    });
    expect(evaluateRollout(dep({ ...g, updatedReplicas: 2, replicas: 3 }), 'web')).toMatchObject({
      status: '1 old replica(s) pending termination',
    });
    expect(
      evaluateRollout(dep({ ...g, updatedReplicas: 2, replicas: 2, availableReplicas: 1 }), 'web'),
    ).toMatchObject({ status: '1 of 2 updated replicas available' });
    expect(
      evaluateRollout(dep({ ...g, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }), 'web'),
    ).toEqual({ done: true, value: { ok: true } });
  });

  it('ends with a failure when the progress deadline is exceeded', () => {
    const r = evaluateRollout(
      dep({ observedGeneration: 3 }, 2, [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-1" has timed out progressing.',
        },
      ]),
      'web',
    );
    expect(r).toMatchObject({
      done: true,
      value: { ok: false, reason: 'ReplicaSet "web-1" has timed out progressing.' },
    });
  });
});

describe('job', () => {
  it('is done on Complete, fails on Failed, and reports counts otherwise', () => {
    const cond = (type: string) => ({
      status: {
        conditions: [
          {
            type,
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      },
    });
    expect(evaluateJob(obj('Job', 'migrate', cond('Complete')), 'migrate')).toEqual({
      done: true,
      value: { ok: true },
    });
    expect(evaluateJob(obj('Job', 'migrate', cond('Failed')), 'migrate')).toMatchObject({
      done: true,
      value: {
        ok: false,
        reason: 'Failed=True (BackoffLimitExceeded: Job has reached the specified backoff limit)',
      },
    });
    expect(
      evaluateJob(
        obj('Job', 'migrate', { spec: { completions: 1 }, status: { active: 1, failed: 2 } }),
        'migrate',
      ),
    ).toEqual({ done: false, status: '0 of 1 completions, 1 active, 2 failed' });
    expect(
      evaluateJob(obj('Job', 'migrate', { spec: { suspend: true } }), 'migrate'),
    ).toMatchObject({ status: /suspended/ });
  });
});

describe('nodes', () => {
  const node = (name: string, ready: string, message = '') =>
    obj('Node', name, {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: ready,
            reason: ready === 'True' ? 'KubeletReady' : 'KubeletNotReady',
            message,
          },
        ],
      },
    });

  it('counts Ready nodes and names the others', () => {
    expect(evaluateNodes([node('a', 'True'), node('b', 'True')], 2)).toEqual({
      done: true,
      value: undefined,
    });
    expect(
      evaluateNodes(
        [node('a', 'True'), node('b', 'False', 'container runtime network not ready')],
        3,
      ),
    ).toEqual({
      done: false,
      status:
        '1 of 3 nodes Ready; only 2 registered ' +
        '(b: Ready=False (KubeletNotReady: container runtime network not ready))',
    });
  });
});

describe('condition on any object', () => {
  const ref = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    name: 'events',
    namespace: 'kafka',
  };
  const kafka = (conditions: unknown[], generation = 1, observedGeneration?: number) =>
    obj(
      'Kafka',
      'events',
      { status: { conditions, ...(observedGeneration ? { observedGeneration } : {}) } },
      generation,
    );

  it('needs the condition at the wanted status', () => {
    expect(evaluateCondition(undefined, ref, 'Ready', 'True')).toEqual({
      done: false,
      status: 'Kafka kafka/events does not exist yet',
    });
    expect(evaluateCondition(kafka([]), ref, 'Ready', 'True')).toEqual({
      done: false,
      status: 'no Ready condition reported yet',
    });
    expect(
      evaluateCondition(
        kafka([
          { type: 'Ready', status: 'False', reason: 'Creating', message: 'brokers starting' },
        ]),
        ref,
        'Ready',
        'True',
      ),
    ).toEqual({ done: false, status: 'Ready=False (Creating: brokers starting)' });
    expect(
      evaluateCondition(kafka([{ type: 'Ready', status: 'True' }]), ref, 'Ready', 'True').done,
    ).toBe(true);
  });

  it('does not accept a condition written for an older generation', () => {
    const stale = kafka([{ type: 'Ready', status: 'True' }], 2, 1);
    expect(evaluateCondition(stale, ref, 'Ready', 'True')).toEqual({
      done: false,
      status: 'Ready=True is for generation 1; the object is at 2',
    });
  });
});

describe('CRD established', () => {
  it('waits for Established and surfaces a NamesAccepted conflict', () => {
    expect(
      evaluateCrd(
        obj('CustomResourceDefinition', 'x', {
          status: { conditions: [{ type: 'Established', status: 'True' }] },
        }),
        'x',
      ).done,
    ).toBe(true);
    expect(
      evaluateCrd(
        obj('CustomResourceDefinition', 'x', {
          status: {
            conditions: [
              {
                type: 'NamesAccepted',
                status: 'False',
                reason: 'ListKindConflict',
                message: '"KafkaList" is already in use',
              },
            ],
          },
        }),
        'x',
      ),
    ).toEqual({
      done: false,
      status: 'NamesAccepted=False (ListKindConflict: "KafkaList" is already in use)',
    });
  });
});

describe('load balancer', () => {
  it('returns the ip or host name, and refuses a Service that is not a LoadBalancer', () => {
    const svc = (spec: unknown, status: unknown = {}) =>
      obj('Service', 'ingress', { spec, status });
    expect(
      evaluateLoadBalancer(
        svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } }),
        'x/ingress',
      ),
    ).toEqual({ done: true, value: '203.0.113.7' });
    expect(
      evaluateLoadBalancer(
        svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ hostname: 'lb.example' }] } }),
        'x/ingress',
      ),
    ).toEqual({ done: true, value: 'lb.example' });
    expect(
      evaluateLoadBalancer(svc({ type: 'LoadBalancer' }, { loadBalancer: {} }), 'x/ingress').done,
    ).toBe(false);
    expect(() => evaluateLoadBalancer(svc({ type: 'ClusterIP' }), 'x/ingress')).toThrow(
      TodoInfraError,
    );
  });
});
