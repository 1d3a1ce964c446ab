// After a run: record it, print a one-line summary, and on failure the error with the exact
// command that resumes from where it stopped.
import { debugLogFile } from '../core/log.js';
import { formatCommand } from '../core/quote.js';
import { ExitCode } from '../core/errors.js';
import type { RunSummary } from '../engine/runner.js';
import type { Session } from './session.js';
import { reportError } from './report.js';
import { writeJsonLine } from './ui/json.js';

export async function finishRun(
  session: Session,
  summary: RunSummary,
  command: string,
): Promise<number> {
  await session.stopRenderer();
  const result = summary.interrupted
    ? 'interrupted'
    : summary.failed.length > 0
      ? 'failed'
      : 'succeeded';
  session.journal.setRun({
    id: summary.runId,
    command,
    startedAt: summary.startedAt,
    finishedAt: new Date().toISOString(),
    result,
    debugLog: debugLogFile(),
  });
  const { output } = session.globals;
  const counts =
    `${summary.succeeded.length} ran, ${summary.skipped.length} skipped, ` +
    `${summary.failed.length} failed, ${summary.blocked.length} not started`;
  if (output === 'json') {
    writeJsonLine({
      type: 'result',
      command,
      result,
      summary: {
        succeeded: summary.succeeded,
        skipped: summary.skipped,
        failed: summary.failed.map((f) => f.phase),
        blocked: summary.blocked,
      },
    });
  } else if (result === 'succeeded') {
    process.stderr.write(`${command}: done (${counts})\n`);
  }
  if (result === 'succeeded') return ExitCode.ok;
  await session.close();
  const resume = resumeCommand(summary, command);
  if (summary.interrupted) {
    if (output === 'text')
      process.stderr.write(`${command}: interrupted (${counts})\nResume: ${resume}\n`);
    return ExitCode.interrupted;
  }
  if (output === 'text') process.stderr.write(`${command}: failed (${counts})\n`);
  let code: number = ExitCode.failure;
  summary.failed.forEach(({ error }, i) => {
    const last = i === summary.failed.length - 1;
    code = reportError(error, session.globals, { resume, trailer: last });
  });
  return summary.failed.length === 1 ? code : ExitCode.failure;
}

/** The same command line again: finished phases are skipped, so it resumes. */
export function resumeCommand(summary: RunSummary, command: string): string {
  const args = process.argv.slice(2).filter((a) => a !== '--dry-run');
  const failedPhase = summary.failed[0]?.phase;
  const again = formatCommand('todo-infra', args);
  // `command` is 'up' or 'phase <id>'; argv may start with global options (-o json phase …).
  return failedPhase && !command.startsWith('phase ')
    ? `${again}   (or only this phase: todo-infra phase ${failedPhase})`
    : again;
}
