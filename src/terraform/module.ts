// The terraform module ships inside the npm package (`terraform/`) and is copied into the
// state directory before every run, so terraform always works on files the CLI controls:
// no run depends on the user's current directory, and an upgraded CLI brings its module along.
// Only configuration files are copied; the module's example tfvars would otherwise be loaded.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, TodoInfraError } from '../core/errors.js';
import { shippedPath } from '../core/package-files.js';

/** Written by the runner, never part of the module: kept when stale files are pruned. */
export const BACKEND_OVERRIDE_FILE = 'backend_override.tf';

export function shippedModuleDir(): string {
  return shippedPath('terraform');
}

function isModuleFile(name: string): boolean {
  if (name === BACKEND_OVERRIDE_FILE) return false;
  return name.endsWith('.tf') || name.endsWith('.tf.json') || name === '.terraform.lock.hcl';
}

/** The module's configuration files (top level only: the module has no nested modules). */
export function moduleFiles(dir: string): string[] {
  if (!existsSync(dir)) {
    throw new TodoInfraError('TERRAFORM_MODULE_MISSING', `the terraform module ${dir} is missing`, {
      source: 'environment',
      exitCode: ExitCode.preflight,
      hint: 'Reinstall todo-infra: its package must contain the terraform/ directory.',
    });
  }
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && isModuleFile(e.name))
    .map((e) => e.name)
    .sort();
  if (!files.some((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))) {
    throw new TodoInfraError('TERRAFORM_MODULE_MISSING', `${dir} holds no .tf files`, {
      source: 'environment',
      exitCode: ExitCode.preflight,
      hint: 'Reinstall todo-infra: its package must contain the terraform/ module files.',
    });
  }
  return files;
}

/** sha256 over the files' names and contents, in name order: changes when any file does. */
export function moduleHash(dir: string): string {
  const hash = createHash('sha256');
  for (const name of moduleFiles(dir)) {
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(join(dir, name)))
      .update('\0');
  }
  return hash.digest('hex');
}

/**
 * Copies the module into the working directory and removes configuration files a previous
 * CLI version copied but this one no longer ships (a leftover .tf would still be loaded).
 * terraform's own files (.terraform/, state, plan) are left alone.
 */
export function syncModule(sourceDir: string, workDir: string): string[] {
  const files = moduleFiles(sourceDir);
  mkdirSync(workDir, { recursive: true });
  const wanted = new Set(files);
  for (const entry of readdirSync(workDir, { withFileTypes: true })) {
    if (entry.isFile() && isModuleFile(entry.name) && !wanted.has(entry.name)) {
      // The lock file is terraform's record of provider checksums: keep it unless the module
      // ships its own.
      if (entry.name === '.terraform.lock.hcl') continue;
      rmSync(join(workDir, entry.name));
    }
  }
  for (const name of files) copyFileSync(join(sourceDir, name), join(workDir, name));
  return files;
}
