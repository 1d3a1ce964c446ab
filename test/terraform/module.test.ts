// terraform/ validated for real: `npm run validate:terraform` runs `terraform fmt -check` and
// `terraform validate` against the real oracle/oci provider, building the provider from the
// Go module proxy into the tool cache when it is not there yet (a very large build; a warm
// cache makes this a few seconds). There is deliberately no skip: if the provider cannot be
// built, this test fails and prints the exact obstacle the validate script reports.
//
// Also checks that the runner's fixture (test/fixtures/terraform/basic) declares the same
// inputs and outputs as the module, so tests against the fixture exercise the real contract.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declared, fixtureDir, moduleDir, repoRoot } from './tf.ts';

const FIXTURE_CONTROLS = [
  'apply_delay_seconds',
  'capacity_exhausted_ads',
  'fail_with',
  'region_ads',
];

describe('terraform/ module', () => {
  it(
    'passes fmt -check and validate against the real oracle/oci provider',
    () => {
      const r = spawnSync(process.execPath, [join(repoRoot, 'test/tools/validate-terraform.ts')], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 80 * 60_000,
      });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(0);
      expect(output).toContain('terraform fmt -check: terraform ok');
      expect(output).toContain('Success! The configuration is valid');
      expect(output).toMatch(/validated terraform\/ \(.*oke\.tf.*\) with terraform /);
    },
    85 * 60_000,
  );

  it('has a fixture with the same inputs and outputs', () => {
    const fixtureVars = declared(fixtureDir, 'variable').filter(
      (v) => !FIXTURE_CONTROLS.includes(v),
    );
    expect(fixtureVars).toEqual(declared(moduleDir, 'variable'));
    expect(declared(fixtureDir, 'output')).toEqual(declared(moduleDir, 'output'));
    expect(declared(moduleDir, 'output')).toEqual(
      expect.arrayContaining([
        'cluster_id',
        'cluster_endpoint',
        'lb_subnet_id',
        'node_pool_id',
        'vcn_id',
      ]),
    );
  });
});
