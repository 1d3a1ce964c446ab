// `todo-infra render --out DIR`: every file the CLI applies or hands to the user, in the
// runbook's layout, from the same builders the phases use. Deterministic (same config, same
// bytes) and free of secret values: only *.example files show where secrets go.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, relative, isAbsolute } from 'node:path';
import { TodoInfraError, usageError } from '../../core/errors.js';
import { configureLogger } from '../../core/log.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { RenderedFile } from '../../engine/phase.js';
import { allPhases } from '../../phases/index.js';
import { debugLogPath, type Globals } from '../global.js';
import { writeJsonLine } from '../ui/json.js';
import { flagsToConfig } from './up.js';

/** All rendered files, sorted by path; a path claimed twice is a bug, not a choice. */
export function renderAll(config: Config): RenderedFile[] {
  const files = new Map<string, RenderedFile>();
  for (const phase of allPhases()) {
    for (const file of phase.render?.(config) ?? []) {
      if (files.has(file.path)) {
        throw new TodoInfraError(
          'RENDER_CONFLICT',
          `${file.path} is rendered by two phases (${phase.id})`,
        );
      }
      files.set(file.path, file);
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

export async function runRender(
  globals: Globals,
  options: { out?: string; target?: string },
): Promise<number> {
  if (!options.out) {
    throw usageError(
      'BAD_FLAG',
      'render needs --out DIR',
      'Pass --out ./infra (any directory; created if missing).',
    );
  }
  configureLogger({ verbosity: globals.verbosity, file: debugLogPath(globals.stateDir, 'render') });
  const { config } = loadConfig({
    configFile: globals.configFile,
    flags: flagsToConfig(globals, options.target),
  });
  const out = resolve(options.out);
  const files = renderAll(config);
  const results: { path: string; action: 'created' | 'updated' | 'unchanged' }[] = [];
  for (const file of files) {
    const target = join(out, file.path);
    const rel = relative(out, target);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new TodoInfraError(
        'RENDER_PATH',
        `rendered path ${file.path} escapes the output directory`,
      );
    }
    const before = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    const action =
      before === undefined ? 'created' : before === file.content ? 'unchanged' : 'updated';
    if (action !== 'unchanged') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content, { mode: file.mode ?? 0o644 });
    }
    results.push({ path: file.path, action });
  }
  if (globals.output === 'json') {
    writeJsonLine({ type: 'render', out, files: results });
  } else {
    for (const r of results)
      process.stdout.write(`${r.action.padEnd(9)} ${join(options.out, r.path)}\n`);
    const changed = results.filter((r) => r.action !== 'unchanged').length;
    process.stdout.write(
      `${results.length} files in ${out} ` +
        `(${changed} written, ${results.length - changed} unchanged)\n`,
    );
  }
  return 0;
}
