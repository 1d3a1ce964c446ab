// Rendering terraform.tfvars.json from the config: the mapping onto the module's variables,
// byte-for-byte determinism (the phase hashes it), no credentials, and the errors for configs
// the module cannot take. Also where region/tenancy come from and how the provider is pointed
// at the OCI config file.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { providerHomeEnv, resolveAccount } from '../../src/terraform/account.js';
import { apiSubnetCidr, namePrefix, renderTfvars, tfvarsJson } from '../../src/terraform/tfvars.js';
import { makeConfig, repoRoot, TENANCY } from './runner-helpers.js';

const account = { region: 'eu-frankfurt-1', tenancyId: TENANCY };
const PARENT = 'ocid1.compartment.oc1..aaaaaaaaparentparentparent';
const IMAGE = 'ocid1.image.oc1.eu-frankfurt-1.aaaaaaaaimageimageimageimage';

describe('renderTfvars', () => {
  test('maps the default config onto the module variables', () => {
    expect(renderTfvars(makeConfig(), account)).toEqual({
      region: 'eu-frankfurt-1',
      tenancy_ocid: TENANCY,
      oci_config_profile: 'DEFAULT',
      compartment_id: TENANCY,
      name_prefix: 'todo',
      kubernetes_version: 'v1.34.1',
      api_endpoint_public: true,
      network: {
        vcn_cidr: '10.0.0.0/16',
        lb_subnet_cidr: '10.0.0.0/24',
        worker_subnet_cidr: '10.0.1.0/24',
        api_subnet_cidr: '10.0.2.0/28',
      },
      node_pool: {
        node_count: 1,
        ocpus: 2,
        memory_gbs: 8,
        boot_volume_gbs: 50,
        enforce_always_free: true,
      },
    });
  });

  test('renders only variables the real module declares', () => {
    const declared = new Set<string>();
    const text = readFileSync(join(repoRoot, 'terraform', 'variables.tf'), 'utf8');
    for (const m of text.matchAll(/^variable "([a-z0-9_]+)"/gm)) declared.add(m[1]!);
    const config = makeConfig({
      oci: { createCompartment: 'todo', compartmentId: PARENT },
      cluster: { nodeImageId: IMAGE },
    });
    const ads = ['Uocm:EU-FRANKFURT-1-AD-2'];
    const vars = renderTfvars(config, account, { availabilityDomains: ads });
    for (const name of Object.keys(vars)) expect(declared, name).toContain(name);
  });

  test('is byte-for-byte deterministic, whatever order the config was written in', () => {
    const a = makeConfig({
      cluster: { nodeCount: 1, memoryGbPerNode: 6 },
      network: { vcnCidr: '10.0.0.0/16' },
    });
    const b = makeConfig({
      network: { vcnCidr: '10.0.0.0/16' },
      cluster: { memoryGbPerNode: 6, nodeCount: 1 },
    });
    const first = tfvarsJson(renderTfvars(a, account));
    expect(tfvarsJson(renderTfvars(b, account))).toBe(first);
    expect(tfvarsJson(renderTfvars(a, account))).toBe(first);
    expect(first.endsWith('\n')).toBe(true);
    const keys = Object.keys(JSON.parse(first) as object);
    expect(keys).toEqual([...keys].sort());
  });

  test('a new compartment under a parent; an existing one; a pinned image', () => {
    const render = (input: Parameters<typeof makeConfig>[0]) =>
      renderTfvars(makeConfig(input), account);
    const created = render({ oci: { createCompartment: 'todo', compartmentId: PARENT } });
    expect(created).toMatchObject({ compartment_name: 'todo', parent_compartment_id: PARENT });
    expect(created).not.toHaveProperty('compartment_id');
    expect(render({ oci: { compartmentId: PARENT } }).compartment_id).toBe(PARENT);
    expect(render({ cluster: { nodeImageId: IMAGE } }).node_image_id).toBe(IMAGE);
  });

  test('paid accounts lift the Always Free check in the module too', () => {
    const config = makeConfig({ cluster: { allowBeyondFreeTier: true, nodeCount: 3 } });
    expect(renderTfvars(config, account).node_pool).toMatchObject({
      node_count: 3,
      enforce_always_free: false,
    });
  });

  test('refuses a node shape the module does not provision', () => {
    const config = makeConfig({
      cluster: { nodeShape: 'VM.Standard.E4.Flex', allowBeyondFreeTier: true },
    });
    expect(() => renderTfvars(config, account)).toThrow(/cluster.nodeShape VM.Standard.E4.Flex/);
  });

  test('never carries credentials, even when the OCI profile holds them', () => {
    const home = mkdtempSync(join(tmpdir(), 'oci-home-'));
    mkdirSync(join(home, '.oci'));
    const file = join(home, '.oci', 'config');
    writeFileSync(
      file,
      [
        '[DEFAULT]',
        'user=ocid1.user.oc1..aaaaaaaauseruseruseruser',
        'fingerprint=aa:bb:cc',
        `tenancy=${TENANCY}`,
        'region=eu-amsterdam-1',
        'key_file=/keys/api.pem',
        'pass_phrase=hunter22',
        '',
      ].join('\n'),
    );
    const config = makeConfig({
      oci: { configFile: file, region: undefined, tenancyId: undefined },
    });
    const resolved = resolveAccount(config);
    expect(resolved).toEqual({ region: 'eu-amsterdam-1', tenancyId: TENANCY });
    const json = tfvarsJson(renderTfvars(config, resolved));
    for (const secret of ['hunter22', '/keys/api.pem', 'aa:bb:cc', 'ocid1.user']) {
      expect(json).not.toContain(secret);
    }
  });
});

