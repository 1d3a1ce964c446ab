// Helpers for the terraform tests: run a real terraform binary in a scratch directory with no
// user CLI configuration, and read declared names out of a module's files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const moduleDir = join(repoRoot, 'terraform');
export const fixtureDir = join(repoRoot, 'test', 'fixtures', 'terraform', 'basic');

export interface TfResult {
  status: number;
  /** stdout + stderr with whitespace runs collapsed, since terraform re-wraps diagnostics. */
  text: string;
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export function terraform(bin: string, cwd: string, args: string[]): TfResult {
  const r = spawnSync(bin, [...args, '-no-color'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      // An empty CLI config: no plugin cache, mirrors or overrides from the machine.
      TF_CLI_CONFIG_FILE: '/dev/null',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    },
  });
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.replace(/\s+/g, ' ').trim();
  return { status: r.status ?? -1, text };
}

/** Names declared as `<kind> "name"` at the top level of every .tf file in `dir`. */
export function declared(dir: string, kind: 'variable' | 'output'): string[] {
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(new RegExp(`^${kind} "([a-z0-9_]+)"`, 'gm'))) names.push(m[1]!);
  }
  return names.sort();
}
