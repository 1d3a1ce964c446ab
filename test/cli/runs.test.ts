// Runs that reach the engine: dependency refusal and --force, a failing phase, the debug
// log and Resume line on failure, status afterwards, and the state-dir lock seen from the CLI.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjson, readJournal, runCli, workDir } from './helpers.ts';

const ns = { TODO_INFRA_REGISTRY_NAMESPACE: 'mytenancy' };

describe('phase <name>: dependencies', () => {
  it('refuses while a phase it needs is incomplete, naming it, and records nothing', async () => {
    const cwd = workDir();
    const r = await runCli(['phase', 'kafka'], { cwd, env: ns });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/phase kafka needs strimzi, which has not completed/);
    expect(r.stderr).toMatch(/todo-infra phase strimzi/);
    expect(r.stderr).toMatch(/--force/);
    expect(existsSync(join(cwd, '.todo-infra', 'journal.json'))).toBe(false);
  });

  it('--force gets past the dependency check and runs the phase', async () => {
    const cwd = workDir();
    const r = await runCli(['-o', 'json', 'phase', 'kafka', '--force'], { cwd, env: ns });
    expect(r.stderr).toMatch(/--force: running kafka although strimzi did not complete/);
    expect(r.stderr).not.toMatch(/DEPENDENCY_INCOMPLETE/);
    const events = ndjson(r.stdout);
    expect(events.some((e) => e.type === 'phase-start' && e.phase === 'kafka')).toBe(true);
    expect(readJournal(cwd).phases.kafka).toBeDefined();
  });
});

describe('phase <name> after switching targets', () => {
  // The journal an `up --target existing` leaves: the cloud phases recorded as skipped.
  function existingJournal(cwd: string) {
    mkdirSync(join(cwd, '.todo-infra'));
    const skipped = {
      status: 'skipped',
      reason: 'not needed with --target existing (the cluster already exists)',
    };
    writeFileSync(
      join(cwd, '.todo-infra', 'journal.json'),
      JSON.stringify({
        version: 1,
        phases: {
          preflight: { status: 'succeeded', inputHash: 'x' },
          terraform: skipped,
          kubeconfig: skipped,
        },
      }),
    );
  }

  it('a cloud phase skipped for --target existing does not satisfy --target oke', async () => {
    const cwd = workDir();
    existingJournal(cwd);
    const r = await runCli(['phase', 'base', '--target', 'oke'], { cwd, env: ns });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/phase base needs kubeconfig, which has not completed/);
    expect(r.stderr).toMatch(/todo-infra up` for all of terraform, kubeconfig\)/);
  });

  it('but does for --target existing', async () => {
    const cwd = workDir();
    existingJournal(cwd);
    // Port 1 refuses at once: the phase runs and fails on the cluster, not on dependencies.
    const kc = join(cwd, 'kc.yaml');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\n' +
        'contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {token: t}\n',
    );
    const r = await runCli(['--kubeconfig', kc, 'phase', 'base', '--target', 'existing'], {
      cwd,
      env: ns,
    });
    expect(r.stderr).not.toMatch(/has not completed/);
    expect(readJournal(cwd).phases.base?.status).toBe('failed');
  });
});

describe('a phase that fails (preflight: no OCI config for target oke)', () => {
  const id = 'preflight';

  it('exit 3 naming the phase, with Resume and the debug log; status shows the error', async () => {
    const cwd = workDir();
    const r = await runCli(['phase', id], { cwd, env: ns });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error in phase preflight: \d+ preflight check\(s\) failed/m);
    expect(r.stderr).toMatch(/^Fix: /m);
    expect(r.stderr).toMatch(new RegExp(`^Resume: todo-infra phase ${id}$`, 'm'));
    const log = /^Debug log: (.+)$/m.exec(r.stderr)?.[1];
    expect(log).toBeDefined();
    expect(log!.startsWith(join(cwd, '.todo-infra', 'logs'))).toBe(true);
    expect(existsSync(log!)).toBe(true);

    const journal = readJournal(cwd);
    expect(journal.phases[id]).toMatchObject({
      status: 'failed',
      error: { code: 'PREFLIGHT_FAILED' },
    });
    expect(journal.lastRun).toMatchObject({
      command: `phase ${id}`,
      result: 'failed',
      debugLog: log,
    });
    // The run record's start is when the run began, not when it was written at the end.
    const run = journal.lastRun as { startedAt: string; finishedAt: string };
    const phaseStart = (journal.phases[id] as unknown as { startedAt: string }).startedAt;
    expect(run.startedAt <= phaseStart).toBe(true);
    expect(run.startedAt <= run.finishedAt).toBe(true);

    const status = await runCli(['status'], { cwd });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${id}\\s+failed`));
    expect(status.stdout).toContain('PREFLIGHT_FAILED: ');
    expect(status.stdout).toContain(`Debug log of the last run: ${log}`);
    const phases = await runCli(['phases'], { cwd });
    expect(phases.stdout).toMatch(new RegExp(`^${id}\\s+failed`, 'm'));
  });

  it('in JSON mode the failure is a phase-fail event, a result and an error line', async () => {
    const cwd = workDir();
    const r = await runCli(['-o', 'json', 'phase', id], { cwd, env: ns });
    expect(r.code).toBe(3);
    const events = ndjson(r.stdout);
    const types = events.map((e) => e.type).filter((t) => t !== 'step');
    expect(types).toEqual(['phase-start', 'phase-fail', 'result', 'error']);
    const error = events[events.length - 1]!;
    expect(error).toMatchObject({
      type: 'error',
      code: 'PREFLIGHT_FAILED',
      phase: id,
      exitCode: 3,
    });
    expect(error.resume).toBe(`todo-infra -o json phase ${id}`);
  });
});

