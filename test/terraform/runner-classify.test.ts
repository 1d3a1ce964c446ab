// The table of known terraform failures: each entry against the kind of text terraform and the
// OCI provider print (wrapped and framed the way terraform prints diagnostics), plus the
// ordering rules and the fall-through for unknown failures.
import { describe, expect, test } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import type { ToolFailure } from '../../src/core/proc.js';
import {
  classifyTerraform,
  errorSummary,
  flatten,
  lockId,
  PATTERNS,
} from '../../src/terraform/classify.js';

function failure(text: string, exitCode = 1): ToolFailure {
  const tail = text.split('\n');
  return { argv: ['terraform', 'apply'], exitCode, signal: undefined, tail, output: text };
}

const ctx = { workDir: '/state/terraform', command: 'apply' };

const LOCK = `Acquiring state lock. This may take a few moments...

Error: Error acquiring the state lock

Error message: resource temporarily unavailable
Lock Info:
  ID:        5d1e33b4-7b38-2c1d-9a1f-2f0c4e7d9a11
  Path:      terraform.tfstate
  Operation: OperationTypeApply
  Who:       ops@build-host
  Version:   1.11.4
  Created:   2026-01-05 10:12:44.1 +0000 UTC
  Info:

Terraform acquires a state lock to protect the state from being written
by multiple users at the same time. Please resolve the issue above and try
again. For most commands, you can disable locking with the "-lock=false"
flag, but this is not recommended.`;

const CAPACITY = `oci_containerengine_node_pool.this: Still creating... [12m0s elapsed]
╷
│ Error: 500-InternalError, Out of host
│ capacity.
│ Suggestion: The service for this resource encountered an error. Please contact support
│ Service: Containerengine Node Pool
│ Operation Name: CreateNodePool
│ OPC request ID: 2b7e/AB12/CD34
╵`;

const cases: { name: string; text: string; code: string; source: string; hint: RegExp }[] = [
  {
    name: 'state lock',
    text: LOCK,
    code: 'TF_STATE_LOCKED',
    source: 'environment',
    hint: /force-unlock 5d1e33b4-7b38-2c1d-9a1f-2f0c4e7d9a11/,
  },
  {
    name: 'out of host capacity (wrapped over two lines)',
    text: CAPACITY,
    code: 'TF_OUT_OF_CAPACITY',
    source: 'environment',
    hint: /todo-infra phase terraform/,
  },
  {
    name: '401',
    text:
      'Error: 401-NotAuthenticated, The required information to complete ' +
      'authentication was not provided or was incorrect.\nOperation Name: ListAvailabilityDomains',
    code: 'TF_NOT_AUTHENTICATED',
    source: 'user',
    hint: /fingerprint/,
  },
  {
    name: 'service limit',
    text:
      'Error: 400-LimitExceeded, The following service limits were ' +
      'exceeded: standard-a1-memory-count.',
    code: 'TF_LIMIT_EXCEEDED',
    source: 'environment',
    hint: /todo-infra check/,
  },
  {
    name: 'compartment quota',
    text: 'Error: 400-QuotaExceeded, Quota exceeded for ' + 'standard-a1-core-count in compartment',
    code: 'TF_LIMIT_EXCEEDED',
    source: 'environment',
    hint: /nodeCount/,
  },
  {
    name: 'plain "service limit exceeded"',
    text: 'Error: the service limit exceeded for load ' + 'balancers',
    code: 'TF_LIMIT_EXCEEDED',
    source: 'environment',
    hint: /Always Free/,
  },
  {
    name: 'backend changed',
    text:
      'Error: Backend configuration changed\n\nA change in the ' +
      'backend configuration has been detected',
    code: 'TF_BACKEND_CHANGED',
    source: 'user',
    hint: /terraform -chdir=\/state\/terraform init -migrate-state/,
  },
  {
    name: 'migration needs input',
    text: "Error: Can't ask approval for state migration when " + 'interactive input is disabled.',
    code: 'TF_BACKEND_CHANGED',
    source: 'user',
    hint: /-migrate-state/,
  },
  {
    name: '404 not authorized',
    text:
      'Error: 404-NotAuthorizedOrNotFound, Authorization failed ' +
      'or requested resource not found.',
    code: 'TF_NOT_AUTHORIZED',
    source: 'user',
    hint: /policies/,
  },
  {
    name: '429',
    text: 'Error: 429-TooManyRequests, Too many requests for the user',
    code: 'TF_TOO_MANY_REQUESTS',
    source: 'environment',
    hint: /Wait/,
  },
  {
    name: 's3 backend without a key',
    text: 'Error: No valid credential sources found',
    code: 'TF_BACKEND_CREDENTIALS',
    source: 'user',
    hint: /Customer Secret Key/,
  },
  {
    name: 's3 backend with a wrong key',
    text: 'api error InvalidAccessKeyId: The access key ' + 'does not exist',
    code: 'TF_BACKEND_CREDENTIALS',
    source: 'user',
    hint: /1\.12/,
  },
  {
    name: 'backend unreachable',
    text:
      'Error: Failed to get existing workspaces: Unable to ' +
      'list objects in S3 bucket "tfstate": dial tcp: no such host',
    code: 'TF_BACKEND_UNREACHABLE',
    source: 'environment',
    hint: /bucket, namespace, region/,
  },
  {
    name: 'provider download',
    text:
      'Error: Failed to query available provider packages\n\n' +
      'Could not retrieve the list of available versions for provider oracle/oci',
    code: 'TF_PROVIDER_UNAVAILABLE',
    source: 'environment',
    hint: /mirror/,
  },
  {
    name: 'module variable validation',
    text:
      'Error: Invalid value for variable\n\n  on ' +
      'terraform.tfvars.json line 3:\nThe node_pool exceeds the Always Free A1 allowance',
    code: 'TF_INVALID_VARIABLE',
    source: 'user',
    hint: /config file/,
  },
];

