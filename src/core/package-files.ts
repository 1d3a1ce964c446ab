// Files the npm package ships next to its code (terraform/, manifests/, templates/). They are
// found from this module's own location, so the CLI works from any current directory and an
// upgraded CLI brings its files along.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, TodoInfraError } from './errors.js';

/**
 * The package root: this file is src/core/package-files.ts under vitest and
 * dist/core/package-files.js when built, two levels below the root either way.
 */
export function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Absolute path of a shipped file or directory, e.g. shippedPath('manifests', 'kafka', 'x'). */
export function shippedPath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

/** A shipped file's text; a missing file means a broken installation and says so. */
export function readShippedFile(...parts: string[]): string {
  const file = shippedPath(...parts);
  if (!existsSync(file)) {
    throw new TodoInfraError('PACKAGE_FILE_MISSING', `${file} is missing from the installation`, {
      source: 'environment',
      exitCode: ExitCode.preflight,
      hint: `Reinstall todo-infra: its package must contain ${parts.join('/')}.`,
    });
  }
  return readFileSync(file, 'utf8');
}

/** The installed CLI's version, from its package.json. */
export function cliVersion(): string {
  return (JSON.parse(readShippedFile('package.json')) as { version: string }).version;
}
