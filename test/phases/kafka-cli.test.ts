// `todo-infra phase kafka` through the built CLI against the real local control plane: the
// engine refuses it while strimzi has not completed, naming the dependency; with --force it
// runs — applies the Kafka cluster — and, with no operator in the namespace, ends in the
// watch's timeout whose message says nothing reconciled it and how to fix that.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useCluster } from '../cluster/fixture.ts';
import { runCli, workDir } from '../cli/helpers.ts';

const cluster = useCluster();
const NS = 'evc-kafka';
let cwd: string;

beforeAll(async () => {
  await cluster.client().request('POST', '/api/v1/namespaces', { metadata: { name: NS } });
  cwd = workDir('todo-infra-kafka-cli-');
  writeFileSync(
    join(cwd, 'todo-infra.yaml'),
    stringify({
      target: 'existing',
      kafka: { namespace: NS, readyTimeoutSeconds: 3 },
      apps: { namespace: 'evc-app' },
    }),
  );
});

afterAll(async () => {
  await cluster.client().request('DELETE', `/api/v1/namespaces/${NS}`);
});

describe('todo-infra phase kafka (built CLI)', () => {
  const args = ['--kubeconfig', cluster.kubeconfigPath, 'phase', 'kafka'];

  it('refuses to run before strimzi, naming the missing phase', async () => {
    const r = await runCli(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/phase kafka needs strimzi, which has not completed/);
    expect(r.stderr).toMatch(/todo-infra phase strimzi/);
    const kafka = await cluster
      .client()
      .request('GET', `/apis/kafka.strimzi.io/v1/namespaces/${NS}/kafkas/todo-kafka`);
    expect(kafka.status).toBe(404);
  });

  it('runs with --force: the Kafka is applied, then the wait times out without an operator', async () => {
    const r = await runCli([...args, '--force'], { cwd, timeoutMs: 120_000 });
    expect(r.stderr).toMatch(/--force: running kafka although strimzi did not complete/);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/Kafka evc-kafka\/todo-kafka to report Ready=True/);
    expect(r.stderr).toMatch(/last conditions: no conditions reported/);
    expect(r.stderr).toMatch(/todo-infra phase strimzi/);
    const kafka = await cluster
      .client()
      .json('GET', `/apis/kafka.strimzi.io/v1/namespaces/${NS}/kafkas/todo-kafka`);
    expect(kafka.spec.kafka.version).toBe('4.3.1');
    const pool = await cluster
      .client()
      .json('GET', `/apis/kafka.strimzi.io/v1/namespaces/${NS}/kafkanodepools/kraft`);
    expect(pool.spec.roles).toEqual(['controller', 'broker']);
  });
});
