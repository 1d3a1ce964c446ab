// The journal must stay readable whatever happens to the process writing it, say clearly when
// it is not, and never hold a secret value.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TodoInfraError, ExitCode } from '../../src/core/errors.js';
import { clearSecretsForTests, registerSecret } from '../../src/core/redact.js';
import { writeFileAtomic } from '../../src/engine/atomic-file.js';
import { Journal, JOURNAL_FILE } from '../../src/engine/journal.js';
import { tempDir } from './temp.ts';

const ROOT = resolve(import.meta.dirname, '../..');

afterEach(() => clearSecretsForTests());

function loadError(dir: string): TodoInfraError {
  try {
    Journal.load(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(TodoInfraError);
    return err as TodoInfraError;
  }
  throw new Error('Journal.load accepted a bad journal');
}

describe('journal persistence', () => {
  it('starts empty and reloads exactly what was recorded', () => {
    const dir = tempDir();
    const j = Journal.load(dir);
    expect(j.all()).toEqual({});
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false); // loading writes nothing
    j.update('base', {
      status: 'succeeded',
      startedAt: 'a',
      finishedAt: 'b',
      inputHash: 'h',
      outputs: { n: 1 },
    });
    j.setRun({ id: 'r1', command: 'up', startedAt: 'a', result: 'succeeded' });
    const again = Journal.load(dir);
    expect(again.get('base')).toEqual({
      status: 'succeeded',
      startedAt: 'a',
      finishedAt: 'b',
      inputHash: 'h',
      outputs: { n: 1 },
    });
    expect(again.lastRun?.id).toBe('r1');
  });

  it('ignores a leftover temp file from a crashed write and replaces the file whole', () => {
    const dir = tempDir();
    const j = Journal.load(dir);
    j.update('preflight', { status: 'succeeded' });
    // What a crash between write and rename leaves behind: a torn sibling temp file.
    writeFileSync(join(dir, `.${JOURNAL_FILE}.99999.1.tmp`), '{"version":1,"phases":{"pre');
    expect(Journal.load(dir).get('preflight')?.status).toBe('succeeded');
    j.update('terraform', { status: 'failed' });
    expect(JSON.parse(readFileSync(join(dir, JOURNAL_FILE), 'utf8')).phases.terraform.status).toBe(
      'failed',
    );
    // Our own writes leave no temp file behind.
    const temps = readdirSync(dir).filter((f) => f.endsWith('.tmp') && !f.includes('.99999.'));
    expect(temps).toEqual([]);
  });

  it('on load, removes temp files of writers that died and keeps those of live ones', () => {
    const dir = tempDir();
    Journal.load(dir).update('preflight', { status: 'succeeded' });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const deadTemp = `.${JOURNAL_FILE}.${dead}.1.tmp`;
    const liveTemp = `.${JOURNAL_FILE}.${process.pid}.2.tmp`;
    writeFileSync(join(dir, deadTemp), '{"version":1,"pha');
    writeFileSync(join(dir, liveTemp), '{"version":1,"pha');
    expect(Journal.load(dir).get('preflight')?.status).toBe('succeeded');
    const left = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    expect(left).toEqual([liveTemp]);
  });

  it('writeFileAtomic creates the directory and the file with mode 600', () => {
    const dir = tempDir();
    const path = join(dir, 'nested', 'state.json');
    writeFileAtomic(path, '{}\n');
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('stays parseable when the writer is killed with SIGKILL in the middle of a write loop', async () => {
    const dir = tempDir();
    const journalJs = pathToFileURL(join(ROOT, 'dist', 'engine', 'journal.js')).href;
    expect(existsSync(join(ROOT, 'dist', 'engine', 'journal.js')), 'run `npx tsc -p .` first').toBe(
      true,
    );
    // The child rewrites a large journal as fast as it can (each record carries ~200 KB so a
    // write takes long enough to be caught halfway) and says "go" after its first write.
    const script = `
      const { Journal } = await import(${JSON.stringify(journalJs)});
      const j = Journal.load(${JSON.stringify(dir)});
      const big = 'x'.repeat(200000);
      for (let i = 0; ; i++) {
        j.update(i % 2 ? 'base' : 'kafka', { status: 'running', outputs: { i, big } });
        if (i === 0) process.stdout.write('go\\n');
      }`;
    // Killed at a few arbitrary points after its first write: each time the file parses.
    for (const afterMs of [5, 60, 170]) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((res, rej) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('go') && res());
        child.on('exit', (code) => rej(new Error(`writer exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, afterMs));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const text = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
      const parsed = JSON.parse(text) as { version: number; phases: Record<string, unknown> };
      expect(parsed.version).toBe(1);
      expect(Journal.load(dir).get('kafka')?.status).toBe('running');
    }
    // And the next run turns the dead writer's `running` records into `interrupted`.
    const next = Journal.load(dir);
    next.markRunningInterrupted();
    expect(Object.values(Journal.load(dir).all()).map((r) => r?.status)).not.toContain('running');
  });
});

describe('journal errors', () => {
  it('a corrupt journal is a coded error naming the file and the fix', () => {
    const dir = tempDir();
    writeFileSync(join(dir, JOURNAL_FILE), '{"version":1,"phases":{"base":');
    const err = loadError(dir);
    expect(err.code).toBe('JOURNAL_UNREADABLE');
    expect(err.message).toContain(join(dir, JOURNAL_FILE));
    expect(err.hint).toMatch(/mv .*journal\.json/);
    expect(err.exitCode).toBe(ExitCode.usage);
  });

  it('valid JSON in an unknown format is refused too', () => {
    const dir = tempDir();
    writeFileSync(join(dir, JOURNAL_FILE), JSON.stringify({ version: 2, phases: {} }));
    const err = loadError(dir);
    expect(err.code).toBe('JOURNAL_VERSION');
    expect(err.message).toContain(join(dir, JOURNAL_FILE));
    writeFileSync(join(dir, JOURNAL_FILE), '[]');
    expect(loadError(dir).code).toBe('JOURNAL_VERSION');
  });
});

describe('journal state', () => {
  it('markRunningInterrupted turns only running records into interrupted, and persists it', () => {
    const dir = tempDir();
    const j = Journal.load(dir);
    j.update('base', { status: 'running', startedAt: 's' });
    j.update('ingress', { status: 'succeeded' });
    j.update('kafka', { status: 'failed' });
    Journal.load(dir).markRunningInterrupted();
    const after = Journal.load(dir);
    expect(after.get('base')).toEqual({ status: 'interrupted', startedAt: 's' });
    expect(after.get('ingress')?.status).toBe('succeeded');
    expect(after.get('kafka')?.status).toBe('failed');
  });

  it('redacts registered secrets in records and run entries before they reach the file', () => {
    const dir = tempDir();
    const secret = 'postgres://u:SuperSecret123@h/db';
    registerSecret(secret);
    const j = Journal.load(dir);
    j.update('base', {
      status: 'failed',
      outputs: { dsn: secret, nested: [{ note: `uses ${secret} inline` }] },
      error: { code: 'X', message: `cannot connect to ${secret}`, details: [`tail: ${secret}`] },
    });
    j.setRun({ id: 'r', command: `up --db ${secret}`, startedAt: 'now' });
    const text = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
    expect(text).not.toContain('SuperSecret123');
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    expect(text).toContain('[redacted]');
    expect(j.get('base')?.error?.message).toBe('cannot connect to [redacted]');
  });
});
