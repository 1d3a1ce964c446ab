// Config tests load from a temp directory with an explicit environment, so neither the
// developer's shell nor a todo-infra.yaml in the checkout can leak in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import { loadConfig, type LoadOptions } from '../../src/config/load.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempCwd(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-infra-config-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Loads with the given todo-infra.yaml text (none when undefined) and environment. */
export function load(yaml: string | undefined, options: Omit<LoadOptions, 'cwd'> = {}) {
  const cwd = tempCwd(yaml === undefined ? {} : { 'todo-infra.yaml': yaml });
  return loadConfig({ env: {}, ...options, cwd });
}

/** The coded error a bad configuration raises. */
export function loadError(
  yaml: string | undefined,
  options: Omit<LoadOptions, 'cwd'> = {},
): TodoInfraError {
  try {
    load(yaml, options);
  } catch (err) {
    expect(err).toBeInstanceOf(TodoInfraError);
    return err as TodoInfraError;
  }
  throw new Error('the configuration was accepted');
}

/** The problem line for one config path (each problem is one detail line). */
export function problemFor(err: TodoInfraError, path: string): string {
  const line = err.details.find((d) => d.startsWith(`${path}:`) || d.startsWith(`${path} `));
  expect(line, `a problem for ${path} in:\n${err.details.join('\n')}`).toBeDefined();
  return line!;
}