describe('up that fails', () => {
  it('stops at the failed phase, prints Resume and the debug log, and status shows why', async () => {
    const cwd = workDir();
    // HOME is an empty temp dir: no ~/.oci/config, so preflight fails for target oke.
    const r = await runCli(['up'], { cwd, env: ns });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^✗ preflight failed/m);
    expect(r.stderr).toMatch(/^· terraform not started \(needs preflight\)/m);
    expect(r.stderr).toMatch(/^Error in phase preflight: \d+ preflight check\(s\) failed/m);
    expect(r.stderr).toMatch(/OCI config file .* does not exist/);
    expect(r.stderr).toMatch(
      /^Resume: todo-infra up {3}\(or only this phase: todo-infra phase preflight\)$/m,
    );
    const log = /^Debug log: (.+)$/m.exec(r.stderr)?.[1];
    expect(log && existsSync(log)).toBe(true);
    const journal = readJournal(cwd);
    expect(journal.phases.preflight?.status).toBe('failed');
    expect(journal.phases.terraform).toBeUndefined();
    expect(Object.values(journal.phases).map((p) => p.status)).not.toContain('running');
    expect(existsSync(join(cwd, '.todo-infra', 'lock'))).toBe(false);
    const status = await runCli(['status'], { cwd });
    expect(status.stdout).toMatch(/Last run: up — failed/);
    expect(status.stdout).toMatch(/PREFLIGHT_FAILED: \d+ preflight check\(s\) failed/);
  });

  it('--state-dir moves the journal and logs', async () => {
    const cwd = workDir();
    const r = await runCli(['--state-dir', 'elsewhere', 'up'], { cwd, env: ns });
    expect(r.code).toBe(3);
    expect(existsSync(join(cwd, 'elsewhere', 'journal.json'))).toBe(true);
    expect(existsSync(join(cwd, '.todo-infra'))).toBe(false);
  });
});

describe('the state-dir lock from the CLI', () => {
  it('a run holding the lock makes a second one exit 5 naming its pid and command', async () => {
    const cwd = workDir();
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    try {
      mkdirSync(join(cwd, '.todo-infra'));
      writeFileSync(
        join(cwd, '.todo-infra', 'lock'),
        JSON.stringify({
          pid: holder.pid,
          host: hostname(),
          command: 'up',
          startedAt: new Date().toISOString(),
        }),
      );
      const r = await runCli(['up'], { cwd, env: ns });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(String(holder.pid));
      expect(existsSync(join(cwd, '.todo-infra', 'journal.json'))).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a lock left by a dead process is taken over with a warning', async () => {
    const cwd = workDir();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.on('exit', r));
    mkdirSync(join(cwd, '.todo-infra'));
    writeFileSync(
      join(cwd, '.todo-infra', 'lock'),
      JSON.stringify({
        pid: dead.pid,
        host: hostname(),
        command: 'up',
        startedAt: new Date().toISOString(),
      }),
    );
    const r = await runCli(['up'], { cwd, env: ns });
    expect(r.stderr).toContain(`took over a stale lock left by pid ${dead.pid} (up)`);
    expect(r.code).toBe(3); // it ran (and preflight failed, as HOME has no OCI config)
    expect(existsSync(join(cwd, '.todo-infra', 'lock'))).toBe(false);
  });

  it('a corrupt journal is a usage error naming the file, and leaves no lock behind', async () => {
    const cwd = workDir();
    mkdirSync(join(cwd, '.todo-infra'));
    writeFileSync(join(cwd, '.todo-infra', 'journal.json'), '{"version":1,"pha');
    const status = await runCli(['status'], { cwd });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain(join(cwd, '.todo-infra', 'journal.json'));
    const up = await runCli(['up'], { cwd, env: ns });
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/journal.*is not valid JSON/);
    expect(existsSync(join(cwd, '.todo-infra', 'lock'))).toBe(false);
  });
});
