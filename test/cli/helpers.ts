// Runs the built CLI (`node bin/todo-infra.js`, exactly what `npx todo-infra` runs) as a
// subprocess from a temporary working directory with a clean environment: no CI variable, no
// TODO_INFRA_* settings from the developer's shell, HOME pointing at the temp dir (so no real
// ~/.oci/config or ~/.kube/config is read), and stdin a pipe, i.e. not a terminal.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin', 'todo-infra.js');

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  throw new Error('dist/ is missing: run `npx tsc -p .` before the CLI tests (npm test does)');
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory to run the CLI in; it is also HOME for that run. */
export function workDir(prefix = 'todo-infra-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  mkdirSync(join(dir, 'home'), { recursive: true });
  return dir;
}

export function cleanEnv(
  cwd: string,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('TODO_INFRA_') || k === 'CI' || k === 'KUBECONFIG' || k === 'GITHUB_ACTIONS')
      continue;
    env[k] = v;
  }
  env.HOME = join(cwd, 'home');
  // Keep the tool cache where the real one is, so nothing here triggers a rebuild.
  if (process.env.TODO_INFRA_TOOLS_CACHE)
    env.TODO_INFRA_TOOLS_CACHE = process.env.TODO_INFRA_TOOLS_CACHE;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, which stays a pipe either way (never a terminal). */
  input?: string;
  /** Safety net only: a CLI that prompts without a terminal would otherwise hang the test. */
  timeoutMs?: number;
  /** Called once with the child, e.g. to send it a signal. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.cwd, options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (options.input !== undefined) child.stdin.write(options.input);
  // stdin is left open (as a terminal would be) so a prompt would wait rather than see EOF.
  options.onSpawn?.(child);
  const limit = options.timeoutMs ?? 60_000;
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(
        new Error(
          `todo-infra ${args.join(' ')} did not finish within ${limit} ms ` +
            `(waiting for input?)\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, limit);
    child.on('error', rej);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      res({ code, signal, stdout, stderr });
    });
  });
}

/** Every stdout line must be one JSON object; returns them. */
export function ndjson(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n');
  expect(lines.pop(), 'stdout ends with a newline').toBe('');
  return lines.map((line) => {
    let parsed: unknown;
    expect(() => (parsed = JSON.parse(line)), `not JSON on stdout: ${line}`).not.toThrow();
    expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), line).toBe(
      true,
    );
    return parsed as Record<string, unknown>;
  });
}

/** Every file under dir (relative path → content), for grepping and byte comparisons. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path).isDirectory()) walk(path, r);
      else out.set(r, readFileSync(path));
    }
  };
  walk(dir, '');
  return out;
}

export function readJournal(cwd: string): {
  phases: Record<string, { status: string; error?: { code: string; message: string } }>;
  lastRun?: Record<string, unknown>;
} {
  return JSON.parse(readFileSync(join(cwd, '.todo-infra', 'journal.json'), 'utf8'));
}

/** Shell-quotes argv for `script -c`, which takes one command string. */
export function shellLine(argv: string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
