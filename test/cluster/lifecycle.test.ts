// Start/stop of a control plane of its own (not the suite's shared one): stop() must leave no
// process and no data behind, and logs are kept when asked.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startControlPlane } from './control-plane.ts';
import { groupAlive } from './procs.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('control plane lifecycle', () => {
  it('stop() ends every component process group and removes the data dir', async () => {
    const cp = await startControlPlane({ crds: false, log: () => undefined });
    const pids = Object.values(cp.pids);
    expect(Object.keys(cp.pids).sort()).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
    ]);
    for (const pid of pids) expect(groupAlive(pid)).toBe(true);
    const { logsKeptAt } = await cp.stop({ keepLogs: true });
    for (const pid of pids) expect(groupAlive(pid), `pid ${pid}`).toBe(false);
    expect(existsSync(cp.dataDir)).toBe(false);
    expect(logsKeptAt).toBeDefined();
    expect(readdirSync(logsKeptAt!).sort()).toEqual([
      'etcd.log',
      'kube-apiserver.log',
      'kube-controller-manager.log',
      'kube-scheduler.log',
      'kwok.log',
    ]);
    rmSync(logsKeptAt!, { recursive: true, force: true });
  });
});

describe('tool build driver', () => {
  it('fails with an install hint, not a skip, when Go is missing', () => {
    const node = process.execPath;
    const r = spawnSync(node, [join(repo, 'test/tools/build.ts'), 'etcd'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Go toolchain not found: install Go >= 1\.26/);
  });
});