describe('derived values', () => {
  test('name prefix from cluster.name', () => {
    expect(namePrefix('todo-oke')).toBe('todo');
    expect(namePrefix('my-platform-cluster')).toBe('myplatform');
    expect(() => namePrefix('9-lives')).toThrow(/cluster.name 9-lives/);
  });

  test('the API endpoint /28 is the first free one inside the VCN', () => {
    expect(apiSubnetCidr(makeConfig().network)).toBe('10.0.2.0/28');
    expect(
      apiSubnetCidr({
        vcnCidr: '172.16.0.0/16',
        publicSubnetCidr: '172.16.0.0/24',
        privateSubnetCidr: '172.16.1.0/24',
      }),
    ).toBe('172.16.2.0/28');
    expect(
      apiSubnetCidr({
        vcnCidr: '10.1.0.0/24',
        publicSubnetCidr: '10.1.0.0/25',
        privateSubnetCidr: '10.1.0.128/26',
      }),
    ).toBe('10.1.0.192/28');
    expect(() =>
      apiSubnetCidr({
        vcnCidr: '10.1.0.0/24',
        publicSubnetCidr: '10.1.0.0/25',
        privateSubnetCidr: '10.1.0.128/25',
      }),
    ).toThrow(/no free \/28/);
  });
});

describe('account and provider home', () => {
  test('config values win and no file is read', () => {
    const config = makeConfig({ oci: { configFile: '/nonexistent/.oci/config' } });
    expect(resolveAccount(config)).toEqual(account);
  });

  test('a profile without region names the fields to set', () => {
    const home = mkdtempSync(join(tmpdir(), 'oci-home-'));
    mkdirSync(join(home, '.oci'));
    writeFileSync(join(home, '.oci', 'config'), `[DEFAULT]\ntenancy=${TENANCY}\n`);
    const config = makeConfig({
      oci: { configFile: join(home, '.oci', 'config'), region: undefined },
    });
    expect(() => resolveAccount(config)).toThrow(/oci.region is not set and profile \[DEFAULT\]/);
  });

  test('the provider is pointed at <dir>/.oci/config through its home override', () => {
    expect(providerHomeEnv(makeConfig())).toEqual({});
    const at = (configFile: string) => providerHomeEnv(makeConfig({ oci: { configFile } }));
    expect(at(join(homedir(), '.oci', 'config'))).toEqual({});
    expect(at('/srv/ci/.oci/config')).toEqual({
      TF_HOME_OVERRIDE: '/srv/ci',
      OCI_HOME_OVERRIDE: '/srv/ci',
    });
    expect(() => at('/srv/ci/oci.ini')).toThrow(
      /oci.configFile \/srv\/ci\/oci.ini is not named <dir>\/.oci\/config/,
    );
  });
});
