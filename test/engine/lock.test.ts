// One run per state dir; a lock whose owner died is taken over; a lock being written right now
// (unparsable and fresh) is left alone.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, TodoInfraError } from '../../src/core/errors.js';
import { acquireLock, LOCK_FILE } from '../../src/engine/lock.js';
import { tempDir } from './temp.ts';

function lockError(dir: string, command = 'up'): TodoInfraError {
  try {
    acquireLock(dir, command).release();
  } catch (err) {
    expect(err).toBeInstanceOf(TodoInfraError);
    return err as TodoInfraError;
  }
  throw new Error('the lock was acquired');
}

/** The pid of a process that has exited (and been reaped), so it is certainly not running. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  return pid;
}

/** A live process holding no lock of its own, standing in for another todo-infra run. */
function liveProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return { pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

function writeOwner(dir: string, pid: number, command: string, host = hostname()) {
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid, host, command, startedAt: new Date().toISOString() }),
  );
}

describe('state-dir lock', () => {
  it("a second acquire fails with STATE_LOCKED naming the holder's pid and command", () => {
    const dir = tempDir();
    const first = acquireLock(dir, 'up');
    const err = lockError(dir, 'phase kafka');
    expect(err.code).toBe('STATE_LOCKED');
    expect(err.exitCode).toBe(ExitCode.locked);
    expect(`${err.message} ${err.hint ?? ''}`).toContain(String(process.pid));
    expect(`${err.message} ${err.hint ?? ''}`).toContain('up');
    first.release();
    // Released: free again, and the file is gone.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireLock(dir, 'phase kafka').release();
  });

  it('is held against another live process on this host', () => {
    const dir = tempDir();
    const other = liveProcess();
    try {
      writeOwner(dir, other.pid, 'up --target existing');
      const err = lockError(dir);
      expect(err.code).toBe('STATE_LOCKED');
      expect(`${err.message} ${err.hint ?? ''}`).toContain(String(other.pid));
      expect(`${err.message} ${err.hint ?? ''}`).toContain('up --target existing');
    } finally {
      other.stop();
    }
  });

  it('takes over a stale lock whose process has exited, reporting who held it', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeOwner(dir, pid, 'up');
    const lock = acquireLock(dir, 'phase base');
    expect(lock.tookOverFrom).toMatchObject({ pid, command: 'up' });
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as {
      pid: number;
      command: string;
    };
    expect(owner).toMatchObject({ pid: process.pid, command: 'phase base' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('does not steal a fresh unparsable lock (another run is writing it right now)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    const err = lockError(dir);
    expect(err.code).toBe('STATE_LOCKED');
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('{"pid":');
  });

  it('takes over an unparsable lock once it is old (a writer that died mid-write)', () => {
    const dir = tempDir();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, '{"pid":');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const lock = acquireLock(dir, 'up');
    expect(lock.tookOverFrom).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('treats a lock from another host as held (its pid cannot be probed from here)', async () => {
    const dir = tempDir();
    writeOwner(dir, await deadPid(), 'up', 'some-other-host.example');
    const err = lockError(dir);
    expect(err.code).toBe('STATE_LOCKED');
  });

  it('release() leaves a lock that another process took over in place', async () => {
    const dir = tempDir();
    const lock = acquireLock(dir, 'up');
    const pid = await deadPid();
    writeOwner(dir, pid, 'someone else');
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
