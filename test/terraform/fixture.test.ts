// The terraform runner's fixture (test/fixtures/terraform/basic) behaves as its header says,
// with the real terraform binary: offline init, plan/apply/output, a no-op re-run, each
// OCI-style failure at apply time, resuming after a capacity failure by moving ADs, destroy.
// The runner's own tests build on these behaviours; this file pins them down.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTerraform } from '../tools/terraform.ts';
import { fixtureDir, scratchDir, terraform } from './tf.ts';

const tf = await ensureTerraform();
let dir = '';
const run = (...args: string[]) => terraform(tf.path, dir, args);
const apply = (...vars: string[]) => run('apply', '-auto-approve', '-input=false', ...vars);

beforeAll(() => {
  dir = scratchDir('tf-fixture');
  cpSync(fixtureDir, dir, { recursive: true });
  writeFileSync(
    join(dir, 'todo-infra.auto.tfvars.json'),
    JSON.stringify({
      region: 'eu-frankfurt-1',
      tenancy_ocid: 'ocid1.tenancy.oc1..aaaaaaaa2bq4vl5tmtmbwfkl3tyxsubq3nhx4zvaoowhc4lvj5x7v',
      kubernetes_version: 'v1.34.1',
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('terraform fixture basic', () => {
  it('initialises offline, applies, and outputs the module contract', () => {
    const init = run('init', '-input=false');
    expect(init.status, init.text).toBe(0);
    expect(init.text).not.toContain('Installing'); // no provider to fetch
    const applied = apply();
    expect(applied.status, applied.text).toBe(0);
    const out = terraform(tf.path, dir, ['output', '-json']);
    const outputs = JSON.parse(out.text) as Record<string, { value: unknown }>;
    expect(outputs.cluster_id?.value).toMatch(
      /^ocid1\.cluster\.oc1\.eu-frankfurt-1\.[0-9a-f]{32}$/,
    );
    expect(outputs.lb_subnet_id?.value).toMatch(/^ocid1\.subnet\./);
    expect(outputs.node_pool_id?.value).toMatch(/^ocid1\.nodepool\./);
    expect(outputs.cluster_endpoint?.value).toBe('203.0.113.10:6443');
  });

  it('is a no-op on re-run', () => {
    const plan = run('plan', '-input=false', '-detailed-exitcode');
    expect(plan.status, plan.text).toBe(0); // 2 would mean changes
  });

  it.each([
    ['capacity', '500-InternalError, Out of host capacity.'],
    ['auth', '401-NotAuthenticated, The required information to complete authentication'],
    ['quota', '400-LimitExceeded, The following service limits were exceeded:'],
  ])('fails apply with the OCI %s error', (kind, message) => {
    const plan = run('plan', '-input=false', `-var=fail_with=${kind}`);
    expect(plan.status, 'failures must surface at apply, not plan').toBe(0);
    const failed = apply(`-var=fail_with=${kind}`);
    expect(failed.status).not.toBe(0);
    expect(failed.text).toContain(message);
    expect(failed.text).toContain('OPC request ID:');
  });

  it('resumes after a capacity failure once placement avoids the exhausted AD', () => {
    expect(run('destroy', '-auto-approve', '-input=false').status).toBe(0);
    const exhausted = '-var=capacity_exhausted_ads=["Uocm:EU-FRANKFURT-1-AD-1"]';
    const failed = apply(exhausted);
    expect(failed.text).toContain('Out of host capacity');
    const state = run('state', 'list');
    expect(state.text).toContain('terraform_data.cluster');
    expect(state.text).not.toContain('terraform_data.node_pool');
    const resumed = apply(exhausted, '-var=availability_domains=["Uocm:EU-FRANKFURT-1-AD-2"]');
    expect(resumed.status, resumed.text).toBe(0);
    expect(resumed.text).toContain('1 added');
  });

  it('destroys everything', () => {
    const destroyed = run('destroy', '-auto-approve', '-input=false');
    expect(destroyed.status, destroyed.text).toBe(0);
    expect(run('state', 'list').text).toBe('');
  });
});