describe('classifyTerraform', () => {
  test.each(cases)('$name → $code', ({ text, code, source, hint }) => {
    const error = classifyTerraform(failure(text), ctx);
    expect(error?.code).toBe(code);
    expect(error?.source).toBe(source);
    expect(error?.hint).toMatch(hint);
    expect(error?.message).toMatch(/^terraform apply: /);
    // The output tail travels with the error, after terraform's own summary line.
    expect(error?.details.slice(-text.split('\n').length)).toEqual(text.split('\n'));
  });

  test('every pattern in the table has a case above', () => {
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(PATTERNS.map((p) => p.code)));
  });

  test('a held lock maps to the "locked" exit code, a bad variable to "usage"', () => {
    expect(classifyTerraform(failure(LOCK), ctx)?.exitCode).toBe(ExitCode.locked);
    const bad = classifyTerraform(failure('Error: Invalid value for variable'), ctx);
    expect(bad?.exitCode).toBe(ExitCode.usage);
  });

  test('the limit name and the lock id are named in the message', () => {
    const limit = classifyTerraform(failure(cases[3]!.text), ctx);
    expect(limit?.message).toContain('(standard-a1-memory-count)');
    expect(classifyTerraform(failure(LOCK), ctx)?.message).toContain(
      'lock ID 5d1e33b4-7b38-2c1d-9a1f-2f0c4e7d9a11',
    );
  });

  test('the first matching pattern wins: a lock error quoting a 401 is still a lock error', () => {
    const text = `${LOCK}\nlast error: 401-NotAuthenticated`;
    expect(classifyTerraform(failure(text), ctx)?.code).toBe('TF_STATE_LOCKED');
  });

  test('unknown failures are left to the generic tool error', () => {
    expect(
      classifyTerraform(failure('Error: Unsupported argument\n  on main.tf line 3'), ctx),
    ).toBeUndefined();
  });

  test('helpers: flatten joins wrapped, framed lines; summary and lock id are extracted', () => {
    expect(flatten('│ Error: 500-InternalError, Out of host\n│ capacity.')).toBe(
      'Error: 500-InternalError, Out of host capacity.',
    );
    expect(errorSummary(CAPACITY)).toBe('500-InternalError, Out of host');
    expect(lockId(LOCK)).toBe('5d1e33b4-7b38-2c1d-9a1f-2f0c4e7d9a11');
    expect(lockId('Error: Error acquiring the state lock')).toBeUndefined();
  });
});
