// Precedence: flag > environment (TODO_INFRA_*) > config file > prompt > default, key by key.
import { describe, expect, it } from 'vitest';
import { configLeaves, loadConfig } from '../../src/config/load.js';
import { envVarFor } from '../../src/config/walk.js';
import { load, tempCwd } from './helpers.ts';

describe('defaults', () => {
  it('gives a complete config inside the Always Free allowance from nothing at all', () => {
    const { config, file } = load(undefined);
    expect(file).toBeUndefined();
    expect(config.target).toBe('oke');
    expect(config.network).toEqual({
      vcnCidr: '10.0.0.0/16',
      publicSubnetCidr: '10.0.0.0/24',
      privateSubnetCidr: '10.0.1.0/24',
    });
    expect(config.cluster.nodeShape).toBe('VM.Standard.A1.Flex');
    expect(config.cluster.nodeCount * config.cluster.ocpusPerNode).toBeLessThanOrEqual(2);
    expect(config.cluster.nodeCount * config.cluster.memoryGbPerNode).toBeLessThanOrEqual(12);
    expect(config.cluster.bootVolumeGb).toBeGreaterThanOrEqual(50);
    expect(config.kafka.topics.map((t) => [t.name, t.partitions])).toEqual([
      ['task-events', 3],
      ['reminders', 1],
      ['task-updates', 3],
    ]);
    expect(config.registry.repositories).toEqual({
      frontend: 'todo-frontend',
      backend: 'todo-backend',
      worker: 'todo-worker',
    });
  });
});

describe('layering', () => {
  const file = 'cluster:\n  nodeCount: 1\n  memoryGbPerNode: 6\n  kubernetesVersion: v1.33.1\n';

  it('file beats default', () => {
    const { config, origins } = load(file);
    expect(config.cluster.memoryGbPerNode).toBe(6);
    expect(config.cluster.ocpusPerNode).toBe(2); // default, untouched by the file
    expect(origins.get('cluster.memoryGbPerNode')?.origin).toBe('file');
  });

  it('environment beats file, and is named as the origin', () => {
    const { config, origins } = load(file, {
      env: { TODO_INFRA_CLUSTER_MEMORY_GB_PER_NODE: '10' },
    });
    expect(config.cluster.memoryGbPerNode).toBe(10);
    expect(config.cluster.kubernetesVersion).toBe('v1.33.1'); // the file's other keys stay
    expect(origins.get('cluster.memoryGbPerNode')).toEqual({
      origin: 'env',
      name: 'TODO_INFRA_CLUSTER_MEMORY_GB_PER_NODE',
    });
  });

  it('flag beats environment', () => {
    const { config, origins } = load('target: oke\n', {
      env: { TODO_INFRA_TARGET: 'oke', TODO_INFRA_KUBE_CONTEXT: 'from-env' },
      flags: { target: 'existing', 'kube.context': 'from-flag' },
    });
    expect(config.target).toBe('existing');
    expect(config.kube.context).toBe('from-flag');
    expect(origins.get('kube.context')?.origin).toBe('flag');
  });

  it('an undefined flag does not hide the layers below it', () => {
    const { config } = load('kube:\n  context: from-file\n', {
      flags: { 'kube.context': undefined, target: undefined },
    });
    expect(config.kube.context).toBe('from-file');
    expect(config.target).toBe('oke');
  });

  it('prompt answers fill only what nothing else set, and beat defaults', () => {
    const prompted = { 'registry.namespace': 'fromprompt', 'cluster.memoryGbPerNode': 4 };
    const { config, origins } = load(file, { prompted });
    expect(config.registry.namespace).toBe('fromprompt');
    expect(origins.get('registry.namespace')?.origin).toBe('prompt');
    expect(config.cluster.memoryGbPerNode).toBe(6); // file beats prompt
    const withEnv = load(undefined, {
      prompted,
      env: { TODO_INFRA_REGISTRY_NAMESPACE: 'fromenv' },
    });
    expect(withEnv.config.registry.namespace).toBe('fromenv');
  });

  it('an empty environment variable counts as unset', () => {
    const { config } = load(file, { env: { TODO_INFRA_CLUSTER_MEMORY_GB_PER_NODE: '' } });
    expect(config.cluster.memoryGbPerNode).toBe(6);
  });

  it('lists replace lists instead of being concatenated', () => {
    const fileTopics =
      'kafka:\n  topics:\n' +
      ['task-events', 'reminders', 'task-updates', 'extra']
        .map((t) => `    - name: ${t}\n      partitions: 2\n`)
        .join('');
    const envTopics = [
      { name: 'task-events', partitions: 6 },
      { name: 'reminders', partitions: 1 },
      { name: 'task-updates', partitions: 6 },
    ];
    expect(load(fileTopics).config.kafka.topics).toHaveLength(4);
    const { config } = load(fileTopics, {
      env: { TODO_INFRA_KAFKA_TOPICS: JSON.stringify(envTopics) },
    });
    expect(config.kafka.topics.map((t) => [t.name, t.partitions])).toEqual([
      ['task-events', 6],
      ['reminders', 1],
      ['task-updates', 6],
    ]);
  });
});

