// Data directories of local control planes, their logs, and leftovers of dead owners.
//
// Every control plane lives in <root>/cp-XXXXXX (root: $TODO_INFRA_CLUSTER_ROOT or
// <tmp>/todo-infra-cluster) with an owner.json naming the owning Node process and the
// component process groups. Logs are written inside it; on a failed or interrupted run they are
// moved to <root>/logs-<time>-<id>/ before the data dir is deleted, so a post-mortem never
// depends on the cluster still running. An owner killed with SIGKILL cannot clean up, so each
// new start reaps data dirs whose owner is gone (killing their components first).
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { groupAlive } from './procs.ts';

export interface Owner {
  ownerPid: number;
  /** Component name -> pid (= process group id) and binary, to recognise it when reaping. */
  components: Record<string, { pid: number; bin: string }>;
}

const FAILED_MARKER = 'failed';

export function clusterRoot(): string {
  return process.env.TODO_INFRA_CLUSTER_ROOT || join(tmpdir(), 'todo-infra-cluster');
}

export function createDataDir(): string {
  mkdirSync(clusterRoot(), { recursive: true });
  return mkdtempSync(join(clusterRoot(), 'cp-'));
}

export function writeOwner(dataDir: string, owner: Owner): void {
  writeFileSync(join(dataDir, 'owner.json'), JSON.stringify(owner, null, 2) + '\n');
}

/** Marks the run failed so stop() keeps the logs (called by the vitest fixture on failure). */
export function markFailed(dataDir: string): void {
  if (existsSync(dataDir)) writeFileSync(join(dataDir, FAILED_MARKER), new Date().toISOString());
}

export function isMarkedFailed(dataDir: string): boolean {
  return existsSync(join(dataDir, FAILED_MARKER));
}

/** Moves the logs out (when asked) and deletes the data dir; returns where logs went. */
export function finalizeDataDir(dataDir: string, keepLogs: boolean): string | undefined {
  let keptAt: string | undefined;
  const logs = join(dataDir, 'logs');
  if (keepLogs && existsSync(logs)) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    keptAt = join(clusterRoot(), `logs-${stamp}-${basename(dataDir)}`);
    renameSync(logs, keptAt);
  }
  rmSync(dataDir, { recursive: true, force: true });
  return keptAt;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid still runs the recorded binary (guards against a recycled pid). */
function stillOurs(pid: number, bin: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === bin;
  } catch {
    return false;
  }
}

/** Kept logs of failed runs: only the newest few are worth a post-mortem. */
const KEEP_LOG_DIRS = 20;

function pruneOldLogs(root: string): void {
  // Names embed an ISO timestamp, so lexical order is age order.
  const logs = readdirSync(root)
    .filter((e) => e.startsWith('logs-'))
    .sort();
  for (const old of logs.slice(0, Math.max(0, logs.length - KEEP_LOG_DIRS))) {
    rmSync(join(root, old), { recursive: true, force: true });
  }
}

/**
 * Kills the components of data dirs whose owner died, keeps their logs, removes the dirs;
 * then drops all but the newest kept log dirs.
 */
export function reapOrphans(log: (msg: string) => void): void {
  const root = clusterRoot();
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith('cp-')) continue;
    const dir = join(root, entry);
    let owner: Owner;
    try {
      owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Owner;
    } catch {
      continue; // being created right now, or not ours
    }
    if (processRuns(owner.ownerPid)) continue;
    for (const [name, c] of Object.entries(owner.components)) {
      if (groupAlive(c.pid) && stillOurs(c.pid, c.bin)) {
        log(`killing orphaned ${name} (pid ${c.pid}) left by dead owner ${owner.ownerPid}`);
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    const kept = finalizeDataDir(dir, true);
    log(`removed orphaned control plane ${dir}${kept ? `; its logs are in ${kept}` : ''}`);
  }
  pruneOldLogs(root);
}
