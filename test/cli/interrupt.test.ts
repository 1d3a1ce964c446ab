// Ctrl-C on a run that is waiting: the phase talks to an API server that accepts connections
// and never answers (a blackhole on a local port), SIGINT arrives while it waits. The run must
// end with exit 130, a parseable journal with no `running` record and the lock released. The
// Kubernetes client takes the run's AbortSignal, so the pending request ends at once.
// A second Ctrl-C quits at once even while cleanup is still going on — here a tool (a stand-in
// `helm`, run by preflight) that takes its time to stop on SIGTERM, as terraform does while it
// saves its state — and the next run recovers the record left `running`.
import { once } from 'node:events';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { ndjson, readJournal, runCli, workDir, type CliResult } from './helpers.ts';

interface Blackhole {
  port: number;
  /** Resolves on the first connection: the phase is now waiting on the "API server". */
  connected: Promise<void>;
  close(): void;
}

const open: Blackhole[] = [];
afterEach(() => open.splice(0).forEach((b) => b.close()));

async function blackhole(): Promise<Blackhole> {
  const sockets: Socket[] = [];
  let first!: () => void;
  const connected = new Promise<void>((r) => (first = r));
  const server: Server = createServer((s) => {
    sockets.push(s); // held open, never answered
    first();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const hole = {
    port,
    connected,
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
  open.push(hole);
  return hole;
}

function kubeconfig(dir: string, port: number): string {
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: c`,
      `  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}`,
      'contexts:',
      '- name: ctx',
      '  context: {cluster: c, user: u}',
      'current-context: ctx',
      'users:',
      '- name: u',
      '  user: {token: not-a-real-token}',
    ].join('\n'),
  );
  return path;
}

const env = { TODO_INFRA_REGISTRY_NAMESPACE: 'mytenancy' };
// base talks to the cluster first thing; --force skips the (cloud-only) kubeconfig phase.
const args = (kc: string) => [
  '-o',
  'json',
  '--kubeconfig',
  kc,
  'phase',
  'base',
  '--force',
  '--target',
  'existing',
];

describe('Ctrl-C', () => {
  it('one SIGINT: exit 130, an interrupted result, journal consistent, lock released', async () => {
    const cwd = workDir();
    const hole = await blackhole();
    const kc = kubeconfig(cwd, hole.port);
    const result: CliResult = await runCli(args(kc), {
      cwd,
      env,
      onSpawn: (child) => void hole.connected.then(() => child.kill('SIGINT')),
    });
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/SIGINT received: stopping after cleanup/);
    const events = ndjson(result.stdout);
    expect(events.find((e) => e.type === 'result')).toMatchObject({ result: 'interrupted' });
    expect(events.find((e) => e.type === 'phase-fail')).toMatchObject({
      phase: 'base',
      error: { code: 'INTERRUPTED' },
    });
    const journal = readJournal(cwd);
    expect(journal.phases.base?.status).toBe('interrupted');
    expect(Object.values(journal.phases).map((p) => p.status)).not.toContain('running');
    expect(journal.lastRun).toMatchObject({ result: 'interrupted' });
    expect(existsSync(join(cwd, '.todo-infra', 'lock'))).toBe(false);

    const text = await runCli(['status'], { cwd });
    expect(text.stdout).toMatch(/base\s+interrupted/);
  });

  it('a second SIGINT quits at once; the next run takes over and marks the phase interrupted', async () => {
    const cwd = workDir();
    // Ignores SIGTERM (so runTool waits up to its force-kill delay), exits by itself shortly.
    const helm = join(cwd, 'slow-to-stop-helm');
    writeFileSync(helm, `#!/bin/sh\ntrap '' TERM\n: > "$0.started"\nexec sleep 4\n`);
    chmodSync(helm, 0o755);
    const started = `${helm}.started`;
    const result = await runCli(['-o', 'json', 'phase', 'preflight', '--target', 'existing'], {
      cwd,
      env: { ...env, HELM_BIN: helm },
      timeoutMs: 60_000,
      onSpawn: (child) => {
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('SIGINT received')) child.kill('SIGINT');
        });
        const poll = setInterval(() => {
          if (!existsSync(started)) return;
          clearInterval(poll);
          child.kill('SIGINT');
        }, 20);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(result.code, result.stderr).toBe(130);
    // Left mid-phase: the record still says running (nobody could write it), but it parses.
    expect(readJournal(cwd).phases.preflight?.status).toBe('running');
    expect(existsSync(join(cwd, '.todo-infra', 'lock'))).toBe(false);

    // The next locked run turns the dead run's `running` into `interrupted` before it starts.
    // Port 1 refuses at once, so this run fails fast with the cluster unreachable.
    const nextArgs = [
      '--kubeconfig',
      kubeconfig(cwd, 1),
      'phase',
      'base',
      '--force',
      '--target',
      'existing',
    ];
    const next = await runCli(nextArgs, { cwd, env });
    expect(next.stderr).not.toMatch(/STATE_LOCKED|took over/);
    expect(readJournal(cwd).phases.preflight?.status).toBe('interrupted');
  });
});
