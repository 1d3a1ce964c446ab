// The runner against the real terraform binary and the fixture module (built-in resources
// only, so `init` works offline): apply, outputs, a no-op re-run, classified failures with
// the output tail, and destroy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import { toTerraformOutputs } from '../../src/terraform/outputs.js';
import { destroyStack, provision, readStackOutputs } from '../../src/terraform/provision.js';
import { scratchState, stackFor } from './runner-helpers.js';

async function failure(p: Promise<unknown>): Promise<TodoInfraError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof TodoInfraError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

describe('provision with the real terraform binary', () => {
  test('apply, validated outputs, a no-op re-run, then destroy', { timeout: 120_000 }, async () => {
    const stateDir = scratchState();
    const first = stackFor(stateDir);
    const result = await provision(first);
    expect(result.applied).toBe(true);
    expect(result.plan.changes).toBe(true);
    expect(result.plan.counts?.add).toBeGreaterThan(0);
    expect(result.stateLocation).toBe(join(stateDir, 'terraform', 'terraform.tfstate'));
    expect(existsSync(result.stateLocation)).toBe(true);
    const logged = (re: RegExp) => first.lines.some((l) => re.test(l));
    expect(first.lines.some((l) => l.includes(`terraform state: ${result.stateLocation}`))).toBe(
      true,
    );
    // terraform's own output reached the logger line by line, at debug level.
    expect(logged(/^debug .*Apply complete! Resources: \d+ added/)).toBe(true);

    const outputs = toTerraformOutputs(result.outputs);
    expect(outputs.clusterId).toMatch(/^ocid1\.cluster\.oc1\.eu-frankfurt-1\./);
    expect(outputs.nodeCount).toBe(1);
    expect(outputs.kubernetesVersion).toBe('v1.34.1');
    expect(outputs.region).toBe('eu-frankfurt-1');

    const second = stackFor(stateDir);
    const again = await provision(second);
    expect(again.applied).toBe(false);
    expect(again.plan.changes).toBe(false);
    expect(second.lines.some((l) => l.includes('terraform apply skipped'))).toBe(true);
    expect(second.lines.some((l) => /running: .*terraform apply/.test(l))).toBe(false);
    expect(toTerraformOutputs(again.outputs)).toEqual(outputs);

    const read = await readStackOutputs(stackFor(stateDir));
    expect(read && toTerraformOutputs(read).clusterId).toBe(outputs.clusterId);

    const down = await destroyStack(stackFor(stateDir));
    expect(down.destroyed).toBe(true);
    const state = JSON.parse(readFileSync(down.stateLocation, 'utf8')) as { resources: unknown[] };
    expect(state.resources).toEqual([]);
    expect(await readStackOutputs(stackFor(stateDir))).toEqual({});
  });

  test('destroy without any state is a no-op that runs nothing', async () => {
    const options = stackFor(scratchState());
    const down = await destroyStack(options);
    expect(down.destroyed).toBe(false);
    expect(options.lines.some((l) => l.includes('nothing to destroy'))).toBe(true);
    expect(options.lines.some((l) => /running: .*terraform (init|destroy)/.test(l))).toBe(false);
  });

  test('a 401 during apply: TF_NOT_AUTHENTICATED with the tail', { timeout: 60_000 }, async () => {
    const error = await failure(provision(stackFor(scratchState(), { fail_with: 'auth' })));
    expect(error.code).toBe('TF_NOT_AUTHENTICATED');
    expect(error.source).toBe('user');
    expect(error.phase).toBeUndefined();
    expect(error.hint).toMatch(/fingerprint/);
    expect(error.details.join('\n')).toContain('401-NotAuthenticated');
    expect(error.details[0]).toMatch(/^terraform said: Resource precondition failed/);
  });

  test('a service limit: TF_LIMIT_EXCEEDED naming the limit', { timeout: 60_000 }, async () => {
    const options = { ...stackFor(scratchState(), { fail_with: 'quota' }), phase: 'terraform' };
    const error = await failure(provision(options));
    expect(error.code).toBe('TF_LIMIT_EXCEEDED');
    expect(error.phase).toBe('terraform');
    expect(error.message).toContain('standard-a1-core-count');
    expect(error.details.join('\n')).toContain('400-LimitExceeded');
  });

  test('an invalid variable is a usage error', { timeout: 60_000 }, async () => {
    const error = await failure(provision(stackFor(scratchState(), { fail_with: 'bogus' })));
    expect(error.code).toBe('TF_INVALID_VARIABLE');
    expect(error.exitCode).toBe(2);
    expect(error.details.join('\n')).toContain('fail_with');
  });
});
