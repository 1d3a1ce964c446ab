// Every class of bad input the issue names: each is an exit-2 usage error listing the problem
// under its path with what to do, and all problems of one config are reported together.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { load, loadError, problemFor, tempCwd } from './helpers.ts';

describe('each bad-input class', () => {
  it('unknown key at the top level, naming the key and suggesting the right one', () => {
    const err = loadError('targt: oke\n');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(problemFor(err, 'targt')).toMatch(/unknown key.*did you mean target/i);
  });

  it('unknown nested key, under its full path', () => {
    const err = loadError('cluster:\n  nodecount: 1\napps:\n  frontend:\n    replica: 2\n');
    expect(problemFor(err, 'cluster.nodecount')).toMatch(/did you mean nodeCount/);
    expect(problemFor(err, 'apps.frontend.replica')).toMatch(/did you mean replicas/);
    expect(err.details).toHaveLength(2);
  });

  it('a key that is the start of exactly one real key suggests it', () => {
    const err = loadError('cluster:\n  ocpus: 2\n  node: 1\n');
    expect(problemFor(err, 'cluster.ocpus')).toMatch(/did you mean ocpusPerNode/);
    // "node" begins nodeCount, nodeShape and more: no single guess, so no suggestion.
    expect(problemFor(err, 'cluster.node')).toMatch(/unknown key; remove it or fix its spelling/);
  });

  it('wrong type', () => {
    const err = loadError('cluster:\n  nodeCount: "two"\n');
    expect(problemFor(err, 'cluster.nodeCount')).toMatch(/number/);
  });

  it('invalid CIDR', () => {
    expect(problemFor(loadError('network:\n  vcnCidr: 10.0.0/16\n'), 'network.vcnCidr')).toMatch(
      /not an IPv4 CIDR/,
    );
    expect(
      problemFor(loadError('network:\n  vcnCidr: 10.0.300.0/16\n'), 'network.vcnCidr'),
    ).toMatch(/octet/);
    expect(problemFor(loadError('network:\n  vcnCidr: 10.0.0.0/4\n'), 'network.vcnCidr')).toMatch(
      /prefix/,
    );
  });

  it('host bits set, naming the network address to use instead', () => {
    const err = loadError('network:\n  publicSubnetCidr: 10.0.0.1/24\n');
    expect(problemFor(err, 'network.publicSubnetCidr')).toMatch(/host bits.*10\.0\.0\.0\/24/);
  });

  it('overlapping subnets', () => {
    const err = loadError(
      'network:\n  publicSubnetCidr: 10.0.0.0/23\n  privateSubnetCidr: 10.0.1.0/24\n',
    );
    expect(problemFor(err, 'network.privateSubnetCidr')).toMatch(
      /overlaps the public subnet 10\.0\.0\.0\/23/,
    );
  });

  it('subnet outside the VCN', () => {
    const err = loadError('network:\n  privateSubnetCidr: 192.168.1.0/24\n');
    expect(problemFor(err, 'network.privateSubnetCidr')).toMatch(/outside the VCN 10\.0\.0\.0\/16/);
  });

  it('malformed OCID, and an OCID of the wrong resource type', () => {
    expect(
      problemFor(loadError('oci:\n  compartmentId: my-compartment\n'), 'oci.compartmentId'),
    ).toMatch(/OCID/);
    expect(
      problemFor(
        loadError('oci:\n  compartmentId: ocid1.compartment.oc1..short\n'),
        'oci.compartmentId',
      ),
    ).toMatch(/OCID/);
    const user = 'ocid1.user.oc1..aaaaaaaaxq6tnlzvgs2xkvzqkqkqkqkqkqkqkqkqkqkqkqkqkqkqkqkqkqk';
    expect(problemFor(loadError(`oci:\n  compartmentId: ${user}\n`), 'oci.compartmentId')).toMatch(
      /compartment or tenancy/,
    );
    const good =
      'ocid1.compartment.oc1..aaaaaaaaxq6tnlzvgs2xkvzqkqkqkqkqkqkqkqkqkqkqkqkqkqkqkqkqkqk';
    expect(load(`oci:\n  compartmentId: ${good}\n`).config.oci.compartmentId).toBe(good);
  });

  it('over the Always Free allowance, with the arithmetic and the way out', () => {
    const err = loadError('cluster:\n  nodeCount: 2\n  ocpusPerNode: 1\n  memoryGbPerNode: 8\n');
    expect(problemFor(err, 'cluster.memoryGbPerNode')).toMatch(
      /16 GB exceeds the Always Free 12 GB.*allowBeyondFreeTier/,
    );
    expect(err.details).toHaveLength(1); // 2 × 1 OCPU is within the allowance
    const allowed = load(
      'cluster:\n  nodeCount: 2\n  memoryGbPerNode: 8\n  allowBeyondFreeTier: true\n',
    );
    expect(allowed.config.cluster.nodeCount).toBe(2);
  });

  it('a bad environment value names the variable', () => {
    const err = loadError(undefined, { env: { TODO_INFRA_CLUSTER_NODE_COUNT: 'three' } });
    expect(problemFor(err, 'cluster.nodeCount')).toMatch(/TODO_INFRA_CLUSTER_NODE_COUNT.*number/);
    const bool = loadError(undefined, { env: { TODO_INFRA_DAPR_HA: 'maybe' } });
    expect(problemFor(bool, 'dapr.ha')).toContain('TODO_INFRA_DAPR_HA');
    const json = loadError(undefined, { env: { TODO_INFRA_KAFKA_TOPICS: '[{' } });
    expect(problemFor(json, 'kafka.topics')).toMatch(/TODO_INFRA_KAFKA_TOPICS.*JSON/);
    // A well-formed value the schema rejects names the variable too.
    const range = loadError(undefined, { env: { TODO_INFRA_CLUSTER_NODE_COUNT: '99' } });
    expect(problemFor(range, 'cluster.nodeCount')).toContain('TODO_INFRA_CLUSTER_NODE_COUNT');
  });

  it('invalid YAML, showing the line', () => {
    const err = loadError('cluster:\n  nodeCount: 1\n  bad: [1, 2\nnetwork: {}\n');
    expect(err.code).toBe('CONFIG_YAML');
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toMatch(/todo-infra\.yaml is not valid YAML/);
    expect(err.details.join('\n')).toMatch(/line \d+/);
  });

  it('duplicate keys are a YAML error, not a silent last-one-wins', () => {
    const err = loadError('target: oke\ntarget: existing\n');
    expect(err.code).toBe('CONFIG_YAML');
    expect(err.details.join('\n')).toMatch(/unique|duplicate/i);
  });

  it('a top level that is not a mapping', () => {
    for (const text of ['- target: oke\n', 'just a string\n', '42\n']) {
      const err = loadError(text);
      expect(problemFor(err, '(top level)')).toMatch(/mapping/);
    }
  });

  it('a --config file that does not exist', () => {
    const cwd = tempCwd();
    let err: unknown;
    try {
      loadConfig({ cwd, env: {}, configFile: 'missing.yaml' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CONFIG_NOT_FOUND', exitCode: ExitCode.usage });
    expect((err as Error).message).toContain(`${cwd}/missing.yaml`);
  });

  it('cross-field rules: duplicate topics, workers on unknown topics, HPA bounds', () => {
    const err = loadError(
      [
        'kafka:',
        '  topics:',
        '    - { name: task-events, partitions: 3 }',
        '    - { name: task-events, partitions: 1 }',
        'apps:',
        '  frontend:',
        '    hpa: { minReplicas: 5, maxReplicas: 2 }',
      ].join('\n'),
    );
    expect(problemFor(err, 'kafka.topics.1.name')).toMatch(/listed twice/);
    expect(problemFor(err, 'apps.workers.1.topics.0')).toMatch(/reminders is not in kafka\.topics/);
    expect(problemFor(err, 'apps.frontend.hpa.minReplicas')).toMatch(/maxReplicas/);
  });
});

describe('all problems at once', () => {
  it('reports every problem of one config together, across sections and sources', () => {
    const err = loadError(
      [
        'bogus: 1',
        'cluster:',
        '  nodecount: 2',
        '  ocpusPerNode: "two"',
        'network:',
        '  publicSubnetCidr: 10.0.0.1/24',
        '  privateSubnetCidr: 192.168.0.0/24',
        'oci:',
        '  compartmentId: ocid1.compartment.oc1..short',
      ].join('\n'),
      { env: { TODO_INFRA_DAPR_HA: 'maybe' } },
    );
    expect(err.message).toMatch(/\(\d+ problems\)/);
    problemFor(err, 'bogus');
    problemFor(err, 'cluster.nodecount');
    problemFor(err, 'cluster.ocpusPerNode');
    // Section-level rules still run when another section has a type error.
    expect(problemFor(err, 'network.publicSubnetCidr')).toMatch(/host bits/);
    expect(problemFor(err, 'network.privateSubnetCidr')).toMatch(/outside the VCN/);
    problemFor(err, 'oci.compartmentId');
    problemFor(err, 'dapr.ha');
    expect(err.message).toContain(`(${err.details.length} problems)`);
    expect(err.hint).toMatch(/todo-infra\.yaml/);
    expect(err.hint).toMatch(/config schema/);
  });
});
