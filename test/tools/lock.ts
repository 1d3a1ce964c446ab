// A cross-process lock around one tool build.
//
// Why: `npm run cluster:up` and a vitest run may both find a tool missing at the same moment;
// two `go build`s into one cache directory would delete each other's output. The lock is a
// directory (mkdir is atomic) holding the owner's pid; a lock whose owner died is taken over.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(lockDir: string): boolean {
  try {
    mkdirSync(lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    } catch {
      return false; // owner is between mkdir and writing its pid
    }
    if (Number.isFinite(owner) && alive(owner)) return false;
    rmSync(lockDir, { recursive: true, force: true }); // stale: its builder died
    return tryAcquire(lockDir);
  }
  writeFileSync(join(lockDir, 'pid'), String(process.pid));
  return true;
}

/** Runs `fn` while holding `<target>.lock`, waiting for another builder if needed. */
export async function withBuildLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lockDir = `${target}.lock`;
  mkdirSync(dirname(lockDir), { recursive: true });
  let announced = false;
  while (!tryAcquire(lockDir)) {
    if (!announced) {
      process.stderr.write(`[tools] waiting for another build holding ${lockDir}\n`);
      announced = true;
    }
    await sleep(2000);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
