// Child processes of the local control plane, and making sure none outlives its owner.
//
// Each component runs in its own process group (detached), so one signal to the group also
// reaches anything it forked. Normal shutdown is SIGTERM to the group, a grace period, then
// SIGKILL. If the owning Node process is interrupted (SIGINT/SIGTERM/SIGHUP) or exits without
// calling stop(), the same happens synchronously from the signal/exit handler, followed by
// the registered emergency cleanups (which keep the logs for a post-mortem).
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

export interface Component {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Resolves when the group leader exits, with a short description of how. */
  exited: Promise<string>;
}

const liveGroups = new Set<number>();
const emergencyCleanups = new Set<() => void>();

/** True while any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function startComponent(
  name: string,
  bin: string,
  args: string[],
  logsDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Component {
  installHandlers();
  const logFile = join(logsDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${name} (${bin})`);
  const pid = child.pid;
  liveGroups.add(pid);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) =>
      resolve(signal ? `killed by ${signal}` : `exit code ${code}`),
    );
  });
  return { name, pid, logFile, child, exited };
}

/** SIGTERM every group, wait up to graceMs, then SIGKILL what is left. */
export async function stopComponents(components: Component[], graceMs = 5000): Promise<void> {
  const pending = components.filter((c) => groupAlive(c.pid));
  for (const c of pending) signalGroup(c.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pending.some((c) => groupAlive(c.pid))) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const c of pending) if (groupAlive(c.pid)) signalGroup(c.pid, 'SIGKILL');
  // A killed leader stays a zombie until Node reaps it, which only happens on the event loop.
  await Promise.all(
    components.map((c) =>
      c.child.exitCode === null && c.child.signalCode === null
        ? Promise.race([c.exited, new Promise((r) => setTimeout(r, 2000))])
        : undefined,
    ),
  );
  for (const c of components) liveGroups.delete(c.pid);
}

/** Registers a synchronous cleanup run if the process dies before a normal stop. */
export function onEmergency(fn: () => void): () => void {
  installHandlers();
  emergencyCleanups.add(fn);
  return () => void emergencyCleanups.delete(fn);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function emergencyStop(): void {
  const groups = [...liveGroups];
  for (const g of groups) signalGroup(g, 'SIGTERM');
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && groups.some(groupAlive)) sleepSync(50);
  for (const g of groups) signalGroup(g, 'SIGKILL');
  liveGroups.clear();
  for (const fn of [...emergencyCleanups]) {
    try {
      fn();
    } catch (err) {
      process.stderr.write(`[cluster] cleanup failed: ${String(err)}\n`);
    }
  }
  emergencyCleanups.clear();
}

let installed = false;
let signalOverride: ((sig: NodeJS.Signals) => void) | undefined;

/**
 * Lets a long-lived owner (the cluster:up supervisor) treat SIGINT/SIGTERM/SIGHUP as a request
 * for its own orderly stop instead of the emergency kill. The exit-time kill still applies.
 */
export function handleSignalsWith(fn: (sig: NodeJS.Signals) => void): void {
  installHandlers();
  signalOverride = fn;
}
const SIGNAL_CODES: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', emergencyStop);
  for (const sig of Object.keys(SIGNAL_CODES) as NodeJS.Signals[]) {
    const handler = (): void => {
      if (signalOverride) {
        signalOverride(sig);
        return;
      }
      emergencyStop();
      // Adding a listener disables Node's default "terminate on signal"; restore it unless
      // the host (e.g. vitest) has its own handler that decides how to exit.
      if (process.listenerCount(sig) === 1) process.exit(128 + (SIGNAL_CODES[sig] ?? 0));
    };
    process.on(sig, handler);
  }
}
