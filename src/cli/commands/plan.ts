// `up --dry-run`: each phase's plan in order, marked with what a real run would skip. Touches
// nothing: no lock, no journal write, no cloud or cluster change.
import { toTodoInfraError, type TodoInfraError } from '../../core/errors.js';
import { hashInputs } from '../../engine/hash.js';
import type { Phase, PhaseContext, PhaseId, PlanItem } from '../../engine/phase.js';
import { allPhases } from '../../phases/index.js';
import type { Session } from '../session.js';
import { writeJsonLine } from '../ui/json.js';

export async function printPlan(
  session: Session,
  order: PhaseId[],
  makeContext: (p: Phase) => PhaseContext,
): Promise<number> {
  const byId = new Map(allPhases().map((p) => [p.id, p]));
  const target = session.loaded.config.target;
  const lines: string[] = [`Plan for target ${target} (nothing will be changed):`];
  for (const id of order) {
    const phase = byId.get(id)!;
    const ctx = makeContext(phase);
    if (phase.cloudOnly && target === 'existing') {
      emit(session, phase, [], 'target');
      lines.push(`- ${id}: skipped (not needed with --target existing)`);
      continue;
    }
    // A phase may be unable to plan before earlier phases ran (e.g. apps needs the image
    // prefix the registry phase records). That is shown in its place instead of hiding the
    // plan of every other phase behind one error.
    let items: PlanItem[] = [];
    let unchanged = false;
    let problem: TodoInfraError | undefined;
    try {
      const previous = session.journal.get(id);
      unchanged =
        previous?.status === 'succeeded' && previous.inputHash === hashInputs(phase.inputs(ctx));
      items = await phase.plan(ctx);
    } catch (err) {
      problem = toTodoInfraError(err, id);
    }
    emit(session, phase, items, unchanged ? 'unchanged' : undefined, problem);
    lines.push(
      `- ${id}: ${phase.title}${unchanged ? ' (unchanged since last run; re-checked only)' : ''}`,
    );
    for (const item of items) {
      lines.push(
        `    ${item.action.padEnd(7)} ${item.what}${item.detail ? ` — ${item.detail}` : ''}`,
      );
    }
    if (problem) {
      lines.push(`    cannot plan yet: ${problem.message}`);
      if (problem.hint) lines.push(`    fix: ${problem.hint}`);
    }
  }
  if (session.globals.output === 'text') process.stdout.write(lines.join('\n') + '\n');
  else writeJsonLine({ type: 'result', command: 'up --dry-run', result: 'succeeded' });
  return 0;
}

function emit(
  session: Session,
  phase: Phase,
  items: unknown[],
  skip?: 'unchanged' | 'target',
  problem?: TodoInfraError,
): void {
  if (session.globals.output !== 'json') return;
  const error = problem
    ? { code: problem.code, message: problem.message, hint: problem.hint }
    : undefined;
  writeJsonLine({ type: 'plan', phase: phase.id, title: phase.title, items, skip, error });
}
