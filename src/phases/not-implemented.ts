// Phases that are part of the graph but whose work is not built yet. They fail loudly with a
// dedicated exit code instead of pretending success, so `up` can never report a platform as
// ready when part of it was never set up. Remove a phase from here when its file lands.
import { ExitCode, TodoInfraError } from '../core/errors.js';
import type { Phase, PhaseId } from '../engine/phase.js';

export function notImplemented(
  id: PhaseId,
  title: string,
  needs: PhaseId[],
  runbook: string[],
): Phase {
  const fail = (): never => {
    throw new TodoInfraError('PHASE_NOT_IMPLEMENTED', `phase ${id} is not implemented yet`, {
      phase: id,
      source: 'tool',
      exitCode: ExitCode.notImplemented,
      hint:
        `Runbook tasks ${runbook.join(', ')} must be done by hand for now; ` +
        `\`todo-infra up\` stops here until this phase is available.`,
    });
  };
  return {
    id,
    title,
    needs,
    runbook,
    inputs: () => ({ notImplemented: true }),
    plan: async () => [{ action: 'run', what: `${title} — not implemented yet (fails)` }],
    run: async () => fail(),
    checkpoint: async () => ({ ok: false, detail: 'not implemented' }),
  };
}
