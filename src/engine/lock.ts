// One run at a time per state directory: two concurrent `up`s would race on the journal and on
// the cluster. The lock file names its owner; a lock whose process is gone (crash, kill -9) is
// taken over, so a user never has to delete it by hand.
import { openSync, writeSync, closeSync, readFileSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TodoInfraError, ExitCode } from '../core/errors.js';

export const LOCK_FILE = 'lock';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export interface Lock {
  readonly path: string;
  /** Set when a stale lock was taken over: who held it. */
  readonly tookOverFrom: LockOwner | undefined;
  release(): void;
}

export function acquireLock(stateDir: string, command: string): Lock {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  let tookOverFrom: LockOwner | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return {
        path,
        tookOverFrom,
        release() {
          if (released) return;
          released = true;
          if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(path);
    if (owner && !isStale(owner)) {
      throw new TodoInfraError(
        'STATE_LOCKED',
        `another todo-infra run holds ${path}: pid ${owner.pid} on ${owner.host}, ` +
          `\`${owner.command}\` since ${owner.startedAt}`,
        {
          source: 'user',
          exitCode: ExitCode.locked,
          hint:
            'Wait for it to finish, or stop it (Ctrl-C) and run again. A lock left by a ' +
            'process that no longer exists is taken over automatically.',
        },
      );
    }
    // No owner (unreadable and old) or a dead owner: remove and retry the exclusive create.
    // If two runs race here, only one of them wins the `wx` open above.
    if (!owner && !isOldFile(path)) continue;
    tookOverFrom = owner;
    rmSync(path, { force: true });
  }
  throw new TodoInfraError('STATE_LOCKED', `could not take the lock ${path}`, {
    source: 'environment',
    exitCode: ExitCode.locked,
    hint: 'Another run is starting at the same moment; try again.',
  });
}

/** The process holding the state dir's lock, if one is alive (status shows live runs). */
export function liveLockOwner(stateDir: string): LockOwner | undefined {
  const owner = readOwner(join(stateDir, LOCK_FILE));
  return owner && !isStale(owner) ? owner : undefined;
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isStale(owner: LockOwner): boolean {
  // A lock from another host cannot be probed; treat it as held (shared state dirs are rare
  // and a wrong takeover would be worse than asking the user).
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lock file nobody could parse is only trusted for a few seconds (a writer mid-write). */
function isOldFile(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > 5000;
  } catch {
    return true;
  }
}