describe('environment variables', () => {
  it('derive from the key path: cluster.nodeCount is TODO_INFRA_CLUSTER_NODE_COUNT', () => {
    expect(envVarFor(['cluster', 'nodeCount'])).toBe('TODO_INFRA_CLUSTER_NODE_COUNT');
    const leaf = configLeaves().find((l) => l.path.join('.') === 'cluster.nodeCount');
    expect(leaf).toMatchObject({ kind: 'number', envVar: 'TODO_INFRA_CLUSTER_NODE_COUNT' });
    const { config } = load(undefined, {
      env: { TODO_INFRA_CLUSTER_NODE_COUNT: '1', TODO_INFRA_CLUSTER_OCPUS_PER_NODE: '1' },
    });
    expect(config.cluster.nodeCount).toBe(1);
    expect(config.cluster.ocpusPerNode).toBe(1);
  });

  it('coerce booleans, enums, strings and JSON-valued keys', () => {
    const { config } = load(undefined, {
      env: {
        TODO_INFRA_CLUSTER_ALLOW_BEYOND_FREE_TIER: 'yes',
        TODO_INFRA_DAPR_HA: 'false',
        TODO_INFRA_HARDENING_POD_SECURITY: 'baseline',
        TODO_INFRA_OCI_REGION: 'eu-frankfurt-1',
        TODO_INFRA_TERRAFORM_BACKEND: '{"type":"oci","bucket":"tf","namespace":"ns"}',
      },
    });
    expect(config.cluster.allowBeyondFreeTier).toBe(true);
    expect(config.dapr.ha).toBe(false);
    expect(config.hardening.podSecurity).toBe('baseline');
    expect(config.oci.region).toBe('eu-frankfurt-1');
    expect(config.terraform.backend).toEqual({
      type: 'oci',
      bucket: 'tf',
      namespace: 'ns',
      key: 'todo-infra/terraform.tfstate',
    });
  });

  it('are unique per key, and none is a variable todo-infra reads for something else', () => {
    const names = configLeaves().map((l) => l.envVar);
    expect(new Set(names).size).toBe(names.length);
    // Secret values and process settings must never be parsed as config keys.
    for (const other of [
      'TODO_INFRA_DB_CONNECTION_STRING',
      'TODO_INFRA_REGISTRY_TOKEN',
      'TODO_INFRA_STATE_DIR',
      'TODO_INFRA_REEXEC',
      'TODO_INFRA_TOOLS_CACHE',
    ]) {
      expect(names).not.toContain(other);
    }
  });

  it('reach every leaf of the schema, nested ones included', () => {
    const paths = configLeaves().map((l) => l.path.join('.'));
    for (const p of [
      'target',
      'network.vcnCidr',
      'apps.frontend.hpa.maxReplicas',
      'apps.quotas.kafka.requests.cpu',
      'secrets.dbConnectionString.fromEnv',
      'ingress.tls.enabled',
    ]) {
      expect(paths).toContain(p);
    }
  });
});

describe('where the file comes from', () => {
  it('uses ./todo-infra.yaml from the working directory when --config is not given', () => {
    const cwd = tempCwd({ 'todo-infra.yaml': 'target: existing\n' });
    const loaded = loadConfig({ cwd, env: {} });
    expect(loaded.config.target).toBe('existing');
    expect(loaded.file).toBe(`${cwd}/todo-infra.yaml`);
  });

  it('resolves --config against the working directory', () => {
    const cwd = tempCwd({ 'other.yaml': 'target: existing\n', 'todo-infra.yaml': 'target: oke\n' });
    expect(loadConfig({ cwd, env: {}, configFile: 'other.yaml' }).config.target).toBe('existing');
  });

  it('an empty file is the same as no file', () => {
    expect(load('').config).toEqual(load(undefined).config);
    expect(load('# only a comment\n').config).toEqual(load(undefined).config);
  });
});
