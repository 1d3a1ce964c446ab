// Diagnosis rules over fixtures shaped like what the kubelet, scheduler and controllers write.
import { describe, expect, it } from 'vitest';
import { diagnose, diagnosePod } from '../../src/kube/diagnose.js';
import { waitTimeoutError } from '../../src/kube/evidence.js';
import { selectorString } from '../../src/kube/evidence.js';
import { ExitCode } from '../../src/core/errors.js';
import type { KubeObject } from '../../src/kube/types.js';

const pod = (name: string, status: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'todo-app' },
  spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/todo-backend:1.4.0' }] },
  status,
});

const waiting = (reason: string, message?: string, extra: Record<string, unknown> = {}) => ({
  phase: 'Pending',
  containerStatuses: [
    {
      name: 'app',
      image: 'ghcr.io/acme/todo-backend:1.4.0',
      ready: false,
      restartCount: 0,
      state: { waiting: { reason, message } },
      ...extra,
    },
  ],
});

const event = (
  kind: string,
  name: string,
  reason: string,
  message: string,
  at = '2026-05-01T10:00:00Z',
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${name}.1`, namespace: 'todo-app' },
  involvedObject: { kind, name, namespace: 'todo-app' },
  reason,
  message,
  type: 'Warning',
  lastTimestamp: at,
});

const unschedulable = pod('backend-1', {
  phase: 'Pending',
  conditions: [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message:
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: ' +
        '1 No preemption victims found for incoming pod.',
    },
  ],
});

describe('diagnosis', () => {
  it('reads Unschedulable from the PodScheduled condition, without the preemption noise', () => {
    const [c] = diagnosePod(unschedulable);
    expect(c).toMatchObject({ kind: 'unschedulable' });
    expect(c!.summary).toBe(
      'pod backend-1 cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu.',
    );
    expect(c!.hint).toMatch(/lower their resource requests/);
  });

  it('recognises image pull failures, config errors, crash loops and OOM kills', () => {
    const pull = diagnosePod(
      pod(
        'p',
        waiting('ImagePullBackOff', 'Back-off pulling image "ghcr.io/acme/todo-backend:1.4.0"'),
      ),
    );
    expect(pull[0]!.kind).toBe('image-pull');
    expect(pull[0]!.summary).toContain(
      'cannot pull image ghcr.io/acme/todo-backend:1.4.0 (ImagePullBackOff)',
    );
    expect(
      diagnosePod(pod('p', waiting('CreateContainerConfigError', 'secret "todo-db" not found')))[0],
    ).toMatchObject({
      kind: 'config',
      summary:
        'pod p, container app cannot start (CreateContainerConfigError): ' +
        'secret "todo-db" not found',
    });
    const crash = waiting('CrashLoopBackOff', 'back-off 40s restarting failed container', {
      restartCount: 4,
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    expect(diagnosePod(pod('p', crash))[0]!.summary).toBe(
      'pod p, container app is crash-looping (4 restarts, last exit code 1 (Error))',
    );
    const oom = waiting('CrashLoopBackOff', '', {
      restartCount: 2,
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
    });
    expect(diagnosePod(pod('p', oom))[0]!.kind).toBe('oom');
  });

  it('finds quota refusals in ReplicaSet events and ranks them first', () => {
    const causes = diagnose({
      pods: [unschedulable],
      events: [
        event(
          'ReplicaSet',
          'backend-7d9f',
          'FailedCreate',
          'Error creating: pods "backend-7d9f-x2" is forbidden: exceeded quota: todo-quota, ' +
            'requested: requests.cpu=500m, used: requests.cpu=1800m, limited: requests.cpu=2',
        ),
      ],
    });
    expect(causes.map((c) => c.kind)).toEqual(['quota', 'unschedulable']);
    expect(causes[0]!.summary).toMatch(
      /^ReplicaSet backend-7d9f: Error creating: .*exceeded quota: todo-quota/,
    );
  });

  it('treats "must specify" (quota, no LimitRange) as quota and PodSecurity as admission', () => {
    const quota = diagnose({
      owners: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'backend' },
          status: {
            conditions: [
              {
                type: 'ReplicaFailure',
                status: 'True',
                reason: 'FailedCreate',
                message:
                  'pods "backend-x" is forbidden: failed quota: todo-quota: ' +
                  'must specify limits.cpu for: app',
              },
            ],
          },
        },
      ],
    });
    expect(quota[0]).toMatchObject({ kind: 'quota' });
    const psa = diagnose({
      events: [
        event(
          'ReplicaSet',
          'rs',
          'FailedCreate',
          'Error creating: pods "x" is forbidden: violates PodSecurity "restricted:latest": ' +
            'allowPrivilegeEscalation != false',
        ),
      ],
    });
    expect(psa[0]).toMatchObject({ kind: 'admission' });
  });

  it('reports one cause for the same problem on several pods and in their events', () => {
    const twin = { ...unschedulable, metadata: { ...unschedulable.metadata, name: 'backend-2' } };
    const causes = diagnose({
      pods: [unschedulable, twin],
      events: [
        event(
          'Pod',
          'backend-1',
          'FailedScheduling',
          '0/1 nodes are available: 1 Insufficient cpu.',
        ),
      ],
    });
    expect(causes).toHaveLength(1);
  });

  it('ignores Normal events and healthy pods', () => {
    const healthy = pod('ok', {
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: true, state: { running: {} } }],
    });
    const normal = { ...event('Pod', 'ok', 'Pulled', 'Successfully pulled image'), type: 'Normal' };
    expect(diagnose({ pods: [healthy], events: [normal] })).toEqual([]);
  });
});

describe('timeout errors', () => {
  it('state the last status and the most likely cause, with the timeout exit code', () => {
    const causes = diagnose({ pods: [unschedulable] });
    const e = waitTimeoutError(
      'Deployment todo-app/backend to roll out',
      90_000,
      '0 of 1 updated replicas available',
      causes,
    );
    expect(e.code).toBe('KUBE_WAIT_TIMEOUT');
    expect(e.exitCode).toBe(ExitCode.timeout);
    expect(e.message).toBe(
      'Timed out after 90 s waiting for Deployment todo-app/backend to roll out; last status: ' +
        '0 of 1 updated replicas available. ' +
        'Most likely cause: pod backend-1 cannot be scheduled: ' +
        '0/1 nodes are available: 1 Insufficient cpu.',
    );
  });
});

describe('selectorString', () => {
  it('renders matchLabels and every matchExpressions operator', () => {
    expect(
      selectorString({
        matchLabels: { app: 'backend' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['api', 'web'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'team', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=backend,tier in (api,web),env notin (dev),team,!legacy');
    expect(selectorString({})).toBeUndefined();
  });
});

describe('scheduler messages', () => {
  it('keep only the verdict sentence', () => {
    const [c] = diagnosePod(
      pod('big', {
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message:
              '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). ' +
              'no new claims to deallocate, preemption: 0/2 nodes are available: ' +
              '2 No preemption victims found.',
          },
        ],
      }),
    );
    expect(c!.summary).toBe(
      'pod big cannot be scheduled: 0/2 nodes are available: 1 Insufficient cpu, ' +
        '1 node(s) had untolerated taint(s).',
    );
  });
});
