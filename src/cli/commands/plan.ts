// `up --dry-run`: each phase's plan in order, marked with what a real run would skip. Touches
// nothing: no lock, no journal write, no cloud or cluster change.
import { hashInputs } from '../../engine/hash.js';
import type { Phase, PhaseContext, PhaseId } from '../../engine/phase.js';
import { allPhases } from '../../phases/registry.js';
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
    const previous = session.journal.get(id);
    const unchanged = previous?.status === 'succeeded' && previous.inputHash === hashInputs(phase.inputs(ctx));
    const items = await phase.plan(ctx);
    emit(session, phase, items, unchanged ? 'unchanged' : undefined);
    lines.push(`- ${id}: ${phase.title}${unchanged ? ' (unchanged since last run; re-checked only)' : ''}`);
    for (const item of items) {
      lines.push(`    ${item.action.padEnd(7)} ${item.what}${item.detail ? ` — ${item.detail}` : ''}`);
    }
  }
  if (session.globals.output === 'text') process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function emit(session: Session, phase: Phase, items: unknown[], skip?: 'unchanged' | 'target'): void {
  if (session.globals.output !== 'json') return;
  writeJsonLine({ type: 'plan', phase: phase.id, title: phase.title, items, skip });
}
