import { describe, expect, it } from 'vitest';
import { apiError, isPermanentFailure } from '../../src/kube/errors.js';

const status = (code: number, reason: string | undefined, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
});

describe('API errors', () => {
  it('quote Status.message and code the failure by what the user must do', () => {
    const quota = apiError(
      'apply Pod q/bare',
      403,
      status(
        403,
        'Forbidden',
        'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: app',
      ),
    );
    expect(quota.code).toBe('KUBE_QUOTA');
    expect(quota.message).toBe(
      'apply Pod q/bare failed: pods "bare" is forbidden: failed quota: compute: ' +
        'must specify limits.cpu for: app',
    );
    const rbac = apiError(
      'list nodes',
      403,
      status(
        403,
        'Forbidden',
        'nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" ' +
          'at the cluster scope',
      ),
    );
    expect(rbac.code).toBe('KUBE_FORBIDDEN');
    const psa = apiError(
      'apply Pod x/p',
      403,
      status(
        403,
        'Forbidden',
        'pods "p" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
      ),
    );
    expect(psa.code).toBe('KUBE_ADMISSION_DENIED');
  });

  it('treat a schema mismatch sent as HTTP 500 as a permanent error naming the field', () => {
    const body = status(
      500,
      undefined,
      'failed to create typed patch object (ns/web; apps/v1, ' +
        'Kind=Deployment): .spec.replicaz: field not declared in schema',
    );
    expect(isPermanentFailure(body)).toBe(true);
    const e = apiError('apply Deployment ns/web', 500, body);
    expect(e.code).toBe('KUBE_INVALID');
    expect(e.hint).toMatch(/^Remove or correct \.spec\.replicaz:/);
    expect(isPermanentFailure(status(500, 'InternalError', 'etcdserver: leader changed'))).toBe(
      false,
    );
  });

  it('scrub values echoed in errors about Secrets', () => {
    const body = status(
      422,
      'Invalid',
      'Secret "db" is invalid: data[password]: Invalid value: "hunter2-very-secret": ' +
        'a valid config key must ...',
    );
    expect(apiError('apply Secret a/db', 422, body, true).message).toBe(
      'apply Secret a/db failed: Secret "db" is invalid: data[password]: ' +
        'Invalid value: [redacted]: ' +
        'a valid config key must ...',
    );
  });
});
