// `node test/cluster/cli.ts up|down|status` — the local control plane by hand
// (`npm run cluster:up` / `npm run cluster:down`).
//
// up    builds or reuses the binaries (in the foreground, so progress and errors are visible),
//       starts a detached supervisor that owns the cluster, waits until it is ready and prints
//       the kubeconfig path as the LAST line of stdout (scripts can `| tail -1`).
//       Options: --nodes=N (fake A1 workers, default 1), --no-lb-simulator.
// down  stops every process of that cluster and removes its data.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTools } from '../tools/build.ts';
import { finalizeDataDir } from './datadir.ts';
import { groupAlive } from './procs.ts';
import {
  clearState,
  pidRuns,
  readState,
  stateDir,
  supervisorLogPath,
  type ClusterState,
} from './state.ts';
import { runSupervisor } from './supervisor.ts';

const say = (msg: string): void => void process.stderr.write(`[cluster] ${msg}\n`);
const START_TIMEOUT_MS = 10 * 60_000;

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function printReady(s: ClusterState): void {
  process.stdout.write(
    `server: ${s.server}\nversion: ${s.version}\n` +
      `logs: ${s.logsDir}\nstop with: npm run cluster:down\n${s.kubeconfigPath}\n`,
  );
}

async function up(args: string[]): Promise<number> {
  const existing = readState();
  if (existing && pidRuns(existing.supervisorPid) && existing.status === 'ready') {
    say(`already running (supervisor pid ${existing.supervisorPid})`);
    printReady(existing);
    return 0;
  }
  if (existing) await down(); // a stale or failed previous run: clean it first
  await ensureTools(['etcd', 'kubernetes', 'kwok']);
  const logFd = openSync(supervisorLogPath(), 'w');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', ...args], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.unref();
  say(`starting in the background (supervisor pid ${child.pid}, log ${supervisorLogPath()})`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(500);
    const s = readState();
    if (!s || s.supervisorPid !== child.pid) continue;
    if (s.status === 'ready') {
      printReady(s);
      return 0;
    }
    if (s.status === 'failed' || !pidRuns(child.pid!)) {
      say(`start failed: ${s.error ?? 'supervisor exited'}\n${tail(supervisorLogPath(), 30)}`);
      return 1;
    }
  }
  say(`not ready after ${START_TIMEOUT_MS / 60_000} min; see ${supervisorLogPath()}`);
  return 1;
}

async function down(): Promise<number> {
  const s = readState();
  if (!s) {
    say(`no local control plane recorded in ${stateDir()}`);
    return 0;
  }
  if (pidRuns(s.supervisorPid)) {
    process.kill(s.supervisorPid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (pidRuns(s.supervisorPid) && Date.now() < deadline) await sleep(200);
    if (pidRuns(s.supervisorPid)) process.kill(s.supervisorPid, 'SIGKILL');
  }
  // Whatever the supervisor could not stop (it was killed, or crashed earlier) goes now.
  for (const [name, pid] of Object.entries(s.pids ?? {})) {
    if (name !== 'supervisor' && groupAlive(pid)) {
      say(`killing leftover ${name} (pid ${pid})`);
      process.kill(-pid, 'SIGKILL');
    }
  }
  if (s.dataDir && existsSync(s.dataDir)) finalizeDataDir(s.dataDir, false);
  clearState();
  say('local control plane stopped and its data removed');
  return 0;
}

function status(): number {
  const s = readState();
  if (!s) {
    say('not running');
    return 1;
  }
  const alive = pidRuns(s.supervisorPid);
  process.stdout.write(JSON.stringify({ ...s, supervisorAlive: alive }, null, 2) + '\n');
  return alive && s.status === 'ready' ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      return up(rest);
    case 'down':
      return down();
    case 'status':
      return status();
    case 'serve':
      await runSupervisor(rest);
      return -1; // keeps running until signalled
    default:
      say('usage: node test/cluster/cli.ts up [--nodes=N] [--no-lb-simulator] | down | status');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
