// `status` reads the journal and the lock without taking it: a phase recorded as running whose
// run is gone (kill -9) shows as interrupted; a live run is named with its pid and command.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workDir } from './helpers.ts';

function stateWithRunningBase(cwd: string): string {
  const state = join(cwd, '.todo-infra');
  mkdirSync(state, { recursive: true });
  writeFileSync(
    join(state, 'journal.json'),
    JSON.stringify({
      version: 1,
      phases: { base: { status: 'running', startedAt: '2026-12-03T10:00:00.000Z' } },
    }),
  );
  return state;
}

describe('status and runs that are gone', () => {
  it('shows a phase left running by a dead run as interrupted', async () => {
    const cwd = workDir();
    const state = stateWithRunningBase(cwd);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(
      join(state, 'lock'),
      JSON.stringify({
        pid: dead,
        host: hostname(),
        command: 'up',
        startedAt: '2026-12-03T10:00:00.000Z',
      }),
    );
    const r = await runCli(['status'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/base\s+interrupted \(its run is gone\)/);
    expect(r.stdout).not.toMatch(/Running now/);
  });

  it('names a live run and keeps its phase as running', async () => {
    const cwd = workDir();
    const state = stateWithRunningBase(cwd);
    writeFileSync(
      join(state, 'lock'),
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        command: 'up',
        startedAt: '2026-12-03T10:00:00.000Z',
      }),
    );
    const r = await runCli(['status'], { cwd });
    expect(r.stdout).toContain(`Running now: pid ${process.pid}, \`up\``);
    expect(r.stdout).toMatch(/base\s+running/);
  });
});
