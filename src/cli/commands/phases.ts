// `todo-infra phases`: the graph with each phase's dependencies and journal state.
import { resolve } from 'node:path';
import { Journal } from '../../engine/journal.js';
import { topoOrder } from '../../engine/graph.js';
import { allPhases } from '../../phases/index.js';
import type { Globals } from '../global.js';
import { writeJsonLine } from '../ui/json.js';

export function runPhasesCommand(globals: Globals): number {
  const journal = Journal.load(resolve(globals.stateDir));
  const phases = allPhases();
  const byId = new Map(phases.map((p) => [p.id, p]));
  const rows = topoOrder(phases).map((id) => {
    const p = byId.get(id)!;
    const record = journal.get(id);
    return {
      id,
      title: p.title,
      needs: p.needs,
      cloudOnly: Boolean(p.cloudOnly),
      runbook: p.runbook,
      status: record?.status ?? 'pending',
      finishedAt: record?.finishedAt,
    };
  });
  if (globals.output === 'json') {
    writeJsonLine({ type: 'phases', phases: rows });
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.id.length));
  const lines = rows.map(
    (r) =>
      `${r.id.padEnd(width)}  ${r.status.padEnd(11)} ` +
      `needs: ${r.needs.join(', ') || '-'}${r.cloudOnly ? '  (oke only)' : ''}  — ${r.title}`,
  );
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
