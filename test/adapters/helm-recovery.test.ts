// A helm release left pending by a run that died mid-operation (killed, machine lost) blocks
// every later helm command with "another operation is in progress". helmUpgradeInstall
// recovers it: a pending install is uninstalled and installed again, a pending upgrade is
// rolled back and then upgraded. Proven with the real helm binary, killed with SIGKILL in the
// middle of `--wait` on the real local control plane.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  helmGetValues,
  helmStatus,
  helmUninstall,
  helmUpgradeInstall,
  type HelmInstallOptions,
} from '../../src/adapters/helm.js';
import { memoryLogger } from '../../src/core/log.js';
import { useCluster } from '../cluster/fixture.ts';
import { waitFor } from '../cluster/wait.ts';
import { useCachedHelm } from '../phases/apps-harness.js';

const cluster = useCluster();
const CHART = new URL('../fixtures/charts/rollout-target', import.meta.url).pathname;
const NS = 'helm-recovery';
let helm: string;

beforeAll(async () => {
  helm = await useCachedHelm();
});

afterAll(async () => {
  for (const release of ['fresh', 'upgraded']) {
    await helmUninstall({ release, namespace: NS, kubeconfig: cluster.kubeconfigPath });
  }
});

function options(release: string, schedulable: boolean, replicas = 1) {
  const mem = memoryLogger(2);
  const opts: HelmInstallOptions = {
    release,
    namespace: NS,
    kubeconfig: cluster.kubeconfigPath,
    chart: { ref: CHART, version: '0.1.0' },
    values: { schedulable, replicas },
    createNamespace: true,
    wait: true,
    timeoutMs: 120_000,
    logger: mem.logger,
  };
  return { opts, lines: mem.lines };
}

/** Starts helm the way an earlier run would have, and kills it once the release is pending. */
async function interruptedHelm(release: string, pending: string): Promise<void> {
  const args = ['upgrade', '--install', release, CHART, '-n', NS, '--create-namespace'];
  args.push('--set', 'schedulable=false', '--wait', '--timeout', '5m');
  args.push('--kubeconfig', cluster.kubeconfigPath);
  const child = spawn(helm, args, { stdio: 'ignore' });
  const exited = once(child, 'exit');
  try {
    const ref = { release, namespace: NS, kubeconfig: cluster.kubeconfigPath };
    const isPending = async () => ((await helmStatus(ref))?.status === pending ? true : undefined);
    await waitFor(`release ${release} to become ${pending}`, isPending, {
      timeoutMs: 60_000,
      // helm ending by itself would mean it never got stuck: the test is then meaningless.
      abort: exited.then(([code]) => `helm exited with code ${String(code)}`),
    });
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

describe('helm releases left pending by an interrupted run', () => {
  it('a pending install is uninstalled and installed again', async () => {
    await interruptedHelm('fresh', 'pending-install');
    const { opts, lines } = options('fresh', true);
    const result = await helmUpgradeInstall(opts);
    expect(result).toMatchObject({ status: 'deployed', revision: 1, changed: true });
    expect(lines.join('\n')).toMatch(/fresh was left pending-install by an interrupted run/);
  });

  it('a pending upgrade is rolled back, then upgraded', async () => {
    const first = options('upgraded', true);
    expect(await helmUpgradeInstall(first.opts)).toMatchObject({ revision: 1 });
    await interruptedHelm('upgraded', 'pending-upgrade');
    const { opts, lines } = options('upgraded', true, 2);
    // Revision 2 was left pending; the rollback writes 3 and the upgrade 4.
    const result = await helmUpgradeInstall(opts);
    expect(result).toMatchObject({ status: 'deployed', revision: 4, changed: true });
    expect(lines.join('\n')).toMatch(/upgraded was left pending-upgrade; rolling back/);
    expect(await helmGetValues(opts)).toEqual({ schedulable: true, replicas: 2 });
  });

  it('a rollback that restores the wanted release needs no upgrade, but counts as a change', async () => {
    await interruptedHelm('upgraded', 'pending-upgrade');
    const { opts } = options('upgraded', true, 2);
    // Revision 5 was left pending; rolling back to 4 gives 6, which is what is wanted.
    const result = await helmUpgradeInstall(opts);
    expect(result).toMatchObject({ status: 'deployed', revision: 6, changed: true });
    expect(await helmUpgradeInstall(opts)).toMatchObject({ revision: 6, changed: false });
  });
});
