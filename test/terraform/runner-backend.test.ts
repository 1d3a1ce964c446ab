// The state backend: local by default (no override file), OCI Object Storage through the
// native "oci" backend on terraform >= 1.12 or the S3-compatible endpoint before that. The
// rendering is checked per version; the S3-compatible form is also run through the real
// terraform binary (1.11 here), which must accept every argument and then try the OCI
// endpoint — there is no Object Storage here, so it fails with a classified error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hclString, planBackend, s3CompatEndpoint } from '../../src/terraform/backend.js';
import { parseVersion, type Version } from '../../src/terraform/binary.js';
import { provision } from '../../src/terraform/provision.js';
import { makeConfig, scratchState, stackFor } from './runner-helpers.js';

const oci = {
  type: 'oci' as const,
  bucket: 'tfstate',
  namespace: 'axaxnpcrorw5',
  key: 'todo/terraform.tfstate',
};
const ctx = { workDir: '/state/terraform', region: 'eu-frankfurt-1', profile: 'CI' };
const v = (text: string): Version => parseVersion(text)!;

describe('planBackend', () => {
  test('local: no override, the state file in the working directory', () => {
    const plan = planBackend({ type: 'local' }, v('1.11.4'), ctx);
    expect(plan).toEqual({
      override: undefined,
      location: '/state/terraform/terraform.tfstate',
      kind: 'local',
      warnings: [],
    });
  });

  test('terraform >= 1.12: the native oci backend with the same config profile', () => {
    const plan = planBackend({ ...oci, region: 'eu-amsterdam-1' }, v('1.12.0'), ctx);
    expect(plan.kind).toBe('oci');
    expect(plan.location).toBe('oci://tfstate@axaxnpcrorw5/todo/terraform.tfstate');
    expect(plan.warnings).toEqual([]);
    expect(plan.override).toContain('backend "oci" {');
    expect(plan.override).toMatch(/bucket +\= "tfstate"/);
    expect(plan.override).toMatch(/namespace +\= "axaxnpcrorw5"/);
    expect(plan.override).toMatch(/key +\= "todo\/terraform.tfstate"/);
    expect(plan.override).toMatch(/region +\= "eu-amsterdam-1"/);
    expect(plan.override).toMatch(/config_file_profile = "CI"/);
  });

  test('terraform 1.6.3 .. 1.11: S3-compatible endpoint, path style, no AWS-only checks', () => {
    const plan = planBackend(oci, v('1.11.4'), ctx);
    expect(plan.kind).toBe('s3-compat');
    expect(plan.override).toContain('backend "s3" {');
    expect(plan.override).toContain(`s3 = "${s3CompatEndpoint('axaxnpcrorw5', 'eu-frankfurt-1')}"`);
    expect(s3CompatEndpoint('axaxnpcrorw5', 'eu-frankfurt-1')).toBe(
      'https://axaxnpcrorw5.compat.objectstorage.eu-frankfurt-1.oraclecloud.com',
    );
    for (const flag of [
      'use_path_style',
      'skip_region_validation',
      'skip_credentials_validation',
      'skip_requesting_account_id',
      'skip_metadata_api_check',
      'skip_s3_checksum',
    ]) {
      expect(plan.override).toMatch(new RegExp(`${flag} += true`));
    }
    expect(plan.override).not.toMatch(/access_key|secret_key/);
    expect(plan.warnings.join(' ')).toMatch(/Customer Secret Key.*not locked/);
  });

  test('terraform 1.6.0 .. 1.6.2 cannot skip the checksum: warned', () => {
    const plan = planBackend(oci, v('1.6.2'), ctx);
    expect(plan.override).not.toContain('skip_s3_checksum');
    expect(plan.warnings.some((w) => w.includes('1.6.3'))).toBe(true);
  });

  test('terraform 1.5: the pre-1.6 argument names', () => {
    const plan = planBackend(oci, v('1.5.7'), ctx);
    expect(plan.override).toMatch(/endpoint += "https:\/\/axaxnpcrorw5\.compat/);
    expect(plan.override).toMatch(/force_path_style += true/);
    expect(plan.override).not.toMatch(/endpoints|use_path_style|skip_requesting_account_id/);
  });

  test('HCL strings cannot become templates', () => {
    expect(hclString('a${b}%{c}"d')).toBe('"a$${b}%%{c}\\"d"');
  });
});

describe('the S3-compatible backend with the real terraform binary', () => {
  const saved: Record<string, string | undefined> = {};
  const keys = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_PROFILE',
    'AWS_SHARED_CREDENTIALS_FILE',
  ];
  beforeEach(() => {
    for (const k of keys) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  });
  afterEach(() => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  const withOci = () => makeConfig({ terraform: { backend: oci } });

  test('without a Customer Secret Key: TF_BACKEND_CREDENTIALS', { timeout: 60_000 }, async () => {
    const stateDir = scratchState();
    const options = stackFor(stateDir, {}, withOci());
    await expect(provision(options)).rejects.toMatchObject({ code: 'TF_BACKEND_CREDENTIALS' });
    const override = readFileSync(join(stateDir, 'terraform', 'backend_override.tf'), 'utf8');
    expect(override).toContain('backend "s3"');
    const logged = (test: (l: string) => boolean) => options.lines.some(test);
    expect(logged((l) => l.includes('terraform state: oci://tfstate@axaxnpcrorw5/'))).toBe(true);
    expect(logged((l) => l.startsWith('warn') && l.includes('Customer Secret Key'))).toBe(true);
  });

  test('terraform accepts every argument, calls the endpoint', { timeout: 60_000 }, async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEEXAMPLE00';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret-not-real';
    const error = await provision(stackFor(scratchState(), {}, withOci())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TF_BACKEND_UNREACHABLE' });
    const details = (error as { details: string[] }).details.join('\n');
    expect(details).not.toMatch(/Unsupported argument|Invalid backend configuration/);
    expect(details).toContain(
      'axaxnpcrorw5.compat.objectstorage.eu-frankfurt-1.oraclecloud.com/tfstate',
    );
  });

  test('local → bucket never starts from empty state', { timeout: 60_000 }, async () => {
    const stateDir = scratchState();
    await provision(stackFor(stateDir));
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEEXAMPLE00';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret-not-real';
    const error = await provision(stackFor(stateDir, {}, withOci())).catch((e: unknown) => e);
    // terraform inspects both states before migrating; the local state is untouched.
    expect(error).toMatchObject({ code: 'TF_BACKEND_UNREACHABLE' });
    const details = (error as { details: string[] }).details.join('\n');
    expect(details).toContain('Error inspecting states');
    expect(existsSync(join(stateDir, 'terraform', 'terraform.tfstate'))).toBe(true);

    // Back to local: the override is removed and the local state is used again.
    const back = await provision(stackFor(stateDir));
    expect(back.applied).toBe(false);
    expect(existsSync(join(stateDir, 'terraform', 'backend_override.tf'))).toBe(false);
  });
});
