// The built CLI against the real local control plane (test/cluster/): `phase base` reads the
// database connection string from the environment and stores it in a Secret — so the value
// really passes through the process — and it must appear nowhere else: not on stdout/stderr at
// -vv, not in the journal, not in the debug logs. Then the journal's resume logic end to end:
// an unchanged re-run is skipped after its checkpoint passes; a deleted object makes the
// checkpoint fail and the phase run again, restoring it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useCluster } from '../cluster/fixture.ts';
import { ndjson, readJournal, readTree, runCli, workDir } from './helpers.ts';

const cluster = useCluster();
const SECRET = 'postgres://todo:Cli-SuperSecret123-x9@db.internal:5432/todo';
const P = 'clit';
const cwd = workDir();
writeFileSync(
  join(cwd, 'todo-infra.yaml'),
  [
    'target: existing',
    'registry:',
    '  namespace: mytenancy',
    `apps:`,
    `  namespace: ${P}-app`,
    `ingress:`,
    `  namespace: ${P}-ing`,
    `  className: ${P}-nginx`,
    `kafka:`,
    `  namespace: ${P}-kafka`,
    `dapr:`,
    `  namespace: ${P}-dapr`,
    `monitoring:`,
    `  namespace: ${P}-mon`,
  ].join('\n'),
);
const env = { TODO_INFRA_DB_CONNECTION_STRING: SECRET };
const base = (...extra: string[]) => [
  '--kubeconfig',
  cluster.kubeconfigPath,
  ...extra,
  'phase',
  'base',
];

afterAll(async () => {
  for (const ns of ['app', 'ing', 'kafka', 'dapr', 'mon']) {
    await cluster.client().request('DELETE', `/api/v1/namespaces/${P}-${ns}`);
  }
});

function expectNoSecret(what: string, text: string | Buffer) {
  const s = text.toString();
  expect(s.includes('Cli-SuperSecret123'), `${what} contains the secret`).toBe(false);
  expect(
    s.includes(Buffer.from(SECRET).toString('base64')),
    `${what} contains it base64-encoded`,
  ).toBe(false);
}

describe('phase base through the CLI on a real API server', () => {
  it('stores the secret in the cluster and nowhere else', async () => {
    const r = await runCli(['-vv', ...base()], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const secret = await cluster
      .client()
      .json('GET', `/api/v1/namespaces/${P}-app/secrets/db-credentials`);
    expect(Buffer.from(secret.data['connection-string'], 'base64').toString()).toBe(SECRET);
    expectNoSecret('stdout', r.stdout);
    expectNoSecret('stderr', r.stderr);
    for (const [path, content] of readTree(join(cwd, '.todo-infra'))) expectNoSecret(path, content);
    expect(readJournal(cwd).phases.base?.status).toBe('succeeded');
  });

  it('an unchanged re-run is skipped once the checkpoint passes', async () => {
    const r = await runCli(['-o', 'json', ...base()], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const events = ndjson(r.stdout);
    expect(events.find((e) => e.type === 'phase-skip')).toMatchObject({
      phase: 'base',
      reason: 'unchanged',
    });
    expect(events.some((e) => e.type === 'phase-start')).toBe(false);
  });

  it('a deleted object fails the checkpoint, so the phase runs again and restores it', async () => {
    const quotas = `/api/v1/namespaces/${P}-app/resourcequotas`;
    const before = await cluster.client().json('GET', quotas);
    expect(before.items.length).toBeGreaterThan(0);
    const name = before.items[0].metadata.name as string;
    await cluster.client().json('DELETE', `${quotas}/${name}`);
    const r = await runCli(['-o', 'json', ...base()], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const types = ndjson(r.stdout)
      .filter((e) => e.phase === 'base')
      .map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['phase-start', 'phase-finish']));
    expect(types).not.toContain('phase-skip');
    expect((await cluster.client().request('GET', `${quotas}/${name}`)).status).toBe(200);
    for (const [path, content] of readTree(join(cwd, '.todo-infra'))) expectNoSecret(path, content);
  });
});
