// `todo-infra status`: what the journal says about the last run and each phase, with outputs
// (the public URL, the kubeconfig path) — read-only, no lock, no cluster call.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, JOURNAL_FILE } from '../../engine/journal.js';
import { liveLockOwner } from '../../engine/lock.js';
import { topoOrder } from '../../engine/graph.js';
import { allPhases } from '../../phases/index.js';
import type { Globals } from '../global.js';
import { writeJsonLine } from '../ui/json.js';

export function runStatus(globals: Globals): number {
  const journal = Journal.load(globals.stateDir);
  const exists = existsSync(join(globals.stateDir, JOURNAL_FILE));
  const order = topoOrder(allPhases());
  const running = liveLockOwner(globals.stateDir);
  if (globals.output === 'json') {
    writeJsonLine({
      type: 'status',
      stateDir: globals.stateDir,
      lastRun: journal.lastRun,
      phases: Object.fromEntries(order.map((id) => [id, journal.get(id) ?? { status: 'pending' }])),
    });
    return 0;
  }
  if (!exists) {
    process.stdout.write(
      `No runs recorded in ${globals.stateDir}. Start with \`todo-infra up\`.\n`,
    );
    return 0;
  }
  const out: string[] = [`State: ${globals.stateDir}`];
  if (running)
    out.push(`Running now: pid ${running.pid}, \`${running.command}\` since ${running.startedAt}`);
  const run = journal.lastRun;
  if (run)
    out.push(
      `Last run: ${run.command} — ${run.result ?? 'running'} at ${run.finishedAt ?? run.startedAt}`,
    );
  for (const id of order) {
    const r = journal.get(id);
    // A phase still "running" with no live run holding the lock was cut off (kill -9, crash).
    const cutOff = r?.status === 'running' && !running;
    const status = cutOff ? 'interrupted (its run is gone)' : (r?.status ?? 'pending');
    let line = `  ${id.padEnd(11)} ${status}`;
    if (r?.finishedAt) line += `  ${r.finishedAt}`;
    if (r?.error) line += `\n      ${r.error.code}: ${r.error.message}`;
    if (r?.reason) line += `  (${r.reason})`;
    const highlights = highlightOutputs(r?.outputs);
    if (highlights) line += `\n      ${highlights}`;
    out.push(line);
  }
  if (run?.debugLog) out.push(`Debug log of the last run: ${run.debugLog}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

/** Outputs a user looks for: URLs, addresses, files. Others stay in `-o json`. */
function highlightOutputs(outputs: Record<string, unknown> | undefined): string {
  if (!outputs) return '';
  return Object.entries(outputs)
    .filter(([k, v]) => typeof v === 'string' && /url|address|path|endpoint|context/i.test(k))
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}
