// `todo-infra check`: the preflight checks on their own, as a table or JSON. Exit code 3 when a
// required check fails; optional ones only warn.
import { ExitCode } from '../../core/errors.js';
import { configureLogger } from '../../core/log.js';
import { loadConfig } from '../../config/load.js';
import { runChecks } from '../../preflight/run.js';
import type { CheckOutcome } from '../../preflight/types.js';
import { debugLogPath, type Globals } from '../global.js';
import { writeJsonLine } from '../ui/json.js';
import { flagsToConfig } from './up.js';

export async function runCheck(
  globals: Globals,
  options: { target?: string; cloud?: boolean },
): Promise<number> {
  configureLogger({ verbosity: globals.verbosity, file: debugLogPath(globals.stateDir, 'check') });
  const { config } = loadConfig({
    configFile: globals.configFile,
    flags: flagsToConfig(globals, options.target),
  });
  const cloud = config.target === 'oke' && options.cloud !== false;
  const outcomes = await runChecks(config, { cloud });
  const failed = outcomes.filter((o) => !o.ok && !o.optional);
  if (globals.output === 'json') {
    writeJsonLine({
      type: 'check',
      ok: failed.length === 0,
      target: config.target,
      checks: outcomes,
    });
  } else {
    process.stdout.write(table(outcomes) + '\n');
    const warned = outcomes.filter((o) => !o.ok && o.optional).length;
    process.stdout.write(
      failed.length === 0
        ? `All required checks passed${warned ? ` (${plural(warned, 'warning')})` : ''}.\n`
        : `${failed.length} required check${failed.length > 1 ? 's' : ''} failed.\n`,
    );
  }
  return failed.length === 0 ? ExitCode.ok : ExitCode.preflight;
}

export function table(outcomes: CheckOutcome[]): string {
  const mark = (o: CheckOutcome) => (o.ok ? 'ok' : o.optional ? 'warn' : 'FAIL');
  const titleWidth = Math.max(5, ...outcomes.map((o) => o.title.length));
  const rows = [`${'STATUS'.padEnd(6)} ${'CHECK'.padEnd(titleWidth)} DETAIL`];
  for (const o of outcomes) {
    rows.push(`${mark(o).padEnd(6)} ${o.title.padEnd(titleWidth)} ${o.detail}`);
    if (!o.ok && o.fix) rows.push(`${''.padEnd(6)} ${''.padEnd(titleWidth)} fix: ${o.fix}`);
  }
  return rows.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
