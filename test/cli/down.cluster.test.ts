// `todo-infra down` through the built CLI on the real local control plane: after `phase base`
// and `phase ingress` (real helm, the ingress simulator chart), down refuses without --yes when
// it cannot ask, then with --yes uninstalls the helm release, deletes the namespaces and resets
// the journal so the next `up` runs those phases again. --target existing keeps terraform out.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { helmStatus } from '../../src/adapters/helm.js';
import { useCluster } from '../cluster/fixture.ts';
import { startLbSimulator, type LbSimulator } from '../cluster/lb-simulator.ts';
import { SIMULATOR_CHART, startAppServer, useCachedHelm } from '../phases/apps-harness.js';
import { readJournal, runCli, workDir, type CliResult } from './helpers.ts';

const cluster = useCluster();
const P = 'dwn';
const NAMESPACES = [`${P}-app`, `${P}-ing`];
let lb: LbSimulator;
let app: Awaited<ReturnType<typeof startAppServer>>;
const cwd = workDir('todo-infra-down-');

function cli(...args: string[]): Promise<CliResult> {
  return runCli(['--kubeconfig', cluster.kubeconfigPath, ...args], {
    cwd,
    env: { DOWN_DB_URL: 'postgres://u:Down-Secret-4411@db/todo', HELM_BIN: process.env.HELM_BIN },
    timeoutMs: 240_000,
  });
}

async function namespaceExists(name: string): Promise<boolean> {
  try {
    await cluster.client().json('GET', `/api/v1/namespaces/${name}`);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  await useCachedHelm();
  lb = await startLbSimulator({
    kubeconfigPath: cluster.kubeconfigPath,
    addressFor: (svc) => (svc.metadata.namespace === `${P}-ing` ? '127.0.0.1' : undefined),
    log: () => undefined,
  });
  app = await startAppServer({ '/': 200, '/api': 200 });
  writeFileSync(
    join(cwd, 'todo-infra.yaml'),
    stringify({
      target: 'existing',
      charts: { ingress: { ref: SIMULATOR_CHART, version: '2.7.2' } },
      ingress: { namespace: `${P}-ing`, className: `${P}-nginx` },
      kafka: { namespace: `${P}-kafka` },
      dapr: { namespace: `${P}-dapr` },
      monitoring: { namespace: `${P}-mon` },
      apps: { namespace: `${P}-app`, publicUrl: app.url, loadBalancerTimeoutSeconds: 30 },
      registry: { namespace: 'mytenancy' },
      secrets: { dbConnectionString: { fromEnv: 'DOWN_DB_URL' } },
    }),
  );
});

afterAll(async () => {
  await lb?.stop();
  await app?.stop();
  for (const ns of NAMESPACES) await cluster.client().request('DELETE', `/api/v1/namespaces/${ns}`);
});

describe('todo-infra down --target existing', () => {
  it('removes the helm release and namespaces, and the next run starts those phases over', async () => {
    for (const phase of ['base', 'ingress']) {
      const r = await cli('phase', phase);
      expect(r.code, r.stderr).toBe(0);
    }
    const release = readJournal(cwd).phases.ingress as unknown as { outputs: { release: string } };
    const ref = {
      release: release.outputs.release,
      namespace: `${P}-ing`,
      kubeconfig: cluster.kubeconfigPath,
    };
    expect(await helmStatus(ref)).toBeDefined();

    // No terminal and no --yes: nothing may be deleted.
    const refused = await cli('down');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/down would delete .*Pass --yes/s);
    for (const ns of NAMESPACES) expect(await namespaceExists(ns)).toBe(true);

    const r = await cli('down', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(await helmStatus(ref)).toBeUndefined();
    for (const ns of NAMESPACES) expect(await namespaceExists(ns), ns).toBe(false);
    const journal = readJournal(cwd);
    expect(journal.phases.base?.status).toBe('interrupted');
    expect(journal.phases.ingress?.status).toBe('interrupted');

    // Running down again finds nothing to remove and still succeeds.
    const again = await cli('down', '--yes');
    expect(again.code, again.stderr).toBe(0);

    // base is no longer "done": phase ingress refuses until base runs again.
    const ingress = await cli('phase', 'ingress');
    expect(ingress.code).toBe(2);
    expect(ingress.stderr).toMatch(/phase ingress needs base/);
  });
});
