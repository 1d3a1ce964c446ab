// End to end through the built CLI (`node bin/todo-infra.js`) against the real local control
// plane: `phase base`, `phase ingress`, `phase apps`, then `up --target existing`, all with -vv,
// with real helm and the simulator chart. The db secret must not appear in anything the CLI
// printed or wrote (stdout, stderr, state dir incl. the debug log, rendered files).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useCluster } from '../cluster/fixture.ts';
import { startLbSimulator, type LbSimulator } from '../cluster/lb-simulator.ts';
import { runCli, workDir, type CliResult } from '../cli/helpers.ts';
import { helmUninstall } from '../../src/adapters/helm.js';
import { SIMULATOR_CHART, startAppServer, useCachedHelm } from './apps-harness.js';

const cluster = useCluster();
const SECRET = 'postgresql://todo:Cli-e2e-Secr3t-7731@db.internal:5432/todo';
const PREFIX = 'ct';

let lb: LbSimulator;
let app: Awaited<ReturnType<typeof startAppServer>>;
let dir: string;
const outputs: CliResult[] = [];

function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const p = join(root, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

async function cli(...args: string[]): Promise<CliResult> {
  const res = await runCli(
    [
      '--state-dir',
      join(dir, 'state'),
      '--config',
      join(dir, 'todo-infra.yaml'),
      '--kubeconfig',
      cluster.kubeconfigPath,
      '-vv',
      ...args,
    ],
    {
      cwd: dir,
      env: { APPS_CLI_DB_URL: SECRET, HELM_BIN: process.env.HELM_BIN },
      timeoutMs: 240_000,
    },
  );
  outputs.push(res);
  return res;
}

beforeAll(async () => {
  await useCachedHelm();
  lb = await startLbSimulator({
    kubeconfigPath: cluster.kubeconfigPath,
    addressFor: (svc) => (svc.metadata.namespace === `${PREFIX}-ing` ? '127.0.0.1' : undefined),
    log: () => undefined,
  });
  app = await startAppServer({ '/': 200, '/api': 200 });
  dir = workDir('todo-infra-apps-cli-');
  writeFileSync(
    join(dir, 'todo-infra.yaml'),
    stringify({
      apiVersion: 'todo-infra/v1',
      target: 'existing',
      charts: { ingress: { ref: SIMULATOR_CHART, version: '2.7.2' } },
      ingress: { namespace: `${PREFIX}-ing`, className: `${PREFIX}-nginx` },
      kafka: { namespace: `${PREFIX}-kafka` },
      dapr: { namespace: `${PREFIX}-dapr` },
      monitoring: { namespace: `${PREFIX}-mon` },
      apps: {
        namespace: `${PREFIX}-app`,
        publicUrl: app.url,
        rolloutTimeoutSeconds: 60,
        loadBalancerTimeoutSeconds: 30,
        frontend: { image: 'ghcr.io/example/todo-frontend', tag: '1.0.0' },
        backend: { image: 'ghcr.io/example/todo-backend', tag: '1.0.0' },
      },
      secrets: { dbConnectionString: { fromEnv: 'APPS_CLI_DB_URL' } },
    }),
  );
});

afterAll(async () => {
  await lb?.stop();
  await app?.stop();
  await helmUninstall({
    release: 'nginx-ingress',
    namespace: `${PREFIX}-ing`,
    kubeconfig: cluster.kubeconfigPath,
  }).catch(() => false);
});

describe('todo-infra CLI: base, ingress, apps on an existing cluster', () => {
  it('runs `phase base`, `phase ingress` and `phase apps`', async () => {
    for (const phase of ['base', 'ingress', 'apps']) {
      const res = await cli('phase', phase);
      expect(res.code, `phase ${phase}:\n${res.stderr.slice(-3000)}`).toBe(0);
    }
    expect(app.hits).toEqual(expect.arrayContaining(['/', '/api']));
  });

  it('skips all three on a second run (journal), also through `up --target existing`', async () => {
    const again = await cli('-o', 'json', 'phase', 'apps');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/"type":"phase-skip","phase":"apps".*"reason":"unchanged"/);

    const up = await cli('-o', 'json', 'up', '--target', 'existing');
    const events = up.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const of = (phase: string) => events.filter((e) => e.phase === phase).map((e) => e.type);
    for (const phase of ['base', 'ingress']) {
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'phase-skip', phase, reason: 'unchanged' }),
      );
    }
    // `up` runs the whole graph. While other phases cannot complete here (no chart registry for
    // strimzi/dapr, monitoring not implemented yet), the engine launches nothing new after the
    // first failure, so apps is either skipped as unchanged or blocked — never re-run or failed.
    expect(of('apps').some((t) => t === 'phase-skip' || t === 'phase-blocked')).toBe(true);
    for (const phase of ['base', 'ingress', 'apps']) {
      expect(of(phase)).not.toContain('phase-start');
      expect(of(phase)).not.toContain('phase-fail');
    }
  });

  it('renders the runbook layout', async () => {
    const res = await cli('render', '--out', join(dir, 'out'));
    expect(res.code, res.stderr.slice(-2000)).toBe(0);
    const rendered = files(join(dir, 'out')).map((f) => f.slice(join(dir, 'out').length + 1));
    expect(rendered).toEqual(
      expect.arrayContaining([
        'infrastructure/k8s/namespaces/namespaces.yaml',
        'infrastructure/k8s/security/rbac.yaml',
        'infrastructure/k8s/secrets/secrets.yaml.example',
        'infrastructure/k8s/ingress/nginx-values.yaml',
        'infrastructure/k8s/apps/backend/deployment.yaml',
        'infrastructure/k8s/apps/ingress.yaml',
      ]),
    );
  });

  it('never prints or writes the secret value', () => {
    const b64 = Buffer.from(SECRET).toString('base64');
    const printed = outputs.map((o) => `${o.stdout}\n${o.stderr}`).join('\n');
    expect(printed.length).toBeGreaterThan(1000); // -vv output was produced and searched
    const written = files(dir)
      .filter((f) => !f.includes('/home/'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const text of [printed, written]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(b64);
      expect(text).not.toContain('Secr3t-7731');
    }
  });
});
