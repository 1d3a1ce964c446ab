// How a failure is shown: what failed, the details, the fix, the debug log, and the exact
// command that resumes. Text goes to stderr; with -o json the same facts are one JSON line.
import { debugLogFile } from '../core/log.js';
import { redact } from '../core/redact.js';
import { toTodoInfraError, type TodoInfraError } from '../core/errors.js';
import type { Globals } from './global.js';
import { writeJsonLine } from './ui/json.js';
import { promptInterruption } from '../engine/interrupt.js';

export interface ReportOptions {
  resume?: string;
  /** Leave out the Resume/Debug log lines (several errors are followed by one trailer). */
  trailer?: boolean;
}

export function reportError(
  thrown: unknown,
  globals: Pick<Globals, 'output' | 'verbosity'>,
  options: ReportOptions = {},
): number {
  const { resume, trailer = true } = options;
  const error = promptInterruption(thrown) ?? toTodoInfraError(thrown);
  const logFile = debugLogFile();
  if (globals.output === 'json') {
    writeJsonLine({ type: 'error', ...error.toJSON(), debugLog: logFile, resume });
    return error.exitCode;
  }
  const lines: string[] = [];
  lines.push(`Error${error.phase ? ` in phase ${error.phase}` : ''}: ${error.message}`);
  for (const detail of error.details) lines.push(`  ${detail}`);
  if (error.hint) lines.push(`Fix: ${error.hint}`);
  if (trailer && resume) lines.push(`Resume: ${resume}`);
  if (trailer && logFile) lines.push(`Debug log: ${logFile}`);
  if (globals.verbosity >= 1 && error.stack) lines.push(describeStack(error));
  process.stderr.write(redact(lines.join('\n')) + '\n');
  return error.exitCode;
}

function describeStack(error: TodoInfraError): string {
  const parts = [error.stack ?? ''];
  let cause = error.cause;
  while (cause instanceof Error) {
    parts.push(`caused by: ${cause.stack ?? cause.message}`);
    cause = cause.cause;
  }
  return parts.join('\n');
}
