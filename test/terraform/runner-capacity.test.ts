// "Out of host capacity" with the real terraform binary: the fixture fails the node pool while
// its first placement AD is listed as exhausted, so the runner's rotation through the region's
// ADs, its bounded backoff and its final resumable error are all exercised for real.
// The pause between attempts is recorded instead of slept.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import { toTerraformOutputs } from '../../src/terraform/outputs.js';
import { provision, type ProvisionOptions } from '../../src/terraform/provision.js';
import { ADS, scratchState, stackFor } from './runner-helpers.js';

type Options = ProvisionOptions & { lines: string[] };

function withRotation(stateDir: string, exhausted: string[], delays: number[]): Options {
  return {
    ...stackFor(stateDir, { capacity_exhausted_ads: exhausted }),
    listAvailabilityDomains: async () => ADS,
    capacity: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 3000 },
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
}

describe('capacity retry', () => {
  test('rotates ADs until one has capacity, keeps it', { timeout: 120_000 }, async () => {
    const stateDir = scratchState();
    const delays: number[] = [];
    const options = withRotation(stateDir, [ADS[0]!, ADS[1]!], delays);
    const result = await provision(options);

    // all ADs (first node lands in AD-1) → AD-1 → AD-2 → AD-3, which has capacity.
    expect(result.attempts).toBe(4);
    expect(result.placement).toEqual([ADS[2]]);
    expect(delays).toEqual([1000, 2000, 3000]);
    expect(toTerraformOutputs(result.outputs).availabilityDomains).toEqual([ADS[2]]);
    const warnings = options.lines.filter((l) => l.startsWith('warn'));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain(
      `out of host capacity (attempt 1/4); retrying in 1 s with availability domain ${ADS[0]}`,
    );

    const tfvarsFile = join(stateDir, 'terraform', 'terraform.tfvars.json');
    const tfvars = JSON.parse(readFileSync(tfvarsFile, 'utf8'));
    expect(tfvars.availability_domains).toEqual([ADS[2]]);

    // A later run keeps the placement that worked: nothing to change.
    const again = await provision(withRotation(stateDir, [ADS[0]!, ADS[1]!], []));
    expect(again.applied).toBe(false);
    expect(again.placement).toEqual([ADS[2]]);
  });

  test('gives up resumably, resumes where it stopped', { timeout: 120_000 }, async () => {
    const stateDir = scratchState();
    const delays: number[] = [];
    const options = {
      ...withRotation(stateDir, ADS, delays),
      capacity: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
    };
    let error: unknown;
    try {
      await provision(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TodoInfraError);
    const e = error as TodoInfraError;
    expect(e.code).toBe('TF_OUT_OF_CAPACITY');
    expect(e.source).toBe('environment');
    expect(e.message).toContain('after 3 attempt(s)');
    expect(e.message).toContain(`all ADs, ${ADS[0]}, ${ADS[1]}`);
    expect(e.hint).toContain('todo-infra phase terraform');
    expect(e.details.join('\n')).toContain('Out of host capacity');
    expect(delays).toHaveLength(2);
    // The last placement tried is remembered, so a resumed run starts at the next AD.
    const saved = JSON.parse(readFileSync(join(stateDir, 'terraform', 'placement.json'), 'utf8'));
    expect(saved.availabilityDomains).toEqual([ADS[1]]);

    const resumed = await provision(withRotation(stateDir, [ADS[0]!, ADS[1]!], []));
    expect(resumed.attempts).toBe(2); // AD-2 (remembered) fails once more, then AD-3.
    expect(resumed.placement).toEqual([ADS[2]]);
  });

  test('no known AD list: the same placement is retried', { timeout: 120_000 }, async () => {
    const stateDir = scratchState();
    const delays: number[] = [];
    const options: Options = {
      ...stackFor(stateDir, { fail_with: 'capacity' }),
      capacity: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
      sleep: async (ms) => {
        delays.push(ms);
      },
    };
    await expect(provision(options)).rejects.toMatchObject({ code: 'TF_OUT_OF_CAPACITY' });
    expect(delays).toEqual([5]);
    expect(options.lines.some((l) => l.includes('with the same placement'))).toBe(true);
    expect(existsSync(join(stateDir, 'terraform', 'placement.json'))).toBe(false);
  });
});
